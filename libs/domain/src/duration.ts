import { Duration } from 'luxon';

/** Parses an ISO-8601 duration (`P14D`, `PT5S`), or undefined when it is not one or not positive. */
export function parseDuration(value: string): Duration | undefined {
  const duration = Duration.fromISO(value);
  if (!duration.isValid) return undefined;
  return duration.toMillis() > 0 ? duration : undefined;
}

/** Milliseconds of a duration already validated by parseDuration (months count as 30 days). */
export function durationMs(value: string): number {
  const duration = parseDuration(value);
  if (!duration) throw new Error(`not an ISO-8601 duration: ${value}`);
  return duration.toMillis();
}
