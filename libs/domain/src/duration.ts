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

const UNITS = [
  ['years', 'year'],
  ['months', 'month'],
  ['weeks', 'week'],
  ['days', 'day'],
  ['hours', 'hour'],
  ['minutes', 'minute'],
  ['seconds', 'second'],
] as const;

type Unit = (typeof UNITS)[number][0];

const UNIT_WORDS: Record<string, Unit> = {
  y: 'years',
  yr: 'years',
  yrs: 'years',
  year: 'years',
  years: 'years',
  mo: 'months',
  mon: 'months',
  month: 'months',
  months: 'months',
  w: 'weeks',
  wk: 'weeks',
  wks: 'weeks',
  week: 'weeks',
  weeks: 'weeks',
  d: 'days',
  day: 'days',
  days: 'days',
  h: 'hours',
  hr: 'hours',
  hrs: 'hours',
  hour: 'hours',
  hours: 'hours',
  m: 'minutes',
  min: 'minutes',
  mins: 'minutes',
  minute: 'minutes',
  minutes: 'minutes',
  s: 'seconds',
  sec: 'seconds',
  secs: 'seconds',
  second: 'seconds',
  seconds: 'seconds',
};

/**
 * An ISO-8601 duration in words: `P14D` is "2 weeks", `P7D` "7 days" (a whole number of weeks other than 1 or 2 stays
 * in days, as people say "7 days" and "every 2 weeks"), `PT24H` "24 hours", `PT1H30M` "1 hour 30 minutes". Anything
 * that is not a positive ISO duration comes back as it is.
 */
export function humanDuration(iso: string): string {
  const duration = parseDuration(iso);
  if (!duration) return iso;
  const parts: [Unit, number][] = UNITS.map(([unit]) => [unit, duration.get(unit)] as [Unit, number]).filter(
    ([, n]) => n !== 0,
  );
  // "P14D" reads better as "2 weeks"; "P7D" stays "7 days".
  if (parts.length === 1 && parts[0][0] === 'days' && parts[0][1] % 7 === 0 && parts[0][1] >= 14 && parts[0][1] <= 28)
    parts[0] = ['weeks', parts[0][1] / 7];
  return parts.map(([unit, n]) => `${n} ${n === 1 ? UNITS.find(([u]) => u === unit)![1] : unit}`).join(' ');
}

/** "every 2 weeks", "every day", "every 36 hours". */
export function everyText(iso: string): string {
  const text = humanDuration(iso);
  return text === iso ? `every ${iso}` : `every ${text.replace(/^1 /, '')}`;
}

/**
 * Reads a duration typed by a person ("2 weeks", "14 days", "1 month", "24h", "1 hour 30 minutes", "every 2 weeks",
 * a lone "week") into ISO-8601 (`P2W` is written as `P14D`); an ISO-8601 duration is taken as it is. Undefined when the
 * text is not a positive duration.
 */
export function parseHumanDuration(input: string): string | undefined {
  const text = input
    .trim()
    .toLowerCase()
    .replace(/^every\s+/, '')
    .replace(/\s+and\s+|,/g, ' ')
    .trim();
  if (text === '') return undefined;
  if (/^p/.test(text)) return parseDuration(text.toUpperCase()) ? text.toUpperCase() : undefined;
  const totals: Partial<Record<Unit, number>> = {};
  const pattern = /(\d+(?:[.,]\d+)?)?\s*([a-z]+)\s*/gy;
  let consumed = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const unit = UNIT_WORDS[m[2]];
    if (!unit) return undefined;
    const n = m[1] === undefined ? 1 : Number(m[1].replace(',', '.'));
    if (!Number.isFinite(n) || (unit !== 'hours' && unit !== 'days' && !Number.isInteger(n))) return undefined;
    totals[unit] = (totals[unit] ?? 0) + n;
    consumed = pattern.lastIndex;
  }
  if (consumed !== text.length || Object.keys(totals).length === 0) return undefined;
  if (totals.weeks) totals.days = (totals.days ?? 0) + totals.weeks * 7;
  delete totals.weeks;
  // A fraction ("1.5 hours") moves to the next smaller unit, so the ISO text has whole numbers only.
  const units: Unit[] = UNITS.map(([u]) => u).filter((u) => u !== 'weeks');
  const smallest = Math.max(...(Object.keys(totals) as Unit[]).map((u) => units.indexOf(u)));
  const shifted = Duration.fromObject(totals)
    .shiftTo(
      ...units.slice(units.indexOf(units.find((u) => totals[u] !== undefined)!), Math.min(smallest + 2, units.length)),
    )
    .toObject();
  if (Object.values(shifted).some((n) => !Number.isInteger(n))) return undefined;
  const iso = Duration.fromObject(Object.fromEntries(Object.entries(shifted).filter(([, n]) => n !== 0))).toISO();
  return iso && parseDuration(iso) ? iso : undefined;
}
