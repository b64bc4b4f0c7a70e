import { everyText, humanDuration, parseHumanDuration } from './duration';

describe('durations in words', () => {
  it.each([
    ['P14D', '2 weeks'],
    ['P7D', '7 days'],
    ['P1D', '1 day'],
    ['PT24H', '24 hours'],
    ['PT1H', '1 hour'],
    ['PT1H30M', '1 hour 30 minutes'],
    ['P1M', '1 month'],
    ['P45D', '45 days'],
    ['P2W', '2 weeks'],
    ['PT3S', '3 seconds'],
  ])('shows %s as "%s"', (iso, words) => expect(humanDuration(iso)).toBe(words));

  it('leaves what is not a duration as it is', () => {
    expect(humanDuration('soon')).toBe('soon');
    expect(humanDuration('P0D')).toBe('P0D');
  });

  it('says how often', () => {
    expect(everyText('P14D')).toBe('every 2 weeks');
    expect(everyText('P1D')).toBe('every day');
    expect(everyText('P7D')).toBe('every 7 days');
  });

  it.each([
    ['2 weeks', 'P14D'],
    ['14 days', 'P14D'],
    ['every 2 weeks', 'P14D'],
    ['1 month', 'P1M'],
    ['week', 'P7D'],
    ['7 days', 'P7D'],
    ['24 hours', 'PT24H'],
    ['24h', 'PT24H'],
    ['1 hour 30 minutes', 'PT1H30M'],
    ['1.5 hours', 'PT1H30M'],
    ['45 min', 'PT45M'],
    ['3 days, 12 hours', 'P3DT12H'],
    ['P14D', 'P14D'],
    ['pt1h', 'PT1H'],
    ['  2 Weeks ', 'P14D'],
  ])('reads "%s" as %s', (text, iso) => expect(parseHumanDuration(text)).toBe(iso));

  it.each(['', 'soon', '2 fortnights', '0 days', '-3 days', 'P0D', '2', 'weeks 2', '1.5 weeks', 'PXD'])(
    'refuses "%s"',
    (text) => expect(parseHumanDuration(text)).toBeUndefined(),
  );

  it('reads back what it shows', () => {
    for (const iso of ['P14D', 'P7D', 'PT24H', 'PT1H30M', 'P1M', 'P45D', 'P3D'])
      expect(humanDuration(parseHumanDuration(humanDuration(iso))!)).toBe(humanDuration(iso));
  });
});
