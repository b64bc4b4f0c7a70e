/** Time as a dependency, so tests can move it. */
export abstract class Clock {
  abstract now(): Date;
}

/** The real clock. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
