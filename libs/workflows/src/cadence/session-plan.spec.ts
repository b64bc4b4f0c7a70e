import { DateTime } from 'luxon';
import { calendarFile, icsText } from './ics';
import { planSessions } from './session-plan';

const cadence = (interval: string, sessions: number) => ({ interval, sessions, sessionDuration: 'PT1H', reminderLead: 'PT24H' });

describe('planSessions', () => {
  it('starts on the preferred weekday and hour at least a day ahead, and keeps the local hour across DST in New York', () => {
    // Saturday 2027-03-06 12:00 UTC; US clocks spring forward on 2027-03-14.
    const plan = planSessions({ now: new Date('2027-03-06T12:00:00Z'), timeZone: 'America/New_York', day: 1, hour: 8, cadence: cadence('P7D', 3) });
    expect(plan.map((p) => p.startsAt.toISOString())).toEqual(['2027-03-08T13:00:00.000Z', '2027-03-15T12:00:00.000Z', '2027-03-22T12:00:00.000Z']);
    expect(plan[0].remindAt.toISOString()).toBe('2027-03-07T13:00:00.000Z');
    expect(plan[0].endsAt.toISOString()).toBe('2027-03-08T14:00:00.000Z');
  });

  it('skips to the next week when the slot is less than a day away, and uses Tuesday 10:00 by default', () => {
    const plan = planSessions({ now: new Date('2027-01-05T08:30:00Z'), timeZone: 'UTC', day: null, hour: null, cadence: cadence('P14D', 2) });
    expect(plan.map((p) => p.startsAt.toISOString())).toEqual(['2027-01-12T10:00:00.000Z', '2027-01-26T10:00:00.000Z']);
  });

  it('moves a monthly session on to the preferred weekday', () => {
    const plan = planSessions({ now: new Date('2027-01-01T00:00:00Z'), timeZone: 'Europe/Paris', day: 3, hour: 9, cadence: cadence('P1M', 3) });
    const local = plan.map((p) => DateTime.fromJSDate(p.startsAt, { zone: 'Europe/Paris' }));
    expect(local.map((d) => [d.weekday, d.hour])).toEqual([
      [3, 9],
      [3, 9],
      [3, 9],
    ]);
    expect(local.map((d) => d.toISODate())).toEqual(['2027-01-06', '2027-02-10', '2027-03-10']);
  });

  it('starts sub-day intervals one interval from now', () => {
    const plan = planSessions({ now: new Date('2027-01-01T00:00:00.200Z'), timeZone: 'UTC', day: 1, hour: 9, cadence: { ...cadence('PT3S', 2), reminderLead: 'PT1S' } });
    expect(plan.map((p) => p.startsAt.toISOString())).toEqual(['2027-01-01T00:00:04.000Z', '2027-01-01T00:00:07.000Z']);
  });
});

describe('calendarFile', () => {
  it('escapes text, folds long lines at 75 octets with CRLF, and marks cancellations', () => {
    expect(icsText('a;b,c\\d\ne')).toBe('a\\;b\\,c\\\\d\\ne');
    const ics = calendarFile(
      [
        {
          uid: 'u1@tandem',
          sequence: 2,
          start: new Date('2027-01-01T10:00:00Z'),
          end: new Date('2027-01-01T11:00:00Z'),
          summary: 'Séance; "one"',
          description: 'é'.repeat(60),
          cancelled: true,
          attendees: [{ name: 'Ana "A" Lima', email: 'ana@example.com' }],
        },
      ],
      new Date('2026-12-01T00:00:00Z'),
    );
    const lines = ics.split('\r\n');
    expect(lines.every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(ics).not.toMatch(/[^\r]\n/);
    expect(ics).toContain('DTSTART:20270101T100000Z\r\n');
    expect(ics).toContain('SUMMARY:Séance\\; "one"\r\n');
    expect(ics).toContain('STATUS:CANCELLED\r\n');
    expect(ics).toContain('SEQUENCE:2\r\n');
    expect(ics).toContain('ATTENDEE;CN="Ana  A  Lima";ROLE=REQ-PARTICIPANT:mailto:ana@example.com');
    expect(ics.replace(/\r\n /g, '')).toContain(`DESCRIPTION:${'é'.repeat(60)}\r\n`);
  });

  it('lets no text end its content line: a bare CR, LF, CRLF or Unicode separator is \\n, other controls go', () => {
    expect(icsText('a\rX-INJECTED:1')).toBe('a\\nX-INJECTED:1');
    expect(icsText('a\r\nb\nc\u2028d\u2029e')).toBe('a\\nb\\nc\\nd\\ne');
    expect(icsText('a\u0000b\u001bc\u007fd\te')).toBe('abcd\te');
    const ics = calendarFile(
      [
        {
          uid: 'u1@tandem',
          sequence: 0,
          start: new Date('2027-01-01T10:00:00Z'),
          end: new Date('2027-01-01T11:00:00Z'),
          summary: 'S\rX-A:1',
          description: `${'🙂'.repeat(30)}\rX-B:1`,
          cancelled: false,
          attendees: [{ name: 'Eve\rX-C:1;ROLE=CHAIR:mailto:evil@x', email: 'eve@example.com\r\nX-D:1' }],
        },
      ],
      new Date('2026-12-01T00:00:00Z'),
    );
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.replace(/\r\n /g, '').split(/\r\n|\r|\n/);
    expect(lines.filter((line) => /^X-/.test(line))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('ATTENDEE'))).toEqual(['ATTENDEE;CN="Eve X-C:1;ROLE=CHAIR:mailto:evil@x";ROLE=REQ-PARTICIPANT:mailto:eve@example.comX-D1']);
    // Folding never splits a UTF-8 sequence: every folded piece decodes on its own.
    for (const line of ics.split('\r\n')) expect(Buffer.from(Buffer.from(line).toString('utf8')).equals(Buffer.from(line))).toBe(true);
  });
});

describe('planSessions: cadences no plan can be made of fail at once instead of looping', () => {
  const now = new Date('2027-01-05T08:30:00Z');

  it('refuses an interval that carries sessions past the calendar (P99999999Y looped for ever on weekday NaN)', () => {
    const started = Date.now();
    expect(() => planSessions({ now, timeZone: 'UTC', day: 2, hour: 10, cadence: cadence('P99999999Y', 3) })).toThrow(/no session plan can be made/);
    expect(() => planSessions({ now, timeZone: 'UTC', day: null, hour: null, cadence: cadence('P10000000D', 52) })).toThrow(/no session plan can be made/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a weekday outside 1-7, an hour outside 0-23 and a session count outside 1-52', () => {
    expect(() => planSessions({ now, timeZone: 'UTC', day: 9, hour: 10, cadence: cadence('P7D', 3) })).toThrow(/weekday 9/);
    expect(() => planSessions({ now, timeZone: 'UTC', day: 2, hour: 30, cadence: cadence('P7D', 3) })).toThrow(/hour 30/);
    expect(() => planSessions({ now, timeZone: 'UTC', day: 2, hour: 10, cadence: cadence('P7D', 1_000_000_000) })).toThrow(/sessions/);
    expect(() => planSessions({ now, timeZone: 'UTC', day: 2, hour: 10, cadence: cadence('PT1S', 0) })).toThrow(/sessions/);
  });
});
