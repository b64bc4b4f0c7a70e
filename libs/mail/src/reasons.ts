/** Why a coachee is unmatched, in words, for each code the matcher reports (libs/matching UnmatchedReason). */
export const UNMATCHED_REASON_TEXT: Readonly<Record<string, string>> = {
  'same-person': 'the only coaches are themselves',
  excluded: 'every fitting pair was removed',
  'declined-before': 'every fitting coach declined them or coached them before',
  'reporting-line': 'every coach is in their reporting line',
  'same-department': 'every coach is in their department',
  'no-shared-language': 'no coach shares a language with them',
  'timezone-gap': 'no coach is within the allowed time-zone gap',
  forbidden: 'every pair is ruled out by the program’s rules',
  'below-min-score': 'every pair scores below the lowest acceptable score',
  'no-capacity': 'the coaches who fit have no free places',
  'no-coaches': 'the program has no coach with free places',
  'coach-left': 'their proposed coach left the program before the round was published',
};

/** An unmatched reason in words; an unknown code reads as a generic sentence, never as the code. */
export function unmatchedReasonText(code: string): string {
  return UNMATCHED_REASON_TEXT[code] ?? 'no coach fits the program’s rules';
}

/** Why one pair is not allowed, in words, for each pair reason code (libs/matching PairReason). */
export const PAIR_REASON_TEXT: Readonly<Record<string, string>> = {
  'same-person': 'a person cannot coach themselves',
  excluded: 'this pair was removed from the round',
  'declined-before': 'this coach declined this coachee before',
  'reporting-line': 'the coach is in the coachee’s reporting line',
  'same-department': 'the coach and the coachee are in the same department',
  'no-shared-language': 'they share no language',
  'timezone-gap': 'their time zones are further apart than the program allows',
  forbidden: 'the program’s rules rule this pair out',
  'below-min-score': 'the pair scores below the lowest acceptable score',
};

/** A pair reason in words; an unknown code reads as a generic sentence. */
export function pairReasonText(code: string): string {
  return PAIR_REASON_TEXT[code] ?? 'the program’s rules rule this pair out';
}
