/** A matching input that cannot be solved as given (unknown id, pin on a forbidden pair, ...); `code` is stable. */
export class MatchingError extends Error {
  constructor(
    readonly code: 'unknown-coachee' | 'unknown-coach' | 'invalid-pin' | 'invalid-input' | 'too-large',
    message: string,
  ) {
    super(message);
    this.name = 'MatchingError';
  }
}

/** A malformed instance file; `path` names the place (`coaches[3].capacity`). */
export class InstanceError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path} ${problem}` : problem);
    this.name = 'InstanceError';
  }
}
