import { PRIOR_ANSWERS, progressScore, shrunkEstimate } from './effectiveness';

describe('shrunkEstimate', () => {
  it('moves little on one answer, and further with each answer that agrees', () => {
    const top = progressScore(5);
    expect(top).toBe(5);
    const one = shrunkEstimate([top], [top]);
    // The program mean starts mid-scale (2.5): one answer of 5 moves it to 2.92, and the coach to 3.26.
    expect(one).toBeCloseTo((PRIOR_ANSWERS * ((PRIOR_ANSWERS * 2.5 + 5) / (PRIOR_ANSWERS + 1)) + 5) / (PRIOR_ANSWERS + 1), 10);
    expect(one).toBeCloseTo(3.26, 2);
    const three = shrunkEstimate([top, top, top], [top, top, top]);
    expect(three).toBeGreaterThan(one);
    expect(three).toBeCloseTo(4.02, 2);
  });

  it('shrinks a coach toward the program’s mean, not the scale’s', () => {
    const others = Array.from({ length: 40 }, () => progressScore(2));
    const coach = [progressScore(4)];
    const estimate = shrunkEstimate(coach, [...others, ...coach]);
    expect(estimate).toBeGreaterThan(progressScore(2));
    expect(estimate).toBeLessThan(2);
  });
});
