import { randomBytes } from 'node:crypto';
import {
  applyDecorators,
  ArgumentsHost,
  CanActivate,
  Catch,
  Controller,
  createParamDecorator,
  ExceptionFilter,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { sameToken, Signer } from '@tandem/domain';
import { AdminsService, type ConsoleAdmin, SESSION_HOURS } from '@tandem/workflows';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { bodyErrorOf } from '../http/body-errors';
import { Consumes } from '../http/content-type.guard';
import { toErrorResponse } from '../http/error-body';
import { readCookie, writeCookie } from '../http/cookies';
import { consoleErrorPage, sendConsolePage } from './console-layout';

/** The session cookie (a random token; the database holds its hash) and the pre-session CSRF cookie of the sign-in forms. */
export const SESSION_COOKIE = 'tandem_console';
export const PRE_COOKIE = 'tandem_console_pre';
export const SIGN_IN_PATH = '/console/signin';

/** A console request: the signed-in admin and the CSRF token their forms carry. */
export type ConsoleRequest = FastifyRequest & { consoleAdmin?: ConsoleAdmin; consoleCsrf?: string };

/** The CSRF token of a session's forms: derived from the session id, so nothing more is stored. */
export function sessionCsrf(secret: string, sessionId: string): string {
  return new Signer(secret).mac('console-csrf', sessionId);
}

/** The CSRF token of the sign-in forms, bound to the browser's pre-session cookie (double submit, signed). */
export function preCsrf(secret: string, preCookie: string): string {
  return new Signer(secret).mac('console-pre', preCookie);
}

const CONSOLE_SCOPE = { path: '/console', sameSite: 'lax' } as const;

/** Sets (or, without a token, clears) the console session cookie: HttpOnly, SameSite=Lax, under /console. */
export function writeConsoleSession(
  reply: FastifyReply,
  config: TandemConfig,
  token: string | undefined,
): FastifyReply {
  return writeCookie(reply, config, SESSION_COOKIE, token, { ...CONSOLE_SCOPE, maxAgeSeconds: SESSION_HOURS * 3600 });
}

/** Where the console's "Queues" link goes: it lends the session to the queue dashboard, then opens it. */
export const QUEUES_PATH = '/console/queues';

/**
 * The console session's cookie under /ops, so that the queue dashboard knows the admin (OpsAuth reads it; SameSite=Strict
 * there, as the dashboard's own sign-in cookie). Without a token it clears it (sign-out).
 */
export function writeOpsConsoleSession(
  reply: FastifyReply,
  config: TandemConfig,
  token: string | undefined,
): FastifyReply {
  return writeCookie(reply, config, SESSION_COOKIE, token, {
    path: '/ops',
    sameSite: 'strict',
    maxAgeSeconds: SESSION_HOURS * 3600,
  });
}

/** Where a pre-session CSRF cookie lives: the console's sign-in forms, or the personal page's. */
export interface PreSessionArea {
  cookie: string;
  path: '/console' | '/me';
}

const CONSOLE_PRE: PreSessionArea = { cookie: PRE_COOKIE, path: '/console' };

/** The browser's pre-session cookie, set when missing; answers the CSRF token for the sign-in forms. */
export function ensurePreCsrf(
  request: FastifyRequest,
  reply: FastifyReply,
  config: TandemConfig,
  area: PreSessionArea = CONSOLE_PRE,
): string {
  let pre = readCookie(request, area.cookie);
  if (!pre || !/^[A-Za-z0-9_-]{43}$/.test(pre)) {
    pre = randomBytes(32).toString('base64url');
    writeCookie(reply, config, area.cookie, pre, { path: area.path, sameSite: 'lax', maxAgeSeconds: 3600 });
  }
  return preCsrf(config.appSecret, pre);
}

/** Whether a sign-in form's CSRF field matches the browser's pre-session cookie. */
export function preCsrfValid(
  request: FastifyRequest,
  config: TandemConfig,
  area: PreSessionArea = CONSOLE_PRE,
): boolean {
  const pre = readCookie(request, area.cookie);
  return (
    pre !== undefined &&
    sameToken(preCsrf(config.appSecret, pre), (request.body as { _csrf?: unknown } | undefined)?._csrf)
  );
}

/** No live session: a browser is sent to the sign-in page. */
export class SignInRequired extends Error {}

/** A form without the session's CSRF token. */
export class CsrfRefused extends Error {}

/**
 * Refuses a POST without the session's CSRF token in its `_csrf` field (or, where `header` allows, the `x-csrf-token`
 * header of the page script). A body that could not be parsed carries no token to check: the request is refused with
 * its 400 right after the guards (BodyCheckInterceptor), and no handler runs.
 */
export function requireCsrf(request: FastifyRequest, csrf: string, header = false): void {
  if (request.method !== 'POST' || bodyErrorOf(request)) return;
  const field = (request.body as { _csrf?: unknown } | undefined)?._csrf;
  if (!sameToken(csrf, field ?? (header ? request.headers['x-csrf-token'] : undefined))) throw new CsrfRefused();
}

/**
 * Every console route but sign-in needs a live session (cookie); every POST needs the session's CSRF token in the
 * `_csrf` field (or the `x-csrf-token` header for the page script).
 */
@Injectable()
export class ConsoleSessionGuard implements CanActivate {
  constructor(
    private readonly admins: AdminsService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ConsoleRequest>();
    const admin = await this.admins.authenticate(readCookie(request, SESSION_COOKIE));
    if (!admin) throw new SignInRequired();
    const csrf = sessionCsrf(this.config.appSecret, admin.sessionId);
    requireCsrf(request, csrf, true);
    request.consoleAdmin = admin;
    request.consoleCsrf = csrf;
    return true;
  }
}

/** The signed-in admin and their CSRF token. */
export interface ConsoleContext {
  admin: ConsoleAdmin;
  csrf: string;
}

/** The signed-in admin of a console route (set by ConsoleSessionGuard). */
export const SignedIn = createParamDecorator((_: unknown, ctx: ExecutionContext): ConsoleContext => {
  const request = ctx.switchToHttp().getRequest<ConsoleRequest>();
  return { admin: request.consoleAdmin!, csrf: request.consoleCsrf! };
});

/** The audit actor of an admin: ids only. */
export function consoleActor(admin: ConsoleAdmin) {
  return { organizationId: admin.organizationId, actor: `admin:${admin.adminId}` };
}

/** Console errors are pages: no session goes to sign-in, a missing CSRF token is a 403 page, the rest its status. */
@Catch()
export class ConsoleExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof SignInRequired) {
      void reply.status(303).header('location', SIGN_IN_PATH).header('cache-control', 'no-store').send();
      return;
    }
    if (exception instanceof CsrfRefused) {
      void sendConsolePage(
        reply,
        403,
        consoleErrorPage(
          'Form expired',
          'This form was not accepted (its security token is missing or old). Go back, reload the page and try again.',
        ),
      );
      return;
    }
    const { status, body } = toErrorResponse(exception);
    if (status >= 500) this.logger.error(`${body.code}: ${(exception as Error)?.stack ?? String(exception)}`);
    const title = status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'Not possible';
    const message =
      status === 404
        ? 'There is nothing here, or it belongs to another organization.'
        : status >= 500
          ? 'Something went wrong on our side. Please try again.'
          : body.message;
    void sendConsolePage(reply, status, consoleErrorPage(title, message));
  }
}

/**
 * A console controller: pages under /console (outside the API docs and the API-key guard), forms posted as
 * urlencoded, errors as console pages, and a live session unless `session: false` (the sign-in pages).
 */
export function ConsoleController(options: { session?: boolean } = {}) {
  return applyDecorators(
    ApiExcludeController(),
    Public(),
    ...(options.session === false ? [] : [UseGuards(ConsoleSessionGuard)]),
    UseFilters(ConsoleExceptionFilter),
    Consumes('application/x-www-form-urlencoded'),
    Controller('console'),
  );
}
