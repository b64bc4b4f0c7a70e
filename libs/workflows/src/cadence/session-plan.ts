import type { CadenceSettings } from '@tandem/domain';
import { durationMs } from '@tandem/domain';
import { DateTime, Duration } from 'luxon';

/** Where sessions go when a coach named no preference: Tuesday at 10:00 in the coach's time zone. */
export const DEFAULT_SESSION_SLOT = { day: 2, hour: 10 } as const;

const DAY_MS = 24 * 3600 * 1000;

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
export function planSessions(input: { now: Date; timeZone: string; day: number | null | undefined; hour: number | null | undefined; cadence: CadenceSettings }): PlannedSession[] {
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
  if (interval.toMillis() < DAY_MS) {
    const step = interval.toMillis();
    const first = Math.ceil((input.now.getTime() + step) / 1000) * 1000;
    return Array.from({ length: count }, (_, i) => at(i + 1, new Date(first + i * step)));
  }
  const day = input.day ?? DEFAULT_SESSION_SLOT.day;
  const hour = input.hour ?? DEFAULT_SESSION_SLOT.hour;
  const earliest = DateTime.fromJSDate(input.now, { zone: input.timeZone }).plus({ milliseconds: Math.max(DAY_MS, lead) });
  const onSlot = (date: DateTime) => {
    let d = date.set({ hour, minute: 0, second: 0, millisecond: 0 });
    while (d.weekday !== day) d = d.plus({ days: 1 }).set({ hour, minute: 0, second: 0, millisecond: 0 });
    return d;
  };
  let first = onSlot(earliest);
  if (first < earliest) first = onSlot(first.plus({ days: 1 }));
  const calendarMonths = interval.months > 0 || interval.years > 0 || interval.quarters > 0;
  return Array.from({ length: count }, (_, i) => {
    const shifted = first.plus(interval.mapUnits((x) => x * i));
    const local = calendarMonths ? onSlot(shifted) : shifted.set({ hour, minute: 0, second: 0, millisecond: 0 });
    return at(i + 1, local.toJSDate());
  });
}
