/** Why a coachee is unmatched, in words, for each code the matcher reports (libs/matching UnmatchedReason). */
export const UNMATCHED_REASON_TEXT: Readonly<Record<string, string>> = {
  'same-person': 'the only coaches are themselves',
  excluded: 'every fitting pair was removed',
  'declined-before': 'every fitting coach declined them before',
  'reporting-line': 'every coach is in their reporting line',
  'same-department': 'every coach is in their department',
  'no-shared-language': 'no coach shares a language with them',
  'timezone-gap': 'no coach is within the allowed time-zone gap',
  forbidden: 'every pair is ruled out by the program’s rules',
  'below-min-score': 'every pair scores below the lowest acceptable score',
  'no-capacity': 'the coaches who fit have no free places',
  'no-coaches': 'the program has no coach with free places',
};

/** An unmatched reason in words; an unknown code reads as a generic sentence, never as the code. */
export function unmatchedReasonText(code: string): string {
  return UNMATCHED_REASON_TEXT[code] ?? 'no coach fits the program’s rules';
}
