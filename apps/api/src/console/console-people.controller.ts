import { Body, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError, ImportFormat, type ImportRowError } from '@tandem/domain';
import {
  commaSeparated,
  EffectivenessService,
  IntakeService,
  PeopleAdminService,
  peopleTemplateCsv,
  ProgramsService,
} from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { consoleActor, type ConsoleContext, ConsoleController, SignedIn } from './console-auth';
import { sendConsolePage, sentence } from './console-layout';
import { frameOf } from './console-programs.controller';
import { coachLearningPage, importLabel, importPage, peoplePage } from './people.pages';
import { enrollmentBody, personErrors, personFromForm, personPage, personValues, removePage } from './person.pages';
import { sendDownload } from '../http/download';

/** The people page's notice after a change (the query names only which change, never whom). */
const DONE: Record<string, string> = {
  added: 'Person added. One welcome email is on its way.',
  updated: 'Already enrolled with this email: their details were updated (no second welcome email).',
  saved: 'Details saved.',
  paused: 'Paused: out of the matching pool until resumed. Pairings, feedback and emails are kept.',
  resumed: 'Resumed: back in the matching pool.',
  removed: 'Removed from this program.',
};

const PAGE = 100;

/** People: CSV upload with its progress, and the searchable table. Calls the same IntakeService as the JSON API. */
@ConsoleController()
export class ConsolePeopleController {
  constructor(
    private readonly programs: ProgramsService,
    private readonly intake: IntakeService,
    private readonly learning: EffectivenessService,
    private readonly peopleAdmin: PeopleAdminService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('programs/:id/people')
  async people(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query('q') q: string | undefined,
    @Query('role') role: string | undefined,
    @Query('offset') offset: string | undefined,
    @Query('done') done: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const query = {
      search: typeof q === 'string' ? q.slice(0, 200) : '',
      role: role === 'coach' || role === 'coachee' ? role : '',
      offset: /^\d{1,7}$/.test(offset ?? '') ? Number(offset) : 0,
      limit: PAGE,
    };
    const { items } = await this.intake.listEnrollments(ctx.admin.organizationId, id, {
      search: query.search,
      role: query.role || undefined,
      offset: query.offset,
      limit: PAGE,
    });
    return sendConsolePage(
      reply,
      200,
      peoplePage(frameOf(ctx, this.config), program, items, query, { notice: DONE[done ?? ''] }),
    );
  }

  @Get('programs/:id/people-template.csv')
  async template(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    return sendDownload(reply, 'people-template.csv', 'text/csv', peopleTemplateCsv(program.skills));
  }

  @Get('programs/:id/people.csv')
  async exportPeople(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    return sendDownload(
      reply,
      `people-${id}.csv`,
      'text/csv',
      await this.peopleAdmin.peopleCsv(ctx.admin.organizationId, id),
    );
  }

  @Get('programs/:id/pairings.csv')
  async exportPairings(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    return sendDownload(
      reply,
      `pairings-${id}.csv`,
      'text/csv',
      await this.peopleAdmin.pairingsCsv(ctx.admin.organizationId, id),
    );
  }

  @Get('programs/:id/people/new')
  async addForm(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const values = personFromForm({ role: 'coachee', timezone: 'Europe/London' }, program);
    return sendConsolePage(reply, 200, personPage(frameOf(ctx, this.config), program, values, new Map()));
  }

  @Post('programs/:id/people')
  async add(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() form: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const values = personFromForm(form, program);
    try {
      const enrolled = await this.intake.enroll(consoleActor(ctx.admin), id, enrollmentBody(values, program));
      return reply
        .status(303)
        .header('location', `/console/programs/${id}/people?done=${enrolled.created ? 'added' : 'updated'}`)
        .send();
    } catch (err) {
      if (!(err instanceof DomainError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) throw err;
      const errors = err.kind === 'invalid' ? personErrors(err.details, program) : new Map<string, string>();
      const alert =
        err.kind === 'invalid' ? 'Nobody was added: fix the fields marked below.' : `Nobody was added: ${err.message}.`;
      return sendConsolePage(
        reply,
        err.kind === 'invalid' ? 422 : 409,
        personPage(frameOf(ctx, this.config), program, values, errors, { alert }),
      );
    }
  }

  @Get('enrollments/:id/edit')
  async editForm(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const person = await this.peopleAdmin.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, person.programId);
    return sendConsolePage(
      reply,
      200,
      personPage(frameOf(ctx, this.config), program, personValues(person), new Map(), { person }),
    );
  }

  @Post('enrollments/:id')
  async save(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() form: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    const person = await this.peopleAdmin.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, person.programId);
    // The role and the email identify the enrollment: they come from it, never from the form.
    const values = { ...personFromForm(form, program), role: person.role, email: person.email };
    try {
      await this.intake.enroll(consoleActor(ctx.admin), program.id, enrollmentBody(values, program));
      return reply.status(303).header('location', `/console/programs/${program.id}/people?done=saved`).send();
    } catch (err) {
      if (!(err instanceof DomainError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) throw err;
      const errors = err.kind === 'invalid' ? personErrors(err.details, program) : new Map<string, string>();
      const alert =
        err.kind === 'invalid'
          ? 'Nothing was saved: fix the fields marked below.'
          : `Nothing was saved: ${err.message}.`;
      return sendConsolePage(
        reply,
        err.kind === 'invalid' ? 422 : 409,
        personPage(frameOf(ctx, this.config), program, values, errors, { person, alert }),
      );
    }
  }

  @Post('enrollments/:id/pause')
  pause(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    return this.statusChange(ctx, id, reply, 'paused', () => this.peopleAdmin.pause(consoleActor(ctx.admin), id));
  }

  @Post('enrollments/:id/resume')
  resume(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    return this.statusChange(ctx, id, reply, 'resumed', () => this.peopleAdmin.resume(consoleActor(ctx.admin), id));
  }

  @Get('enrollments/:id/remove')
  async removeForm(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const person = await this.peopleAdmin.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, person.programId);
    return sendConsolePage(reply, 200, removePage(frameOf(ctx, this.config), program, person));
  }

  @Post('enrollments/:id/remove')
  async remove(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const person = await this.peopleAdmin.get(ctx.admin.organizationId, id);
    try {
      await this.peopleAdmin.remove(consoleActor(ctx.admin), id);
      return reply.status(303).header('location', `/console/programs/${person.programId}/people?done=removed`).send();
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
      const program = await this.programs.get(ctx.admin.organizationId, person.programId);
      return sendConsolePage(
        reply,
        409,
        removePage(
          frameOf(ctx, this.config),
          program,
          await this.peopleAdmin.get(ctx.admin.organizationId, id),
          err.message,
        ),
      );
    }
  }

  /** Pause or resume; a refusal shows the person's page with the reason (nothing changed). */
  private async statusChange(
    ctx: ConsoleContext,
    id: string,
    reply: FastifyReply,
    done: string,
    action: () => Promise<{ programId: string }>,
  ) {
    try {
      const person = await action();
      return reply.status(303).header('location', `/console/programs/${person.programId}/people?done=${done}`).send();
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
      const person = await this.peopleAdmin.get(ctx.admin.organizationId, id);
      const program = await this.programs.get(ctx.admin.organizationId, person.programId);
      return sendConsolePage(
        reply,
        409,
        personPage(frameOf(ctx, this.config), program, personValues(person), new Map(), { person, alert: err.message }),
      );
    }
  }

  @Get('programs/:id/coaches/:coachId/learning')
  async coachLearning(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Param('coachId') coachId: string,
    @Res() reply: FastifyReply,
  ) {
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
  async upload(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() form: { csv?: unknown } | undefined,
    @Res() reply: FastifyReply,
  ) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const given = typeof form?.csv === 'string' ? form.csv : '';
    // Semicolon- or tab-separated files (spreadsheets in many locales) are read with their separator.
    const separated = commaSeparated(given);
    const csv = separated.text;
    const query = { search: '', role: '', offset: 0, limit: PAGE };
    const page = async (upload: Parameters<typeof peoplePage>[4]) => {
      const { items } = await this.intake.listEnrollments(ctx.admin.organizationId, id, { limit: PAGE });
      return peoplePage(frameOf(ctx, this.config), program, items, query, upload);
    };
    if (csv.trim() === '')
      return sendConsolePage(reply, 422, await page({ alert: 'Choose a CSV file or paste its contents first.' }));
    const sepName = separated.separator === 'tab' ? 'tab' : 'semicolon';
    if (separated.problem) {
      return sendConsolePage(
        reply,
        422,
        await page({
          csv: given.length <= 200_000 ? given : '',
          alert: `This file looks ${sepName}-separated, but it could not be read: ${separated.problem}. Nothing was written. Check the quotes, or save the file again as “CSV (comma-separated)”.`,
        }),
      );
    }
    try {
      const view = await this.intake.createImport(consoleActor(ctx.admin), id, ImportFormat.Csv, csv);
      return reply
        .status(303)
        .header(
          'location',
          `/console/imports/${view.id}${separated.separator === 'comma' ? '' : `?separator=${separated.separator}`}`,
        )
        .send();
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      const errors = Array.isArray(err.details)
        ? (err.details as ImportRowError[]).filter((e) => typeof e.row === 'number')
        : [];
      // The pasted text comes back to be fixed (unless it is too large to echo).
      const note = separated.separator === 'comma' ? '' : ` (The file was read as ${sepName}-separated.)`;
      return sendConsolePage(
        reply,
        422,
        await page({ csv: given.length <= 200_000 ? given : '', alert: `${sentence(err.message)}${note}`, errors }),
      );
    }
  }

  @Get('imports/:id')
  async importView(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query('separator') separator: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const view = await this.intake.getImport(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, view.programId);
    const read = separator === 'semicolon' || separator === 'tab' ? separator : undefined;
    return sendConsolePage(reply, 200, importPage(frameOf(ctx, this.config), program, view, read));
  }

  @Get('imports/:id/status')
  async importStatus(@SignedIn() ctx: ConsoleContext, @Param('id') id: string) {
    const view = await this.intake.getImport(ctx.admin.organizationId, id);
    return {
      progress: view.progress,
      label: importLabel(view),
      done: view.status === 'succeeded' || view.status === 'failed',
    };
  }
}
