import { Body, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { type DomainError, NotFoundError } from '@tandem/domain';
import { pairReasonText } from '@tandem/mail';
import { IntakeService, ProgramsService, RoundReviewService, RoundsService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { consoleActor, type ConsoleContext, ConsoleController, SignedIn } from './console-auth';
import { sendConsolePage } from './console-layout';
import { frameOf } from './console-programs.controller';
import {
  alternativesPage,
  movedPairs,
  pairsBefore,
  publishPage,
  roundLabel,
  roundPage,
  roundsPage,
  shortId,
} from './round.pages';

/** Above this many proposals the page lists coaches by name only (scoring every pair on each view costs too much). */
const REVIEW_LIMIT = 200;

type Form = Record<string, unknown>;
const str = (form: Form | undefined, name: string) => (typeof form?.[name] === 'string' ? (form[name] as string) : '');
const revisionOf = (form: Form | undefined) =>
  /^\d{1,9}$/.test(str(form, 'revision')) ? Number(str(form, 'revision')) : str(form, 'revision');

/** Why a change was refused, in words an admin can act on. */
function refusal(err: DomainError): string {
  if (err.code === 'pair_not_allowed')
    return `Not changed: this pair breaks a rule: ${pairReasonText(String((err.details as { reason?: unknown } | undefined)?.reason ?? ''))}.`;
  if (err.code === 'coach_full') return 'Not changed: this coach has no free place left for another pinned coachee.';
  if (err.code === 'stale_revision')
    return 'Not changed: the round changed meanwhile (someone else, or the previous change is still solving). Look again and retry.';
  if (err.code === 'round_published') return 'This round is published already; it cannot change.';
  const details = Array.isArray(err.details)
    ? (err.details as { message?: string }[]).map((d) => d.message).filter(Boolean)
    : [];
  return `Not changed: ${details.length > 0 ? details.join('; ') : err.message}`;
}

/** Rounds: launch with live progress, review (pin, swap, remove), publish; all through RoundsService like the API. */
@ConsoleController()
export class ConsoleRoundsController {
  constructor(
    private readonly programs: ProgramsService,
    private readonly rounds: RoundsService,
    private readonly intake: IntakeService,
    private readonly review: RoundReviewService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('programs/:id/rounds')
  async list(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const { items } = await this.rounds.list(ctx.admin.organizationId, id);
    return sendConsolePage(reply, 200, roundsPage(frameOf(ctx, this.config), program, items));
  }

  @Post('programs/:id/rounds')
  async launch(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    try {
      const round = await this.rounds.launch(consoleActor(ctx.admin), id);
      return reply.status(303).header('location', `/console/rounds/${round.id}`).send();
    } catch (err) {
      if ((err as DomainError).kind !== 'conflict') throw err;
      const { items } = await this.rounds.list(ctx.admin.organizationId, id);
      return sendConsolePage(
        reply,
        409,
        roundsPage(frameOf(ctx, this.config), program, items, (err as DomainError).message),
      );
    }
  }

  @Get('rounds/:id')
  async show(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query('changed') changed: string | undefined,
    @Query('was') was: string | undefined,
    @Query('you') you: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const before =
      changed && typeof was === 'string'
        ? { was: was.slice(0, 20_000), you: typeof you === 'string' ? you.slice(0, 8) : undefined }
        : undefined;
    return sendConsolePage(
      reply,
      200,
      await this.page(
        ctx,
        id,
        changed ? { notice: 'Changed. The rest of the round was solved again around your change.' } : undefined,
        before,
      ),
    );
  }

  @Get('rounds/:id/coachees/:coacheeId')
  async alternatives(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Param('coacheeId') coacheeId: string,
    @Res() reply: FastifyReply,
  ) {
    const round = await this.rounds.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, round.programId);
    const [options] = await this.review.options(ctx.admin.organizationId, id, [coacheeId]);
    if (!options) throw new NotFoundError('coachee of this round', coacheeId.slice(0, 64));
    return sendConsolePage(reply, 200, alternativesPage(frameOf(ctx, this.config), program, round, options));
  }

  @Get('rounds/:id/publish')
  async confirmPublish(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const round = await this.rounds.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, round.programId);
    const { items } = await this.rounds.proposals(ctx.admin.organizationId, id);
    return sendConsolePage(reply, 200, publishPage(frameOf(ctx, this.config), program, round, items));
  }

  @Get('rounds/:id/status')
  async status(@SignedIn() ctx: ConsoleContext, @Param('id') id: string) {
    const round = await this.rounds.get(ctx.admin.organizationId, id);
    return {
      progress: round.progress,
      label: roundLabel(round),
      done: round.status !== 'queued' && round.status !== 'running',
    };
  }

  @Post('rounds/:id/pins')
  pin(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Body() form: Form, @Res() reply: FastifyReply) {
    return this.change(
      ctx,
      id,
      reply,
      () =>
        this.rounds.pin(consoleActor(ctx.admin), id, {
          coacheeId: str(form, 'coacheeId'),
          coachId: str(form, 'coachId'),
          revision: revisionOf(form),
        }),
      str(form, 'coacheeId'),
    );
  }

  @Post('rounds/:id/unpin')
  unpin(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Body() form: Form, @Res() reply: FastifyReply) {
    return this.change(
      ctx,
      id,
      reply,
      () => this.rounds.unpin(consoleActor(ctx.admin), id, str(form, 'coacheeId'), { revision: revisionOf(form) }),
      str(form, 'coacheeId'),
    );
  }

  @Post('rounds/:id/exclusions')
  exclude(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Body() form: Form, @Res() reply: FastifyReply) {
    return this.change(
      ctx,
      id,
      reply,
      () =>
        this.rounds.exclude(consoleActor(ctx.admin), id, {
          coacheeId: str(form, 'coacheeId'),
          coachId: str(form, 'coachId'),
          revision: revisionOf(form),
        }),
      str(form, 'coacheeId'),
    );
  }

  @Post('rounds/:id/restorations')
  restore(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Body() form: Form, @Res() reply: FastifyReply) {
    return this.change(
      ctx,
      id,
      reply,
      () =>
        this.review.restore(consoleActor(ctx.admin), id, {
          coacheeId: str(form, 'coacheeId'),
          coachId: str(form, 'coachId'),
          revision: revisionOf(form),
        }),
      str(form, 'coacheeId'),
    );
  }

  @Post('rounds/:id/publish')
  publish(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    return this.change(ctx, id, reply, () => this.rounds.publish(consoleActor(ctx.admin), id), null);
  }

  /**
   * Runs a change; success goes back to the round (with the pairs before it, so the page can say what the re-solve
   * moved), a refusal shows the round with the reason (nothing changed). `coacheeId` is the coachee changed (null: publish).
   */
  private async change(
    ctx: ConsoleContext,
    id: string,
    reply: FastifyReply,
    action: () => Promise<unknown>,
    coacheeId: string | null,
  ) {
    const before = coacheeId === null ? [] : (await this.rounds.proposals(ctx.admin.organizationId, id)).items;
    try {
      await action();
      const was = before.length <= REVIEW_LIMIT ? `&was=${pairsBefore(before)}&you=${shortId(coacheeId ?? '')}` : '';
      return reply
        .status(303)
        .header('location', `/console/rounds/${id}${coacheeId === null ? '' : `?changed=1${was}`}`)
        .send();
    } catch (err) {
      const domain = err as DomainError;
      if (domain.kind !== 'conflict' && domain.kind !== 'invalid') throw err;
      return sendConsolePage(
        reply,
        domain.kind === 'conflict' ? 409 : 422,
        await this.page(ctx, id, { alert: refusal(domain) }),
      );
    }
  }

  private async page(
    ctx: ConsoleContext,
    id: string,
    message?: { alert?: string; notice?: string },
    before?: { was: string; you?: string },
  ): Promise<string> {
    const round = await this.rounds.get(ctx.admin.organizationId, id);
    const program = await this.programs.get(ctx.admin.organizationId, round.programId);
    const proposals = (await this.rounds.proposals(ctx.admin.organizationId, id)).items;
    const { items: coaches } =
      round.status === 'proposed'
        ? await this.intake.listEnrollments(ctx.admin.organizationId, program.id, { role: 'coach', limit: 500 })
        : { items: [] };
    const reviewed = round.status === 'proposed' && proposals.length <= REVIEW_LIMIT;
    const options = reviewed
      ? await this.review.options(
          ctx.admin.organizationId,
          id,
          proposals.map((p) => p.coachee.id),
        )
      : [];
    const names = new Map<string, string>([
      ...coaches.map((c) => [shortId(c.id), c.name] as const),
      ...proposals.map((p) => [shortId(p.coachee.id), p.coachee.name] as const),
      ...round.unmatchedCoachees.map((u) => [shortId(u.coacheeId), u.name] as const),
    ]);
    const moved =
      before && round.status === 'proposed' ? movedPairs(before.was, proposals, names, before.you) : undefined;
    return roundPage(frameOf(ctx, this.config), program, round, proposals, coaches, message, {
      options: new Map(options.map((o) => [o.coacheeId, o])),
      moved,
    });
  }
}
