import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { readOutbox } from '@tandem/mail';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole } from '@tandem/domain';
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
    return {
      items: await readOutbox(
        this.em.fork(),
        principal.organizationId,
        Math.min(optionalInt('limit', limit) ?? 100, 1000),
        this.config,
      ),
    };
  }
}
