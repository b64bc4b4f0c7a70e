import { type Locale, t } from '@tandem/mail';

/** Why a pairing is at risk. The first three offer the coachee a re-match; a coach's doubt goes to the admin only. */
export type RiskReason = 'fit' | 'alliance' | 'missed' | 'coach_fit' | 'inactive';

/** The reasons that offer the coachee a re-match by link. */
export const COACHEE_REMATCH_REASONS: readonly RiskReason[] = ['fit', 'alliance', 'missed'];

/** What the rules read: the submitted answers of one pairing and its missed sessions. */
export interface RiskFacts {
  /** The coachee's submitted forms: session index, alliance average (1-5), fit (first session only). */
  coachee: { index: number; alliance: number; fit: string | null }[];
  /** Whether the coach answered "not a good fit" on any form. */
  coachNotFit: boolean;
  missedSessions: number;
}

/** An alliance average at or under this in two sessions running puts a pairing at risk. */
export const LOW_ALLIANCE = 2;
/** This many missed sessions put a pairing at risk. */
export const MISSED_LIMIT = 2;

/** The at-risk rules (issue 5), in a fixed order: the first is the pairing's recorded reason. */
export function riskReasons(facts: RiskFacts): RiskReason[] {
  const reasons: RiskReason[] = [];
  if (facts.coachee.some((a) => a.index === 1 && a.fit === 'not_good')) reasons.push('fit');
  const low = new Set(facts.coachee.filter((a) => a.alliance <= LOW_ALLIANCE).map((a) => a.index));
  if ([...low].some((index) => low.has(index + 1))) reasons.push('alliance');
  if (facts.missedSessions >= MISSED_LIMIT) reasons.push('missed');
  if (facts.coachNotFit) reasons.push('coach_fit');
  return reasons;
}

/** A reason in words, for the admin's email (in the organization's language) and the report (in English). */
export function riskReasonText(reason: RiskReason, locale: Locale = 'en'): string {
  return t(locale, `riskReason.${reason}`);
}

/** Why a pairing that ended without completing did: every session closed and none was held. */
export const NO_SESSIONS_HELD = 'no-sessions-held';

/** A pairing's at-risk or end reason in words (an unknown code is shown as it is). */
export function endReasonText(reason: string): string {
  if (reason === NO_SESSIONS_HELD)
    return 'every planned session passed and none was held, so it ended without completing';
  return (['fit', 'alliance', 'missed', 'coach_fit', 'inactive'] as string[]).includes(reason)
    ? riskReasonText(reason as RiskReason)
    : reason;
}
