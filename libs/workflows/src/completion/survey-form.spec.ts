import { ValidationError } from '@tandem/domain';
import { parseSurveyAnswers } from './survey-form';

describe('parseSurveyAnswers', () => {
  it('reads a level 0-5 per focus skill and ignores other fields', () => {
    expect(
      parseSurveyAnswers({ level_empathy: '0', level_trust_building: 5, other: 'x' }, ['empathy', 'trust_building']),
    ).toEqual({ empathy: 0, trust_building: 5 });
  });

  it('names every missing or out-of-range answer', () => {
    try {
      parseSurveyAnswers({ level_empathy: '6', level_trust_building: ' ' }, [
        'empathy',
        'trust_building',
        'clear_communication',
      ]);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details).toEqual([
        { field: 'level_empathy', message: 'choose 0 to 5' },
        { field: 'level_trust_building', message: 'choose 0 to 5' },
        { field: 'level_clear_communication', message: 'choose 0 to 5' },
      ]);
    }
  });
});
