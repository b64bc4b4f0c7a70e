import { setTimeout as sleep } from 'node:timers/promises';
import { Body, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError } from '@tandem/domain';
import { type Locale, localeFromAcceptLanguage, t } from '@tandem/mail';
import { PERSONAL_SESSION_HOURS, PERSONAL_SIGN_IN_MINUTES, ParticipantsService } from '@tandem/workflows';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ensurePreCsrf, preCsrfValid } from '../console/console-auth';
import { SIGN_IN_ANSWER_MS } from '../console/console-signin.controller';
import { writeCookie } from '../http/cookies';
import { sendPage } from '../pages/layout';
import { ME_COOKIE, ME_PRE, ME_SIGN_IN_PATH, MeController, type MeContext, SignedInParticipant } from './me-auth';
import { outcomePage, personalPage, signInConfirmPage, signInPage, signInSentPage } from './me.pages';

type Form = Record<string, unknown> | undefined;

const browserLocale = (request: FastifyRequest): Locale => localeFromAcceptLanguage(request.headers['accept-language']);

const toSignIn = (reply: FastifyReply) =>
  reply.status(303).header('location', ME_SIGN_IN_PATH).header('cache-control', 'no-store').send();

/** Sign-in to the personal page by emailed link: the same answer and timing for any email; rate-limited per client. */
@MeController({ session: false })
export class MeSignInController {
  constructor(
    private readonly participants: ParticipantsService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('signin')
  @RouteConfig({ rateLimit: {} })
  form(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const csrf = ensurePreCsrf(request, reply, this.config, ME_PRE);
    return sendPage(reply, 200, signInPage(browserLocale(request), csrf, PERSONAL_SIGN_IN_MINUTES));
  }

  @Post('signin')
  @RouteConfig({ rateLimit: {} })
  async request(@Req() request: FastifyRequest, @Body() body: Form, @Res() reply: FastifyReply) {
    const started = performance.now();
    const locale = browserLocale(request);
    const csrf = ensurePreCsrf(request, reply, this.config, ME_PRE);
    if (!preCsrfValid(request, this.config, ME_PRE))
      return sendPage(
        reply,
        403,
        outcomePage(locale, t(locale, 'me.formExpired.title'), t(locale, 'me.formExpired.body')),
      );
    try {
      await this.participants.requestSignIn(body?.email);
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      const email = typeof body?.email === 'string' ? body.email : '';
      const error = t(locale, 'me.signIn.invalidEmail');
      return sendPage(reply, 422, signInPage(locale, csrf, PERSONAL_SIGN_IN_MINUTES, email, error));
    }
    // The same answer, at the same time, whether or not the email belongs to a participant.
    await sleep(Math.max(0, SIGN_IN_ANSWER_MS - (performance.now() - started)));
    return sendPage(reply, 200, signInSentPage(locale, PERSONAL_SIGN_IN_MINUTES));
  }

  /** The emailed link shows a button and changes nothing: mail scanners fetch links, only a press signs in. */
  @Get('signin/:token')
  @RouteConfig({ rateLimit: {} })
  async confirm(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const locale = browserLocale(request);
    const csrf = ensurePreCsrf(request, reply, this.config, ME_PRE);
    const usable = await this.participants.signInUsable(token);
    return sendPage(reply, usable ? 200 : 404, signInConfirmPage(locale, token, usable ? csrf : undefined));
  }

  @Post('signin/:token')
  @RouteConfig({ rateLimit: {} })
  async signIn(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const locale = browserLocale(request);
    if (!preCsrfValid(request, this.config, ME_PRE))
      return sendPage(reply, 403, signInConfirmPage(locale, token, ensurePreCsrf(request, reply, this.config, ME_PRE)));
    const session = await this.participants.signIn(token);
    if (!session) return sendPage(reply, 404, signInConfirmPage(locale, token, undefined));
    writeCookie(reply, this.config, ME_COOKIE, session, {
      path: '/me',
      sameSite: 'lax',
      maxAgeSeconds: PERSONAL_SESSION_HOURS * 3600,
    });
    return reply.status(303).header('location', '/me').header('cache-control', 'no-store').send();
  }
}

/**
 * The personal page and the person's own actions (pause, resume, leave, ask for a different coach), each answered with
 * a page saying what happened; a session's calendar file. Pages work without script.
 */
@MeController()
export class MePageController {
  constructor(
    private readonly participants: ParticipantsService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get()
  @RouteConfig({ rateLimit: {} })
  async home(@SignedInParticipant() me: MeContext, @Res() reply: FastifyReply) {
    const enrollments = await this.participants.overview(me.participant);
    return sendPage(reply, 200, personalPage(me.participant, enrollments, me.csrf));
  }

  @Post('signout')
  @RouteConfig({ rateLimit: {} })
  async signOut(@SignedInParticipant() me: MeContext, @Res() reply: FastifyReply) {
    await this.participants.signOut(me.participant);
    writeCookie(reply, this.config, ME_COOKIE, undefined, { path: '/me', sameSite: 'lax', maxAgeSeconds: 0 });
    return toSignIn(reply);
  }

  /** One session's calendar file, for the person's own sessions only. */
  @Get('sessions/:id/calendar.ics')
  @RouteConfig({ rateLimit: {} })
  async calendar(@SignedInParticipant() me: MeContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const ics = await this.participants.calendar(me.participant, id);
    return reply
      .status(200)
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="tandem-session.ics"')
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(ics);
  }

  @Post('enrollments/:id/pause')
  @RouteConfig({ rateLimit: {} })
  async pause(@SignedInParticipant() me: MeContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const program = await this.participants.pause(me.participant, id);
    return this.done(reply, me, t(me.participant.locale, 'me.done.paused', { program }));
  }

  @Post('enrollments/:id/resume')
  @RouteConfig({ rateLimit: {} })
  async resume(@SignedInParticipant() me: MeContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const program = await this.participants.resume(me.participant, id);
    return this.done(reply, me, t(me.participant.locale, 'me.done.resumed', { program }));
  }

  @Post('enrollments/:id/leave')
  @RouteConfig({ rateLimit: {} })
  async leave(@SignedInParticipant() me: MeContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const program = await this.participants.leave(me.participant, id);
    return this.done(reply, me, t(me.participant.locale, 'me.done.left', { program }));
  }

  @Post('pairings/:id/rematch')
  @RouteConfig({ rateLimit: {} })
  async rematch(
    @SignedInParticipant() me: MeContext,
    @Param('id') id: string,
    @Body() body: Form,
    @Res() reply: FastifyReply,
  ) {
    const name = await this.participants.askRematch(me.participant, id, body?.reason);
    return this.done(reply, me, t(me.participant.locale, 'me.done.rematch', { name }));
  }

  private done(reply: FastifyReply, me: MeContext, message: string): FastifyReply {
    const locale = me.participant.locale;
    return sendPage(reply, 200, outcomePage(locale, t(locale, 'me.title'), message));
  }
}
