import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { expandLinks, redactLinks } from '@tandem/mail';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole, rawQuery } from '@tandem/domain';
import type { Principal } from '@tandem/workflows';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { optionalInt } from '../http/query';

@ApiTags('outbox')
@ApiBearerAuth()
@Controller('api/v1/outbox')
export class OutboxController {
  constructor(
    private readonly em: EntityManager,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get()
  @Roles(ApiKeyRole.Admin)
  @ApiOperation({ summary: 'The organization’s emails, newest first (admin only: they hold personal data)' })
  async list(@CurrentPrincipal() principal: Principal, @Query('limit') limit?: string) {
    const items = await rawQuery<{ text: string }>(
      this.em.fork(),
      `select id, "to", subject, text, status, idempotency_key as "idempotencyKey", attempts, created_at as "createdAt", sent_at as "sentAt"
         from outbox_message where organization_id = ? order by created_at desc, id desc limit ?`,
      [principal.organizationId, Math.min(optionalInt('limit', limit) ?? 100, 1000)],
    );
    // Without SMTP this listing is the dev mail viewer, so links work; with SMTP it must not reveal offer tokens.
    const links = (text: string) => (this.config.smtpUrl ? redactLinks(text) : expandLinks(text, this.config.publicUrl, this.config.appSecret));
    return { items: items.map((item) => ({ ...item, text: links(item.text) })) };
  }
}
