import { Clock, durationMs } from '@tandem/domain';

/**
 * The tests' clock: the real time plus an offset that only grows. A test moves it ahead (`TestTandem.advance`) instead
 * of waiting; between moves it ticks with the real time, so what runs in between reads times as the real clock would.
 * It never goes back, so it never reads earlier than the real clock: a delayed job BullMQ runs by itself (at its
 * `timestamp + delay`) is due on this clock too.
 */
export class TestClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Whether the clock has been moved ahead of the real one. */
  get ahead(): boolean {
    return this.offsetMs > 0;
  }

  /** Moves the clock ahead by a duration (milliseconds or ISO 8601, `P3D`). */
  advance(by: number | string): void {
    const ms = typeof by === 'number' ? by : durationMs(by);
    if (!(ms >= 0)) throw new Error(`the test clock only moves ahead (asked to move by ${by})`);
    this.offsetMs += ms;
  }

  /** Moves the clock to a time, when that time is ahead of it (a time it has passed leaves it as it is). */
  advanceTo(at: Date | number): void {
    const ms = (typeof at === 'number' ? at : at.getTime()) - this.now().getTime();
    if (ms > 0) this.offsetMs += ms;
  }
}
