import type { CadenceSettings } from '@tandem/domain';
import { DomainError, durationMs } from '@tandem/domain';
import { DateTime, Duration } from 'luxon';

/** Where sessions go when a coach named no preference: Tuesday at 10:00 in the coach's time zone. */
export const DEFAULT_SESSION_SLOT = { day: 2, hour: 10 } as const;

const DAY_MS = 24 * 3600 * 1000;

/** The most sessions a series may have (the program settings allow 1-52; a plan never makes more, whatever it is given). */
export const MAX_PLANNED_SESSIONS = 52;

/** A cadence no plan can be made of: the job that asked fails for good (and is reported) instead of looping. */
function unplannable(why: string): DomainError {
  return new DomainError('invalid', 'cadence_unplannable', `no session plan can be made: ${why}`);
}

/** One planned session. */
export interface PlannedSession {
  index: number;
  startsAt: Date;
  endsAt: Date;
  remindAt: Date;
}

/**
 * Plans a series: the first session on the coach's weekday and hour at least a day (or the reminder lead, if longer)
 * from now, then one every interval. Dates are added in the coach's zone, so 10:00 stays 10:00 across daylight-saving
 * changes; a monthly interval moves on to the preferred weekday. Intervals under a day (tests use seconds) ignore the
 * weekday and hour and start one interval from now.
 */
export function planSessions(input: {
  now: Date;
  timeZone: string;
  day: number | null | undefined;
  hour: number | null | undefined;
  cadence: CadenceSettings;
}): PlannedSession[] {
  const interval = Duration.fromISO(input.cadence.interval);
  const length = durationMs(input.cadence.sessionDuration);
  const lead = durationMs(input.cadence.reminderLead);
  const at = (index: number, start: Date): PlannedSession => ({
    index,
    startsAt: start,
    endsAt: new Date(start.getTime() + length),
    remindAt: new Date(start.getTime() - lead),
  });
  const count = input.cadence.sessions;
  if (!Number.isInteger(count) || count < 1 || count > MAX_PLANNED_SESSIONS)
    throw unplannable(`${count} sessions (1-${MAX_PLANNED_SESSIONS})`);
  if (!interval.isValid || !(interval.toMillis() > 0))
    throw unplannable(`the interval ${input.cadence.interval} is not a positive duration`);
  const checked = (session: PlannedSession): PlannedSession => {
    for (const at of [session.startsAt, session.endsAt, session.remindAt])
      if (Number.isNaN(at.getTime())) throw unplannable(`session ${session.index} falls outside the calendar`);
    return session;
  };
  if (interval.toMillis() < DAY_MS) {
    const step = interval.toMillis();
    const first = Math.ceil((input.now.getTime() + step) / 1000) * 1000;
    return Array.from({ length: count }, (_, i) => checked(at(i + 1, new Date(first + i * step))));
  }
  const day = input.day ?? DEFAULT_SESSION_SLOT.day;
  const hour = input.hour ?? DEFAULT_SESSION_SLOT.hour;
  if (!Number.isInteger(day) || day < 1 || day > 7) throw unplannable(`weekday ${day} (1-7)`);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw unplannable(`hour ${hour} (0-23)`);
  const earliest = DateTime.fromJSDate(input.now, { zone: input.timeZone }).plus({
    milliseconds: Math.max(DAY_MS, lead),
  });
  /**
   * The first date on the slot's weekday and hour from `date` on: at most a week of steps. A date past luxon's range is
   * invalid (its weekday NaN, so a loop waiting for the weekday never ended): it is refused, not stepped through.
   */
  const onSlot = (date: DateTime) => {
    let d = date.set({ hour, minute: 0, second: 0, millisecond: 0 });
    for (let steps = 0; d.isValid && d.weekday !== day; steps++) {
      if (steps >= 7) throw unplannable(`no weekday ${day} in the week after ${d.toISO()}`);
      d = d.plus({ days: 1 }).set({ hour, minute: 0, second: 0, millisecond: 0 });
    }
    if (!d.isValid) throw unplannable('a session falls outside the calendar');
    return d;
  };
  let first = onSlot(earliest);
  if (first < earliest) first = onSlot(first.plus({ days: 1 }));
  const calendarMonths = interval.months > 0 || interval.years > 0 || interval.quarters > 0;
  return Array.from({ length: count }, (_, i) => {
    const shifted = first.plus(interval.mapUnits((x) => x * i));
    if (!shifted.isValid) throw unplannable(`session ${i + 1} falls outside the calendar`);
    const local = calendarMonths ? onSlot(shifted) : shifted.set({ hour, minute: 0, second: 0, millisecond: 0 });
    return checked(at(i + 1, local.toJSDate()));
  });
}

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
