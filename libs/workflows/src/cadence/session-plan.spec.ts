import { DateTime } from 'luxon';
import { planSessions } from './session-plan';

const cadence = (interval: string, sessions: number) => ({
  interval,
  sessions,
  sessionDuration: 'PT1H',
  reminderLead: 'PT24H',
});

describe('planSessions', () => {
  it('starts on the preferred weekday and hour at least a day ahead, and keeps the local hour across DST in New York', () => {
    // Saturday 2027-03-06 12:00 UTC; US clocks spring forward on 2027-03-14.
    const plan = planSessions({
      now: new Date('2027-03-06T12:00:00Z'),
      timeZone: 'America/New_York',
      day: 1,
      hour: 8,
      cadence: cadence('P7D', 3),
    });
    expect(plan.map((p) => p.startsAt.toISOString())).toEqual([
      '2027-03-08T13:00:00.000Z',
      '2027-03-15T12:00:00.000Z',
      '2027-03-22T12:00:00.000Z',
    ]);
    expect(plan[0].remindAt.toISOString()).toBe('2027-03-07T13:00:00.000Z');
    expect(plan[0].endsAt.toISOString()).toBe('2027-03-08T14:00:00.000Z');
  });

  it('skips to the next week when the slot is less than a day away, and uses Tuesday 10:00 by default', () => {
    const plan = planSessions({
      now: new Date('2027-01-05T08:30:00Z'),
      timeZone: 'UTC',
      day: null,
      hour: null,
      cadence: cadence('P14D', 2),
    });
    expect(plan.map((p) => p.startsAt.toISOString())).toEqual(['2027-01-12T10:00:00.000Z', '2027-01-26T10:00:00.000Z']);
  });

  it('moves a monthly session on to the preferred weekday', () => {
    const plan = planSessions({
      now: new Date('2027-01-01T00:00:00Z'),
      timeZone: 'Europe/Paris',
      day: 3,
      hour: 9,
      cadence: cadence('P1M', 3),
    });
    const local = plan.map((p) => DateTime.fromJSDate(p.startsAt, { zone: 'Europe/Paris' }));
    expect(local.map((d) => [d.weekday, d.hour])).toEqual([
      [3, 9],
      [3, 9],
      [3, 9],
    ]);
    expect(local.map((d) => d.toISODate())).toEqual(['2027-01-06', '2027-02-10', '2027-03-10']);
  });

  it('starts sub-day intervals one interval from now', () => {
    const plan = planSessions({
      now: new Date('2027-01-01T00:00:00.200Z'),
      timeZone: 'UTC',
      day: 1,
      hour: 9,
      cadence: { ...cadence('PT3S', 2), reminderLead: 'PT1S' },
    });
    expect(plan.map((p) => p.startsAt.toISOString())).toEqual(['2027-01-01T00:00:04.000Z', '2027-01-01T00:00:07.000Z']);
  });
});

describe('planSessions: cadences no plan can be made of fail at once instead of looping', () => {
  const now = new Date('2027-01-05T08:30:00Z');

  it('refuses an interval that carries sessions past the calendar (P99999999Y looped for ever on weekday NaN)', () => {
    const started = Date.now();
    expect(() => planSessions({ now, timeZone: 'UTC', day: 2, hour: 10, cadence: cadence('P99999999Y', 3) })).toThrow(
      /no session plan can be made/,
    );
    expect(() =>
      planSessions({ now, timeZone: 'UTC', day: null, hour: null, cadence: cadence('P10000000D', 52) }),
    ).toThrow(/no session plan can be made/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('refuses a weekday outside 1-7, an hour outside 0-23 and a session count outside 1-52', () => {
    expect(() => planSessions({ now, timeZone: 'UTC', day: 9, hour: 10, cadence: cadence('P7D', 3) })).toThrow(
      /weekday 9/,
    );
    expect(() => planSessions({ now, timeZone: 'UTC', day: 2, hour: 30, cadence: cadence('P7D', 3) })).toThrow(
      /hour 30/,
    );
    expect(() =>
      planSessions({ now, timeZone: 'UTC', day: 2, hour: 10, cadence: cadence('P7D', 1_000_000_000) }),
    ).toThrow(/sessions/);
    expect(() => planSessions({ now, timeZone: 'UTC', day: 2, hour: 10, cadence: cadence('PT1S', 0) })).toThrow(
      /sessions/,
    );
  });
});
