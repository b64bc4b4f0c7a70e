import { isoDates, isoInstant } from './iso-dates.interceptor';

describe('one date format in every answer', () => {
  it('turns PostgreSQL timestamp text into ISO 8601 UTC', () => {
    expect(isoInstant('2026-12-03 09:45:31.643127+00')).toBe('2026-12-03T09:45:31.643Z');
    expect(isoInstant('2026-12-03T10:45:31.643127+01:00')).toBe('2026-12-03T09:45:31.643Z');
    expect(isoInstant('2026-12-03 09:45:31+00')).toBe('2026-12-03T09:45:31.000Z');
    expect(isoInstant('2026-12-03T09:45:25.550Z')).toBe('2026-12-03T09:45:25.550Z');
  });

  it('changes instant fields only, at any depth, and leaves other text alone', () => {
    const goals = '2026-12-03 09:45:31+00';
    const body = {
      items: [
        {
          createdAt: '2026-12-03 09:45:31.643127+00',
          goals,
          coach: { name: 'Cora', activatedAt: null },
          at_risk_at: '2026-12-03 09:45:31+00',
        },
      ],
      since: '2026-12-03 09:45:31+00',
      count: 3,
    };
    expect(isoDates(body)).toEqual({
      items: [
        {
          createdAt: '2026-12-03T09:45:31.643Z',
          goals,
          coach: { name: 'Cora', activatedAt: null },
          at_risk_at: '2026-12-03T09:45:31.000Z',
        },
      ],
      since: '2026-12-03T09:45:31.000Z',
      count: 3,
    });
  });
});
