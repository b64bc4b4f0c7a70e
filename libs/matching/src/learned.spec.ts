import { explainPair } from './explain';
import { DEFAULT_POLICY, DEFAULT_SKILLS, type LearnedSkill, type ProgramInstance } from './instance';
import { scoreProgram } from './scoring';

/** One coachee who needs empathy only, and two coaches who both rate themselves 5 in it. */
function instance(learned?: Record<string, Record<string, LearnedSkill>>): ProgramInstance {
  const person = (id: string) => ({
    id,
    personId: id,
    name: `${id} Person`,
    timezone: 'Europe/Paris',
    languages: ['en'],
    level: 3,
  });
  return {
    kind: 'program',
    skills: DEFAULT_SKILLS,
    policy: DEFAULT_POLICY,
    coaches: [
      { ...person('over'), capacity: 1, strengths: { empathy: 5 } },
      { ...person('true'), capacity: 1, strengths: { empathy: 4 } },
    ],
    coachees: [{ ...person('ana'), needs: { empathy: 5 } }],
    people: [],
    effectiveness: {},
    learned,
    exclusions: [],
    pins: [],
    referenceTime: 1736942400000,
  };
}

describe('learned strengths in scoring and explanations', () => {
  it('replace the self-rating in both the skills and the effectiveness term', () => {
    const plain = scoreProgram(instance()).pairs.dense!;
    expect(plain[0]).toBeGreaterThan(plain[1]);
    const scored = scoreProgram(instance({ over: { empathy: { strength: 2 } } }));
    const dense = scored.pairs.dense!;
    expect(dense[0]).toBeLessThan(dense[1]);
    // Skills (55) and effectiveness (15) points at full need: 70 x 2/5 against 70 x 5/5.
    expect((plain[0] - dense[0]) / 1000).toBeCloseTo((70 * 3) / 5, 2);
    const terms = explainPair(scored.context, 0, 0, dense[0] / 1000).terms;
    expect(terms.find((t) => t.term === 'skills')!.value).toBeCloseTo(0.4, 2);
    expect(terms.find((t) => t.term === 'effectiveness')!.value).toBeCloseTo(0.4, 2);
  });

  it('quote a figure only when one is given, name strong feedback without one, and never quote a learned rating', () => {
    const reasons = (skill: LearnedSkill) => {
      const scored = scoreProgram(instance({ over: { empathy: skill } }));
      return explainPair(scored.context, 0, 0, scored.pairs.dense![0] / 1000).reasons.join(' | ');
    };
    expect(reasons({ strength: 4.4, figure: 4.3 })).toContain('measured effectiveness 4.3/5 in empathy');
    const unquoted = reasons({ strength: 4.4, strongFeedback: true });
    expect(unquoted).toContain('strong feedback from past coachees in empathy');
    expect(unquoted).toContain('strong in empathy');
    expect(unquoted).not.toMatch(/\d\/5/);
    const weak = reasons({ strength: 2.2 });
    expect(weak).toContain("empathy, ana's biggest need");
    expect(weak).not.toMatch(/\d\/5|feedback/);
  });
});
