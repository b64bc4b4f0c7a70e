import { HttpException, HttpStatus } from '@nestjs/common';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { DomainError, type ErrorKind, isUnavailableError } from '@tandem/domain';
import { QueueUnavailableError } from '@tandem/queues';

/** The JSON error every route answers with. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.UNPROCESSABLE_ENTITY,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/** Fastify's own errors (parsing, limits) and the code we answer with. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  invalid_encoding: 'invalid_encoding',
};

/** Maps any error to an HTTP status and the JSON error body; unknown errors become a 500 without internals. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof DomainError) {
    return {
      status: STATUS_OF_KIND[err.kind],
      body: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) },
    };
  }
  if (err instanceof QueueUnavailableError)
    return {
      status: 503,
      body: { code: 'queue_unavailable', message: 'the job queue is unavailable; try again shortly' },
    };
  if (err instanceof UniqueConstraintViolationException) {
    return { status: 409, body: { code: 'conflict', message: 'this conflicts with an existing record' } };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const message =
      typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? err.message);
    // Nest wraps Fastify's parser errors (bad JSON, bad encoding) in an HttpException that keeps only the message.
    const code = status === 400 && /JSON/.test(message) ? 'invalid_json' : codeForStatus(status);
    return { status, body: { code, message } };
  }
  const fastify = err as { statusCode?: number; code?: string; message?: string };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const code =
      (fastify.code && FASTIFY_CODES[fastify.code]) ??
      (fastify.statusCode === 400 && fastify.message?.includes('JSON')
        ? 'invalid_json'
        : codeForStatus(fastify.statusCode));
    return { status: fastify.statusCode, body: { code, message: fastify.message ?? 'bad request' } };
  }
  if (err instanceof SyntaxError && /JSON/.test(err.message))
    return { status: 400, body: { code: 'invalid_json', message: 'the body is not valid JSON' } };
  // Any path to the database answers 503 while it is down: pg's own errors (the prepared offer lookup gets no
  // MikroORM wrapping), MikroORM's, the pool's acquire timeout.
  if (isUnavailableError(err)) {
    return {
      status: 503,
      body: { code: 'unavailable', message: 'a backing service is unavailable; try again shortly' },
    };
  }
  return { status: 500, body: { code: 'internal_error', message: 'something went wrong on our side' } };
}

function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'method_not_allowed';
    case 409:
      return 'conflict';
    case 413:
      return 'body_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'unavailable' : 'bad_request';
  }
}
