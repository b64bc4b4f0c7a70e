const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    } catch {
      f = null;
    }
    formatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows the IANA zone name. */
export function isTimeZone(zone: string): boolean {
  return formatter(zone) !== null;
}

/** UTC offset of an IANA zone in hours at the given instant (epoch ms); throws on an unknown zone. */
export function utcOffsetHours(zone: string, at: number): number {
  const f = formatter(zone);
  if (!f) throw new RangeError(`unknown time zone "${zone}"`);
  const name = f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(name);
  if (!match || !match[1]) return 0;
  const hours = Number(match[2]) + Number(match[3] ?? 0) / 60;
  return match[1] === '-' ? -hours : hours;
}

/** Hours apart on the 24-hour clock (0..12). */
export function offsetGapHours(a: number, b: number): number {
  const d = Math.abs(a - b) % 24;
  return Math.min(d, 24 - d);
}

/** Hours two local working windows [start, end) overlap, given each side's UTC offset. */
export function workingOverlapHours(offsetA: number, offsetB: number, start: number, end: number): number {
  const a0 = start - offsetA;
  const b0 = start - offsetB;
  const len = end - start;
  let best = 0;
  // The windows live on a 24-hour circle: try the neighbouring days too.
  for (const shift of [-24, 0, 24]) {
    const lo = Math.max(a0, b0 + shift);
    const hi = Math.min(a0 + len, b0 + shift + len);
    best = Math.max(best, hi - lo);
  }
  return best;
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?Z?$/;

/** Parses `YYYY-MM-DD[THH:MM[:SS]][Z]` as UTC to epoch ms (without the Date global); null if malformed. */
export function parseUtcInstant(text: string): number | null {
  const m = ISO_UTC.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  // Days from civil (Howard Hinnant's algorithm).
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return ((days * 24 + h) * 60 + mi) * 60000 + s * 1000;
}
