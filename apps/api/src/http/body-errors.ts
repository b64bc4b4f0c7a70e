import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const BODY_ERROR = Symbol('tandem.bodyError');

type WithBodyError = { [BODY_ERROR]?: Error };

/**
 * Keeps a body's parse error (not UTF-8, a NUL or a lone surrogate, malformed JSON, an unknown media type) on the
 * request instead of answering it at once: Fastify parses a body before any Nest guard runs, so answering there told a
 * caller without a key "400" where every route owes "401" (and an operator "403"). The error is answered once the
 * request is authorized: by BodyCheckInterceptor on Nest routes, by `answerBodyError` on plain Fastify routes.
 */
export function deferBodyError(request: FastifyRequest, error: Error): void {
  (request as unknown as WithBodyError)[BODY_ERROR] = error;
}

/** The parse error kept for a request's body, if any. */
export function bodyErrorOf(request: FastifyRequest): Error | undefined {
  return (request as unknown as WithBodyError)[BODY_ERROR];
}

/** A preHandler for plain Fastify routes (the dashboard, /ops/login): answers a kept parse error after authorization. */
export async function answerBodyError(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const error = bodyErrorOf(request);
  if (error) throw error;
}

/** The 415 of a body whose media type no parser reads (Fastify's own code, so the error body names it the same way). */
export function unsupportedMediaType(type: string | undefined): Error {
  return Object.assign(new Error(`unsupported media type: ${type || 'none'}`), {
    statusCode: 415,
    code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
  });
}

/** Registers a parser for every media type without one, so an unknown type is deferred like any other parse error. */
export function deferUnknownMediaTypes(fastify: FastifyInstance): void {
  // Read as a buffer (so BODY_LIMIT still bounds it) and dropped: it is refused (415) once the request is authorized.
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, _body, done) => {
    deferBodyError(request, unsupportedMediaType(request.headers['content-type']));
    done(null, undefined);
  });
}
