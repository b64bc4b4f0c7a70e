import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole, rawQuery } from '@tandem/domain';
import type { Principal } from '@tandem/workflows';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { optionalInt } from '../http/query';

@ApiTags('outbox')
@ApiBearerAuth()
@Controller('api/v1/outbox')
export class OutboxController {
  constructor(private readonly em: EntityManager) {}

  @Get()
  @Roles(ApiKeyRole.Admin)
  @ApiOperation({ summary: 'The organization’s emails, newest first (admin only: they hold personal data)' })
  async list(@CurrentPrincipal() principal: Principal, @Query('limit') limit?: string) {
    const items = await rawQuery(
      this.em.fork(),
      `select id, "to", subject, text, status, idempotency_key as "idempotencyKey", attempts, created_at as "createdAt", sent_at as "sentAt"
         from outbox_message where organization_id = ? order by created_at desc, id desc limit ?`,
      [principal.organizationId, Math.min(optionalInt('limit', limit) ?? 100, 1000)],
    );
    return { items };
  }
}
