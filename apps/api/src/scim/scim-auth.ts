import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  ArgumentsHost,
  Catch,
  CanActivate,
  ExecutionContext,
  ExceptionFilter,
  HttpException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { DomainError, isUnavailableError } from '@tandem/domain';
import { asScimError, SCIM, ScimError, type ScimPrincipal, ScimService, ScimTokensService } from '@tandem/workflows';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type ScimRequest = FastifyRequest & { scimPrincipal?: ScimPrincipal };

/**
 * Every `/scim/v2` route needs a SCIM token (an API key is not one): 401 otherwise. A route with a `:id` answers 404
 * unless it names a user or group of the token's organization. Both before the body is looked at.
 */
@Injectable()
export class ScimTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: ScimTokensService,
    private readonly scim: ScimService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ScimRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new ScimError(401, undefined, 'a SCIM token is required: Authorization: Bearer <token>');
    const principal = await this.tokens.authenticate(match[1]);
    if (!principal) throw new ScimError(401, undefined, 'the SCIM token is unknown or revoked');
    request.scimPrincipal = principal;
    const id = (request.params as Record<string, string> | undefined)?.id;
    if (id !== undefined) {
      const kind = /\/Groups\//i.test(request.url) ? 'Groups' : 'Users';
      if (!(await this.scim.owns(principal.organizationId, kind, id)))
        throw new ScimError(404, undefined, `${kind === 'Users' ? 'user' : 'group'} ${id.slice(0, 80)} was not found`);
    }
    return true;
  }
}

const SCIM_TYPE_OF_STATUS: Record<number, string> = { 400: 'invalidSyntax' };

/** Every error of a SCIM route leaves as a SCIM Error message (RFC 7644 §3.12), `application/scim+json`. */
@Catch()
export class ScimExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SCIM');

  catch(exception: unknown, host: ArgumentsHost): void {
    sendScimError(host.switchToHttp().getResponse<FastifyReply>(), exception, this.logger);
  }
}

/**
 * Answers an error as a SCIM Error message. Also used by AllExceptionsFilter for what fails under `/scim/v2` before a
 * route is chosen (a body over the limit).
 */
export function sendScimError(reply: FastifyReply, exception: unknown, logger: Logger): void {
  const { status, scimType, detail } = scimErrorOf(asScimError(exception));
  if (status >= 500 && status !== 503)
    logger.error(`scim ${status}: ${(exception as Error)?.stack ?? String(exception)}`);
  if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="scim"');
  if (status === 503) void reply.header('Retry-After', '10');
  void reply
    .status(status)
    .type('application/scim+json')
    .send({ schemas: [SCIM.error], status: String(status), ...(scimType ? { scimType } : {}), detail });
}

function scimErrorOf(err: unknown): { status: number; scimType?: string; detail: string } {
  if (err instanceof ScimError) return { status: err.status, scimType: err.scimType, detail: err.message };
  if (err instanceof DomainError) {
    switch (err.kind) {
      case 'invalid':
        return { status: 400, scimType: 'invalidValue', detail: err.message };
      case 'not_found':
        return { status: 404, detail: err.message };
      case 'conflict':
        // An import into the program holds its write lock: a moment later the same request goes through.
        if (err.code === 'import_running') return { status: 503, detail: `${err.message} (retry shortly)` };
        return { status: 409, scimType: 'uniqueness', detail: err.message };
      case 'unauthenticated':
        return { status: 401, detail: err.message };
      case 'forbidden':
        return { status: 403, detail: err.message };
      default:
        return { status: 503, detail: 'a backing service is unavailable; try again shortly' };
    }
  }
  // Two requests creating the same user at once: the database's unique index answers for the second.
  if (err instanceof UniqueConstraintViolationException || (err as { code?: unknown })?.code === '23505') {
    return { status: 409, scimType: 'uniqueness', detail: 'a user with this email or externalId exists already' };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { status, scimType: SCIM_TYPE_OF_STATUS[status], detail: err.message };
  }
  const fastify = err as { statusCode?: unknown; message?: unknown };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return {
      status: fastify.statusCode,
      scimType: SCIM_TYPE_OF_STATUS[fastify.statusCode],
      detail: String(fastify.message ?? 'bad request'),
    };
  }
  if (isUnavailableError(err)) return { status: 503, detail: 'a backing service is unavailable; try again shortly' };
  return { status: 500, detail: 'something went wrong on our side' };
}
