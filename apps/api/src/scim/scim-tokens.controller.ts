import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole } from '@tandem/domain';
import { type Principal, scimTokenSchema, ScimTokensService } from '@tandem/workflows';
import { actorOf, CurrentPrincipal, OwnedBy, Roles } from '../auth/auth.decorators';
import { BodyFrom } from '../http/openapi';

/** The SCIM tokens identity providers use (`/scim/v2`); admin keys only. */
@ApiTags('scim')
@ApiBearerAuth()
@Controller('api/v1/scim-tokens')
@Roles(ApiKeyRole.Admin)
export class ScimTokensController {
  constructor(private readonly tokens: ScimTokensService) {}

  @Get()
  @ApiOperation({ summary: 'The organization’s SCIM tokens (never the secrets)' })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.tokens.list(principal.organizationId) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a SCIM token `{ "name" }`; the token is shown once, only its hash is kept' })
  @BodyFrom(scimTokenSchema)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.tokens.create(actorOf(principal), body);
  }

  @Delete(':id')
  @OwnedBy('scimToken')
  @ApiOperation({ summary: 'Revoke a SCIM token at once' })
  revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.tokens.revoke(actorOf(principal), id);
  }
}
