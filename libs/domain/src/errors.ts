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
