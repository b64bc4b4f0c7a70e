import { Body, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError, type ImportRowError } from '@tandem/domain';
import { InvitationsService, ProgramsService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { consoleActor, type ConsoleContext, ConsoleController, SignedIn } from './console-auth';
import { type FieldErrors, sendConsolePage, sentence } from './console-layout';
import { frameOf } from './console-programs.controller';
import { type InvitationsForms, invitationsPage } from './invitations.pages';

type Form = Record<string, unknown> | undefined;

/** The notice after a change (the query names only which change, never whom). */
const DONE: Record<string, string> = {
  invited: 'Invited: the invitation email is on its way.',
  already: 'This address was invited already: nothing changed.',
  roster: 'Invited: the invitation emails are on their way (addresses invited already were left as they were).',
  reminded: 'One more reminder is on its way to everyone who has not answered.',
  closed: 'Registration is closed: no more reminders or first answers.',
  saved: 'Settings saved.',
};

const field = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Field errors of a refusal, by the form's field (the first segment of the service's path). */
function errorsOf(details: unknown): FieldErrors {
  const errors: FieldErrors = new Map();
  if (Array.isArray(details))
    for (const d of details as { field?: unknown; column?: unknown; message?: unknown }[]) {
      const name = typeof d?.field === 'string' ? d.field : typeof d?.column === 'string' ? d.column : '';
      const key = name.split('.')[0];
      if (key && typeof d.message === 'string' && !errors.has(key)) errors.set(key, sentence(d.message));
    }
  return errors;
}

/** Invitations: the funnel and its actions; calls the same InvitationsService as the JSON API. */
@ConsoleController()
export class ConsoleInvitationsController {
  constructor(
    private readonly programs: ProgramsService,
    private readonly invitations: InvitationsService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  private async render(ctx: ConsoleContext, id: string, reply: FastifyReply, status: number, forms: InvitationsForms) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const view = await this.invitations.funnel(ctx.admin.organizationId, id);
    return sendConsolePage(reply, status, invitationsPage(frameOf(ctx, this.config), program, view, forms));
  }

  private done(reply: FastifyReply, id: string, what: keyof typeof DONE) {
    return reply.status(303).header('location', `/console/programs/${id}/invitations?done=${what}`).send();
  }

  @Get('programs/:id/invitations')
  page(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query('done') done: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.render(ctx, id, reply, 200, { notice: DONE[done ?? ''] });
  }

  @Post('programs/:id/invitations')
  async inviteOne(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() form: Form,
    @Res() reply: FastifyReply,
  ) {
    const person = { role: field(form?.role), name: field(form?.name), email: field(form?.email) };
    try {
      const result = await this.invitations.invite(
        consoleActor(ctx.admin),
        id,
        'json',
        { people: [person] },
        'console',
      );
      return this.done(reply, id, result.invited === 1 ? 'invited' : 'already');
    } catch (err) {
      if (!(err instanceof DomainError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) throw err;
      return this.render(ctx, id, reply, err.kind === 'invalid' ? 422 : 409, {
        alert: err.kind === 'invalid' ? 'Nobody was invited: fix the fields marked below.' : sentence(err.message),
        person,
        personErrors: errorsOf(err.details),
      });
    }
  }

  @Post('programs/:id/invitations/roster')
  async inviteRoster(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() form: Form,
    @Res() reply: FastifyReply,
  ) {
    const csv = field(form?.csv);
    try {
      await this.invitations.invite(consoleActor(ctx.admin), id, 'csv', csv, 'roster');
      return this.done(reply, id, 'roster');
    } catch (err) {
      if (!(err instanceof DomainError) || (err.kind !== 'invalid' && err.kind !== 'conflict')) throw err;
      return this.render(ctx, id, reply, err.kind === 'invalid' ? 422 : 409, {
        alert: err.kind === 'invalid' ? 'Nobody was invited: the list has errors (below).' : sentence(err.message),
        roster: csv,
        rosterErrors: err.kind === 'invalid' ? (err.details as ImportRowError[]) : [],
      });
    }
  }

  @Post('programs/:id/invitations/remind')
  async remind(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    try {
      await this.invitations.remindUnanswered(consoleActor(ctx.admin), id);
      return this.done(reply, id, 'reminded');
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'conflict') throw err;
      return this.render(ctx, id, reply, 409, { alert: sentence(err.message) });
    }
  }

  @Post('programs/:id/registration/close')
  async close(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    await this.invitations.close(consoleActor(ctx.admin), id);
    return this.done(reply, id, 'closed');
  }

  @Post('programs/:id/registration')
  async saveSettings(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() form: Form,
    @Res() reply: FastifyReply,
  ) {
    const values = {
      deadline: field(form?.deadline).trim(),
      reminderDays: field(form?.reminderDays).trim(),
      openRegistration: form?.openRegistration === 'on',
      allowedDomains: field(form?.allowedDomains).trim(),
    };
    const days = values.reminderDays === '' ? [] : values.reminderDays.split(/[,\s]+/).filter(Boolean);
    const problems: FieldErrors = new Map();
    if (days.some((d) => !/^\d{1,3}$/.test(d)))
      problems.set('reminderDays', 'Write whole days separated by commas, such as 3, 7.');
    if (values.deadline !== '' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(values.deadline))
      problems.set('deadline', 'Enter a date and time, such as 2026-12-31T17:00.');
    if (problems.size > 0)
      return this.render(ctx, id, reply, 422, {
        alert: 'Nothing was saved: fix the fields marked below.',
        settings: values,
        settingsErrors: problems,
      });
    try {
      await this.invitations.updateSettings(consoleActor(ctx.admin), id, {
        deadline:
          values.deadline === ''
            ? null
            : `${values.deadline.length === 16 ? `${values.deadline}:00` : values.deadline}Z`,
        reminderDays: days.map(Number),
        openRegistration: values.openRegistration,
        allowedDomains: values.allowedDomains === '' ? [] : values.allowedDomains.split(/[,\s]+/).filter(Boolean),
      });
      return this.done(reply, id, 'saved');
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      return this.render(ctx, id, reply, 422, {
        alert: 'Nothing was saved: fix the fields marked below.',
        settings: values,
        settingsErrors: errorsOf(err.details),
      });
    }
  }
}
