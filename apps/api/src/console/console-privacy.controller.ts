import { Body, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError } from '@tandem/domain';
import { parseAuditQuery, PeopleAdminService, PrivacyService, ProgramsService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { consoleActor, type ConsoleContext, ConsoleController, SignedIn } from './console-auth';
import { fieldErrors, sendConsolePage, sentence } from './console-layout';
import { frameOf } from './console-programs.controller';
import { auditPage, erasedPage, erasePage } from './privacy.pages';
import { sendDownload } from '../http/download';

const AUDIT_FILTERS = ['action', 'subjectType', 'actor', 'since', 'until'] as const;

/** A person's data rights (export, erase) and the audit trail, through the same PrivacyService as the API. */
@ConsoleController()
export class ConsolePrivacyController {
  constructor(
    private readonly privacy: PrivacyService,
    private readonly peopleAdmin: PeopleAdminService,
    private readonly programs: ProgramsService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('enrollments/:id/export.json')
  async export(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const personId = await this.privacy.personOfEnrollment(ctx.admin.organizationId, id);
    const data = await this.privacy.export(consoleActor(ctx.admin), personId);
    return sendDownload(reply, `person-${personId}.json`, 'application/json', JSON.stringify(data, null, 2));
  }

  @Get('enrollments/:id/erase')
  async eraseForm(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const person = await this.peopleAdmin.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, person.programId);
    return sendConsolePage(reply, 200, erasePage(frameOf(ctx, this.config), program, person));
  }

  @Post('enrollments/:id/erase')
  async erase(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() form: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    const person = await this.peopleAdmin.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, person.programId);
    const personId = await this.privacy.personOfEnrollment(ctx.admin.organizationId, id);
    try {
      const outcome = await this.privacy.erase(consoleActor(ctx.admin), personId, {
        confirm: typeof form?.confirm === 'string' ? form.confirm : undefined,
      });
      return sendConsolePage(reply, 200, erasedPage(frameOf(ctx, this.config), program, outcome));
    } catch (err) {
      if (!(err instanceof DomainError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) throw err;
      const errors = err.kind === 'invalid' ? fieldErrors(err.details) : new Map<string, string>();
      return sendConsolePage(
        reply,
        err.kind === 'invalid' ? 422 : 409,
        erasePage(frameOf(ctx, this.config), program, person, errors, `Nothing was erased: ${sentence(err.message)}`),
      );
    }
  }

  @Get('audit')
  async audit(@SignedIn() ctx: ConsoleContext, @Query() raw: Record<string, unknown>, @Res() reply: FastifyReply) {
    const query = Object.fromEntries(
      AUDIT_FILTERS.map((k) => [k, typeof raw?.[k] === 'string' ? String(raw[k]).slice(0, 200) : '']),
    ) as Record<string, string>;
    try {
      const page = await this.privacy.audit(
        ctx.admin.organizationId,
        parseAuditQuery({ ...query, limit: '50', offset: typeof raw?.offset === 'string' ? raw.offset : '' }),
      );
      return sendConsolePage(reply, 200, auditPage(frameOf(ctx, this.config), query, page));
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      return sendConsolePage(
        reply,
        422,
        auditPage(
          frameOf(ctx, this.config),
          query,
          null,
          fieldErrors(err.details),
          'Nothing is shown: fix the filters marked below.',
        ),
      );
    }
  }
}
