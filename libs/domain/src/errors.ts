/** How a domain error should be answered; only apps/api maps these to HTTP and only apps/worker to retries. */
export type ErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unauthenticated' | 'unavailable';

/** A typed error raised by a use case, with a stable machine-readable `code`. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is wrong; `details` lists every problem. */
export class ValidationError extends DomainError {
  constructor(message: string, details?: unknown, code = 'validation_failed') {
    super('invalid', code, message, details);
  }
}

/** The subject does not exist in the caller's organization (another organization's ids answer the same). */
export class NotFoundError extends DomainError {
  constructor(subject: string, id?: string) {
    super('not_found', 'not_found', id ? `${subject} ${id} was not found` : `${subject} was not found`);
  }
}

/** The request is valid but clashes with the current state. */
export class ConflictError extends DomainError {
  constructor(code: string, message: string, details?: unknown) {
    super('conflict', code, message, details);
  }
}

/** Error codes of a database or network connection that is down, refused, lost or full (node, pg and SQLSTATE). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // SQLSTATE 08: connection exceptions; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now; 53300: too many connections.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/**
 * What pg, knex and the pool say when the database is away, when they give no code: pg's "Connection terminated
 * unexpectedly", a query on a client the server closed, the pool's acquire timeout, and the server's own words.
 */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection (?:is )?(?:closed|refused|reset|lost)|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Knex: Timeout acquiring a connection|Unable to acquire a connection|terminating connection due to administrator command|the database system is (?:starting up|shutting down|in recovery mode)|server closed the connection unexpectedly|Connection is closed/i;

/**
 * Whether an error means a backing service (PostgreSQL above all) is unavailable rather than that the request or the
 * code is wrong: the api answers these with 503, the worker retries them without reporting a failure for good. Looks
 * through MikroORM's wrapping (`cause`, `previous`) and node's AggregateError (a refused IPv4 and IPv6 connect).
 */
export function isUnavailableError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const e = err as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    cause?: unknown;
    previous?: unknown;
    errors?: unknown;
    kind?: unknown;
  };
  if (err instanceof DomainError) return err.kind === 'unavailable';
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === 'KnexTimeoutError' || e.code === 'queue_unavailable') return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isUnavailableError(inner, depth + 1))) return true;
  return isUnavailableError(e.cause, depth + 1) || isUnavailableError(e.previous, depth + 1);
}

/**
 * The job cannot run yet because other work holds what it needs (an import of the same program): the worker puts it
 * back as delayed for `delayMs`, without spending an attempt or reporting a failure, and without holding a database
 * connection while it waits.
 */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
