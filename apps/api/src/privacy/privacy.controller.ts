import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole } from '@tandem/domain';
import { eraseSchema, parseAuditQuery, type Principal, PrivacyService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { actorOf, CurrentPrincipal, OwnedBy, Roles } from '../auth/auth.decorators';
import { BodyFrom } from '../http/openapi';

/** Data-subject requests (export, erase) and the audit trail's reader; admin keys only: they hold personal data. */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('api/v1')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get('people/:id/export')
  @Roles(ApiKeyRole.Admin)
  @OwnedBy('person')
  @ApiOperation({ summary: 'Everything Tandem holds about one person, as JSON (audited as person.exported)' })
  async export(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const data = await this.privacy.export(actorOf(principal), id);
    reply.header('content-disposition', `attachment; filename="person-${id}.json"`).header('cache-control', 'no-store');
    return data;
  }

  @Post('people/:id/erase')
  @HttpCode(200)
  @Roles(ApiKeyRole.Admin)
  @OwnedBy('person')
  @ApiOperation({
    summary:
      'Erase a person: body { "confirm": "<their email>" }; personal data removed or anonymized, history kept; a second erase changes nothing',
  })
  @BodyFrom(eraseSchema)
  erase(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.privacy.erase(actorOf(principal), id, body);
  }

  @Get('audit')
  @Roles(ApiKeyRole.Admin)
  @ApiOperation({
    summary:
      'The audit trail, newest first: filter by subjectType, action, actor, since, until; page with limit (1-200) and offset',
  })
  audit(@CurrentPrincipal() principal: Principal, @Query() query: Record<string, unknown>) {
    return this.privacy.audit(principal.organizationId, parseAuditQuery(query ?? {}));
  }
}
