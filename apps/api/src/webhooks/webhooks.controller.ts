import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole } from '@tandem/domain';
import { type Principal, webhookEndpointSchemas, WebhooksService } from '@tandem/workflows';
import { BodyFrom } from '../http/openapi';
import { actorOf, CurrentPrincipal, OwnedBy, Roles } from '../auth/auth.decorators';

/** Webhook endpoints and their deliveries; admin keys only (an endpoint's address can itself be a secret, as Slack's are). */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1/webhooks')
@Roles(ApiKeyRole.Admin)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({ summary: 'The organization’s webhook endpoints (never their secrets), with delivery counts' })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.webhooks.list(principal.organizationId) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Register an endpoint: { url, events, format: standard|slack|teams, description }; answers its signing secret once',
  })
  @BodyFrom(webhookEndpointSchemas(false).create)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.webhooks.create(actorOf(principal), body);
  }

  @Get(':id')
  @OwnedBy('webhook')
  @ApiOperation({ summary: 'One endpoint' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.webhooks.get(principal.organizationId, id);
  }

  @Patch(':id')
  @OwnedBy('webhook')
  @ApiOperation({ summary: 'Change an endpoint: url, events, format, description, enabled' })
  @BodyFrom(webhookEndpointSchemas(false).update)
  update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.webhooks.update(actorOf(principal), id, body);
  }

  @Delete(':id')
  @OwnedBy('webhook')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an endpoint and its delivery records' })
  async remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.webhooks.remove(actorOf(principal), id);
  }

  @Get(':id/deliveries')
  @OwnedBy('webhook')
  @ApiOperation({
    summary:
      'Deliveries, newest first, each with its attempts and answers: filter by status; page with limit (1-200) and offset',
  })
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
  ) {
    return this.webhooks.deliveries(principal.organizationId, id, query ?? {});
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @OwnedBy('webhook')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a delivery again now, with the same webhook-id' })
  replay(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.replay(actorOf(principal), id, deliveryId);
  }

  @Post(':id/test')
  @OwnedBy('webhook')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a webhook.test event to this endpoint' })
  test(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.webhooks.sendTest(actorOf(principal), id);
  }
}
