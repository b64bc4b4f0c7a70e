import {
  applyDecorators,
  type ArgumentsHost,
  type CanActivate,
  Catch,
  Controller,
  createParamDecorator,
  type ExceptionFilter,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError, Signer } from '@tandem/domain';
import { type Locale, localeFromAcceptLanguage, t } from '@tandem/mail';
import { type Participant, ParticipantsService, REMATCH_REASON_MAX } from '@tandem/workflows';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { CsrfRefused, type PreSessionArea, requireCsrf, SignInRequired } from '../console/console-auth';
import { Consumes } from '../http/content-type.guard';
import { readCookie } from '../http/cookies';
import { toErrorResponse } from '../http/error-body';
import { linkNotValidPage, sendPage } from '../pages/layout';
import { outcomePage } from './me.pages';

/** The personal page's session cookie (a random token; the database holds its hash) and its sign-in form's CSRF cookie. */
export const ME_COOKIE = 'tandem_me';
export const ME_PRE: PreSessionArea = { cookie: 'tandem_me_pre', path: '/me' };
export const ME_SIGN_IN_PATH = '/me/signin';

/** A personal-page request: the signed-in person and the CSRF token their forms carry. */
type MeRequest = FastifyRequest & { participant?: Participant; meCsrf?: string };

/** The CSRF token of a personal-page session's forms, derived from the session id (nothing more is stored). */
function meCsrf(secret: string, sessionId: string): string {
  return new Signer(secret).mac('me-csrf', sessionId);
}

/**
 * Every personal-page route but sign-in needs a live session (cookie), and every POST the session's CSRF token in the
 * `_csrf` field; both are checked before the body is looked at.
 */
@Injectable()
export class MeSessionGuard implements CanActivate {
  constructor(
    private readonly participants: ParticipantsService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MeRequest>();
    const participant = await this.participants.authenticate(readCookie(request, ME_COOKIE));
    if (!participant) throw new SignInRequired();
    const csrf = meCsrf(this.config.appSecret, participant.sessionId);
    request.participant = participant;
    requireCsrf(request, csrf);
    request.meCsrf = csrf;
    return true;
  }
}

/** The signed-in person and their CSRF token. */
export interface MeContext {
  participant: Participant;
  csrf: string;
}

/** The signed-in person of a personal-page route (set by MeSessionGuard). */
export const SignedInParticipant = createParamDecorator((_: unknown, ctx: ExecutionContext): MeContext => {
  const request = ctx.switchToHttp().getRequest<MeRequest>();
  return { participant: request.participant!, csrf: request.meCsrf! };
});

/** The refusals the personal page explains in its own words (the services' codes). */
const REFUSALS = [
  'pairing_live',
  'proposed',
  'paused_already',
  'active_already',
  'alumni',
  'deactivated',
  'pairing_closed',
] as const;

/**
 * Personal-page errors are pages in the person's language: no session goes to sign-in, a missing CSRF token is a 403
 * page, an unknown id (or someone else's) the 404 page, a refusal a page saying why, and the rest its status.
 */
@Catch()
export class MeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('PersonalPage');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<MeRequest>();
    const locale: Locale = request.participant?.locale ?? localeFromAcceptLanguage(request.headers['accept-language']);
    if (exception instanceof SignInRequired) {
      void reply.status(303).header('location', ME_SIGN_IN_PATH).header('cache-control', 'no-store').send();
      return;
    }
    if (exception instanceof CsrfRefused) {
      void sendPage(
        reply,
        403,
        outcomePage(locale, t(locale, 'me.formExpired.title'), t(locale, 'me.formExpired.body')),
      );
      return;
    }
    if (exception instanceof DomainError && exception.kind === 'not_found') {
      void sendPage(reply, 404, linkNotValidPage(locale));
      return;
    }
    const title = t(locale, 'me.refused.title');
    if (exception instanceof DomainError && exception.kind === 'invalid' && exception.code === 'reason_long') {
      void sendPage(
        reply,
        422,
        outcomePage(locale, title, t(locale, 'me.refused.reason_long', { max: REMATCH_REASON_MAX })),
      );
      return;
    }
    const code = exception instanceof DomainError ? REFUSALS.find((c) => c === exception.code) : undefined;
    if (code) {
      void sendPage(reply, 409, outcomePage(locale, title, t(locale, `me.refused.${code}`)));
      return;
    }
    const { status, body } = toErrorResponse(exception);
    if (status >= 500) this.logger.error(`${body.code}: ${(exception as Error)?.stack ?? String(exception)}`);
    void sendPage(
      reply,
      status,
      outcomePage(
        locale,
        status >= 500 ? t(locale, 'me.error.title') : title,
        status >= 500 ? t(locale, 'me.error.body') : body.message,
      ),
    );
  }
}

/**
 * A personal-page controller: pages under /me (outside the API docs and the API-key guard), forms posted as
 * urlencoded, errors as pages, and a live session unless `session: false` (the sign-in pages).
 */
export function MeController(options: { session?: boolean } = {}) {
  return applyDecorators(
    ApiExcludeController(),
    Public(),
    ...(options.session === false ? [] : [UseGuards(MeSessionGuard)]),
    UseFilters(MeExceptionFilter),
    Consumes('application/x-www-form-urlencoded'),
    Controller('me'),
  );
}
