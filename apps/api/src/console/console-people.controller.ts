import { Body, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError, ImportFormat, type ImportRowError } from '@tandem/domain';
import { EffectivenessService, IntakeService, ProgramsService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { consoleActor, type ConsoleContext, ConsoleController, SignedIn } from './console-auth';
import { sendConsolePage } from './console-layout';
import { frameOf } from './console-programs.controller';
import { coachLearningPage, importLabel, importPage, peoplePage } from './people.pages';

const PAGE = 100;

/** People: CSV upload with its progress, and the searchable table. Calls the same IntakeService as the JSON API. */
@ConsoleController()
export class ConsolePeopleController {
  constructor(
    private readonly programs: ProgramsService,
    private readonly intake: IntakeService,
    private readonly learning: EffectivenessService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('programs/:id/people')
  async people(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query('q') q: string | undefined,
    @Query('role') role: string | undefined,
    @Query('offset') offset: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const query = { search: typeof q === 'string' ? q.slice(0, 200) : '', role: role === 'coach' || role === 'coachee' ? role : '', offset: /^\d{1,7}$/.test(offset ?? '') ? Number(offset) : 0, limit: PAGE };
    const { items } = await this.intake.listEnrollments(ctx.admin.organizationId, id, { search: query.search, role: query.role || undefined, offset: query.offset, limit: PAGE });
    return sendConsolePage(reply, 200, peoplePage(frameOf(ctx, this.config), program, items, query));
  }

  @Get('programs/:id/coaches/:coachId/learning')
  async coachLearning(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Param('coachId') coachId: string, @Res() reply: FastifyReply) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const view = await this.learning.coachView(ctx.admin.organizationId, id, coachId);
    return sendConsolePage(reply, 200, coachLearningPage(frameOf(ctx, this.config), program, view));
  }

  @Post('enrollments/:id/return-to-pool')
  async returnToPool(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const returned = await this.intake.returnToPool(consoleActor(ctx.admin), id);
    return reply.status(303).header('location', `/console/programs/${returned.programId}/people`).send();
  }

  @Post('programs/:id/imports')
  async upload(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Body() form: { csv?: unknown } | undefined, @Res() reply: FastifyReply) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const csv = typeof form?.csv === 'string' ? form.csv : '';
    const query = { search: '', role: '', offset: 0, limit: PAGE };
    const page = async (upload: Parameters<typeof peoplePage>[4]) => {
      const { items } = await this.intake.listEnrollments(ctx.admin.organizationId, id, { limit: PAGE });
      return peoplePage(frameOf(ctx, this.config), program, items, query, upload);
    };
    if (csv.trim() === '') return sendConsolePage(reply, 422, await page({ alert: 'Choose a CSV file or paste its contents first.' }));
    try {
      const view = await this.intake.createImport(consoleActor(ctx.admin), id, ImportFormat.Csv, csv);
      return reply.status(303).header('location', `/console/imports/${view.id}`).send();
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      const errors = Array.isArray(err.details) ? (err.details as ImportRowError[]).filter((e) => typeof e.row === 'number') : [];
      // The pasted text comes back to be fixed (unless it is too large to echo).
      return sendConsolePage(reply, 422, await page({ csv: csv.length <= 200_000 ? csv : '', alert: err.message, errors }));
    }
  }

  @Get('imports/:id')
  async importView(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const view = await this.intake.getImport(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, view.programId);
    return sendConsolePage(reply, 200, importPage(frameOf(ctx, this.config), program, view));
  }

  @Get('imports/:id/status')
  async importStatus(@SignedIn() ctx: ConsoleContext, @Param('id') id: string) {
    const view = await this.intake.getImport(ctx.admin.organizationId, id);
    return { progress: view.progress, label: importLabel(view), done: view.status === 'succeeded' || view.status === 'failed' };
  }
}
