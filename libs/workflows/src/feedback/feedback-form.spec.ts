import { ValidationError } from '@tandem/domain';
import { parseCoachAnswers, parseCoacheeAnswers } from './feedback-form';

describe('feedback forms', () => {
  const full = {
    rating: '4',
    progress_empathy: '5',
    progress_trust_building: '2',
    goals: '4',
    tasks: '3',
    bond: '5',
    fit: 'not_sure',
  };

  it('reads a coachee’s answers, asking about the fit only when told to', () => {
    expect(parseCoacheeAnswers(full, { skills: ['empathy', 'trust_building'], askFit: true })).toEqual({
      sessionRating: 4,
      progress: { empathy: 5, trust_building: 2 },
      allianceGoals: 4,
      allianceTasks: 3,
      allianceBond: 5,
      fit: 'not_sure',
    });
    expect(parseCoacheeAnswers({ ...full, fit: undefined }, { skills: ['empathy'], askFit: false }).fit).toBeNull();
  });

  it('lists every missing or out-of-range answer', () => {
    const parse = () =>
      parseCoacheeAnswers(
        { ...full, rating: '6', goals: '2.5', fit: 'maybe' },
        { skills: ['empathy', 'listening'], askFit: true },
      );
    expect(parse).toThrow(ValidationError);
    try {
      parse();
    } catch (err) {
      expect((err as ValidationError).details).toEqual([
        { field: 'rating', message: 'choose 1 to 5' },
        { field: 'progress_listening', message: 'choose 1 to 5' },
        { field: 'goals', message: 'choose 1 to 5' },
        { field: 'fit', message: 'choose one of good, not_sure, not_good' },
      ]);
    }
    expect(() => parseCoacheeAnswers(null, { skills: [], askFit: false })).toThrow(ValidationError);
  });

  it('reads a coach’s answer and trims an empty note away', () => {
    expect(parseCoachAnswers({ attendance: 'missed', note: '  ' })).toEqual({
      attendance: 'missed',
      note: null,
      fit: null,
    });
    expect(parseCoachAnswers({ attendance: 'held', note: ' <b>ok</b> ' })).toEqual({
      attendance: 'held',
      note: '<b>ok</b>',
      fit: null,
    });
    expect(parseCoachAnswers({ attendance: 'held', fit: 'not_good' })).toEqual({
      attendance: 'held',
      note: null,
      fit: 'not_good',
    });
    expect(() => parseCoachAnswers({ attendance: 'held', fit: 'good' })).toThrow(ValidationError);
    expect(() => parseCoachAnswers({ attendance: 'cancelled' })).toThrow(ValidationError);
    expect(() => parseCoachAnswers({ attendance: 'held', note: 'x'.repeat(4001) })).toThrow(ValidationError);
  });
});
