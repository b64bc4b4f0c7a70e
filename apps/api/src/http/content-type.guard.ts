import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { bodyErrorOf } from './body-errors';

export const CONSUMES = 'tandem:consumes';

/** The media types a route accepts for its body; JSON when not declared. */
export const Consumes = (...types: string[]) => SetMetadata(CONSUMES, types);

/**
 * The body checks of every Nest route, after its guards (interceptors run once every guard, global or the
 * controller's, has let the request in) and before its pipes and handler: a body that could not be parsed answers its
 * 400 or 415 now, and a body must be one of the route's media types (415 otherwise, before any work).
 */
@Injectable()
export class BodyCheckInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const parseError = bodyErrorOf(request);
    if (parseError) throw parseError;
    const hasBody = request.body !== undefined && request.body !== null && request.headers['content-length'] !== '0';
    if (!hasBody) return next.handle();
    const accepted = this.reflector.getAllAndOverride<string[]>(CONSUMES, [
      context.getHandler(),
      context.getClass(),
    ]) ?? ['application/json'];
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!accepted.includes(type)) {
      throw new UnsupportedMediaTypeException(
        `send the body as ${accepted.join(' or ')}, not ${type || 'no content type'}`,
      );
    }
    return next.handle();
  }
}

/**
 * Whether a people file came as CSV or JSON, from its Content-Type (parameters ignored). Anything else, or none (a POST
 * without a body), is refused with 415 naming what to send (`what`: "the participants", "the people").
 */
export function csvOrJson(contentType: string | undefined, what: string): 'csv' | 'json' {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/json') return 'json';
  throw new UnsupportedMediaTypeException(
    `send ${what} as text/csv or application/json, not ${type || 'no content type'}`,
  );
}
