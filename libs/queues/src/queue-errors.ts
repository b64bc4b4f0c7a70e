/** Redis could not take the job; the database still holds the work and the reconciler re-creates it. */
export class QueueUnavailableError extends Error {
  readonly code = 'queue_unavailable';
  constructor(override readonly cause: unknown) {
    super(`the job queue is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
