import { EntityManager } from '@mikro-orm/postgresql';
import { Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { NotFoundError } from '@tandem/domain';
import { PairingsService, ProgramsService, readMailPage, ReportService } from '@tandem/workflows';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie } from '../http/cookies';
import {
  type ConsoleContext,
  ConsoleController,
  SESSION_COOKIE,
  SignedIn,
  writeOpsConsoleSession,
} from './console-auth';
import { sendConsolePage } from './console-layout';
import { frameOf } from './console-programs.controller';
import { boardPage, isBoardColumn, mailPage, pairingPage, reportPage } from './views.pages';
import { sendDownload } from '../http/download';

/** Emails per page of the mail viewer. */
const MAIL_PAGE = 20;
const text = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : '');

/** The pairing board, the report with its CSV, and the local mail viewer. */
@ConsoleController()
export class ConsoleViewsController {
  constructor(
    private readonly programs: ProgramsService,
    private readonly pairings: PairingsService,
    private readonly reports: ReportService,
    private readonly em: EntityManager,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('programs/:id/pairings')
  async board(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query('q') q: unknown,
    @Query('state') state: unknown,
    @Res() reply: FastifyReply,
  ) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const { columns } = await this.pairings.board(ctx.admin.organizationId, id);
    const wanted = text(state, 20);
    return sendConsolePage(
      reply,
      200,
      boardPage(frameOf(ctx, this.config), program, columns, Date.now(), {
        search: text(q, 200),
        state: isBoardColumn(wanted) ? wanted : '',
      }),
    );
  }

  @Get('pairings/:id')
  async pairing(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const pairing = await this.pairings.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, pairing.programId);
    const { items } = await this.pairings.sessions(ctx.admin.organizationId, id);
    return sendConsolePage(reply, 200, pairingPage(frameOf(ctx, this.config), program, pairing, items));
  }

  @Get('programs/:id/report')
  async report(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const report = await this.reports.report(ctx.admin.organizationId, id);
    return sendConsolePage(reply, 200, reportPage(frameOf(ctx, this.config), program, report));
  }

  @Get('programs/:id/report.csv')
  async reportCsv(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const csv = await this.reports.csv(ctx.admin.organizationId, id);
    return sendDownload(reply, `program-report-${id}.csv`, 'text/csv', csv);
  }

  /** The header's "Queues" link: the queue dashboard for this admin, by their console session (see OpsAuth). */
  @Get('queues')
  queues(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return writeOpsConsoleSession(reply.status(303), this.config, readCookie(request, SESSION_COOKIE))
      .header('cache-control', 'no-store')
      .header('location', '/ops/queues')
      .send();
  }

  /** The local mail viewer exists only while SMTP_URL is unset: with real mail, links must stay in the inboxes. */
  @Get('mail')
  async mail(
    @SignedIn() ctx: ConsoleContext,
    @Query('kind') kind: unknown,
    @Query('to') to: unknown,
    @Query('offset') offset: unknown,
    @Res() reply: FastifyReply,
  ) {
    if (this.config.smtpUrl) throw new NotFoundError('mail viewer');
    const query = {
      kind: text(kind, 40),
      to: text(to, 200),
      offset: /^\d{1,7}$/.test(text(offset, 8)) ? Number(offset) : 0,
      limit: MAIL_PAGE,
    };
    const page = await readMailPage(this.em.fork(), ctx.admin.organizationId, query, this.config);
    return sendConsolePage(
      reply,
      200,
      mailPage(frameOf(ctx, this.config), page.items, { query, more: page.more, kinds: page.kinds }),
    );
  }
}
