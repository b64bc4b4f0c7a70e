import { withDates } from './raw-sql';

describe('withDates', () => {
  it('turns the named text timestamps into Dates, leaves nulls, missing and other columns as they are', () => {
    const row = { id: 'a', at: '2026-12-04T05:00:00.000Z', gone: null as string | null, n: 3 };
    const out = withDates(row, 'at', 'gone');
    expect(out.at).toEqual(new Date('2026-12-04T05:00:00.000Z'));
    expect(out.gone).toBeNull();
    expect(out.n).toBe(3);
    // The row it was given is not changed.
    expect(row.at).toBe('2026-12-04T05:00:00.000Z');
  });
});
