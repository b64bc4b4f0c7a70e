import { explainPair, parseInstance, type ProgramInstance, scoreProgram } from '@tandem/matching';
import { wordReason } from './catalog';

/**
 * The matcher writes each reason twice, as an English sentence and as its wording; worded in English through the
 * catalog, every wording must read exactly as the sentence, so a reason the matcher learns to give cannot go
 * untranslated (or mistranslated) unnoticed.
 */
describe('match reasons: the wording reads as the English sentence', () => {
  const zones = [
    'Europe/Paris',
    'Europe/Paris',
    'Europe/London',
    'America/New_York',
    'Asia/Kolkata',
    'America/Los_Angeles',
  ];
  const instance = parseInstance({
    kind: 'program',
    policy: { maxTimezoneGapHours: 12 },
    coaches: zones.map((timezone, k) => ({
      id: `c${k}`,
      name: `Coach${k} Example`,
      capacity: 2,
      timezone,
      level: k,
      languages: k % 2 ? ['en', 'brazilian portuguese'] : ['en'],
      strengths: {
        active_listening: (k * 2) % 6,
        empathy: 5 - k,
        emotional_intelligence: k % 4,
        trust_building: 3,
        clear_communication: (k + 3) % 6,
      },
    })),
    coachees: zones.map((timezone, i) => ({
      id: `e${i}`,
      name: `Person${i} Example`,
      timezone: zones[(i + 2) % zones.length],
      level: (i * 3) % 6,
      languages: i % 3 ? ['brazilian portuguese', 'en'] : ['en'],
      needs: {
        active_listening: i % 6,
        empathy: (i + 1) % 6,
        emotional_intelligence: 5 - i,
        trust_building: i % 2,
        clear_communication: 0,
      },
    })),
    effectiveness: { c1: { empathy: 4.5 }, c2: { active_listening: 3 } },
  }) as ProgramInstance;
  const { context } = scoreProgram(instance);
  const labels = new Map(instance.skills.map((s) => [s.key, s.label]));
  const number = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 20, useGrouping: false });

  it('for every reason of every pair of a varied pool', () => {
    const seen = new Set<string>();
    let reasons = 0;
    for (let i = 0; i < instance.coachees.length; i++) {
      for (let k = 0; k < instance.coaches.length; k++) {
        const b = explainPair(context, i, k, 50);
        expect(b.wording).toHaveLength(b.reasons.length);
        b.reasons.forEach((text, r) => {
          for (const part of b.wording[r].split(' ')) seen.add(part.split(':')[0]);
          expect(
            wordReason(b.wording[r], 'en', { name: instance.coachees[i].name!.split(' ')[0], labels }, number),
          ).toBe(text);
          reasons++;
        });
      }
    }
    expect(reasons).toBeGreaterThan(100);
    // The pool reaches most kinds of reason (the learned ones need a learning run; libs/matching's own tests have those).
    expect([...seen].sort()).toEqual(
      expect.arrayContaining(['biggestNeed', 'language', 'measured', 'need', 'overlap', 'strength', 'strong']),
    );
  });
});
