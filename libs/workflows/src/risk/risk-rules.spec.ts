import { riskReasons } from './risk-rules';

const answer = (index: number, alliance: number, fit: string | null = null) => ({ index, alliance, fit });

describe('riskReasons', () => {
  it('finds nothing in a pairing that goes well', () => {
    expect(
      riskReasons({
        coachee: [answer(1, 4, 'good'), answer(2, 2), answer(3, 4)],
        coachNotFit: false,
        missedSessions: 1,
      }),
    ).toEqual([]);
  });

  it('fires on "not good" after the first session only', () => {
    expect(riskReasons({ coachee: [answer(1, 4, 'not_good')], coachNotFit: false, missedSessions: 0 })).toEqual([
      'fit',
    ]);
    expect(riskReasons({ coachee: [answer(1, 4, 'not_sure')], coachNotFit: false, missedSessions: 0 })).toEqual([]);
  });

  it('fires on a low alliance in two sessions running, not in two sessions apart', () => {
    expect(riskReasons({ coachee: [answer(1, 2), answer(2, 1.67)], coachNotFit: false, missedSessions: 0 })).toEqual([
      'alliance',
    ]);
    expect(
      riskReasons({ coachee: [answer(1, 2), answer(2, 2.33), answer(3, 2)], coachNotFit: false, missedSessions: 0 }),
    ).toEqual([]);
    expect(riskReasons({ coachee: [answer(1, 2), answer(3, 2)], coachNotFit: false, missedSessions: 0 })).toEqual([]);
  });

  it('fires on two missed sessions and on the coach’s doubt, in a fixed order', () => {
    expect(
      riskReasons({ coachee: [answer(1, 1, 'not_good'), answer(2, 1)], coachNotFit: true, missedSessions: 2 }),
    ).toEqual(['fit', 'alliance', 'missed', 'coach_fit']);
  });
});
