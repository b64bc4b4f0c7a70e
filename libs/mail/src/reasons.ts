import { en } from './i18n/catalog.en';
import { REASON_CODES } from '@tandem/matching';
import { type Locale, type MessageKey, t } from './i18n';

/** The pair reasons of libs/matching, and the unmatched reasons beyond them (`coach-left` is the publish's own). */
const PAIR_CODES = REASON_CODES;
const UNMATCHED_CODES = [...REASON_CODES, 'no-capacity', 'no-coaches', 'coach-left'] as const;

/** Why a coachee is unmatched, in English words, for each code the matcher reports (libs/matching UnmatchedReason). */
export const UNMATCHED_REASON_TEXT: Readonly<Record<string, string>> = Object.fromEntries(
  UNMATCHED_CODES.map((code) => [code, en[`unmatchedReason.${code}`]]),
);

/** An unmatched reason in words; an unknown code reads as a generic sentence, never as the code. */
export function unmatchedReasonText(code: string, locale: Locale = 'en'): string {
  const key = `unmatchedReason.${code}`;
  return t(
    locale,
    (Object.hasOwn(en, key) ? key : 'unmatchedReason.unknown') as Extract<MessageKey, `unmatchedReason.${string}`>,
  );
}

/** Why one pair is not allowed, in English words, for each pair reason code (libs/matching PairReason). */
export const PAIR_REASON_TEXT: Readonly<Record<string, string>> = Object.fromEntries(
  PAIR_CODES.map((code) => [code, en[`pairReason.${code}`]]),
);

/** A pair reason in words; an unknown code reads as a generic sentence. */
export function pairReasonText(code: string, locale: Locale = 'en'): string {
  const key = `pairReason.${code}`;
  return t(
    locale,
    (Object.hasOwn(en, key) ? key : 'pairReason.unknown') as Extract<MessageKey, `pairReason.${string}`>,
  );
}
