/** The longest a session waits after its end before feedback is asked for. */
const MAX_CLOSE_DELAY_MS = 3600 * 1000;

/**
 * When a session closes (and feedback is asked for): its end plus its own length, at most an hour, so a one-hour
 * session closes an hour after it ends and a test's one-second session a second after. Derived from the session row
 * alone, so the reconciler computes the same time in SQL (`CLOSE_AT_SQL`).
 */
export function closeAt(startsAt: Date, endsAt: Date): Date {
  return new Date(endsAt.getTime() + Math.min(MAX_CLOSE_DELAY_MS, endsAt.getTime() - startsAt.getTime()));
}

/** `closeAt` for a `coaching_session` row aliased `s`. */
export const CLOSE_AT_SQL = `(s.ends_at + least(interval '1 hour', s.ends_at - s.starts_at))`;
