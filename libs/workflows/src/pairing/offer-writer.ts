import type { EntityManager } from '@mikro-orm/postgresql';
import {
  durationMs,
  hashSecret,
  linkToken,
  newId,
  rawQuery,
  type ScoreBreakdown,
  type SkillDefinition,
} from '@tandem/domain';
import { coachLocalesOfPairings, linkPlaceholder, offerEmail, type OutboxDraft, writeOutbox } from '@tandem/mail';

/** A pairing about to be offered, with what its email needs. */
export interface OfferDraft {
  pairingId: string;
  coachEmail: string;
  coachName: string;
  coachTimezone: string;
  coacheeName: string;
  goals: string | null;
  breakdown: ScoreBreakdown;
}

/** What writing a batch of offers produced: the emails to queue and when the offers need their jobs. */
export interface WrittenOffers {
  messageIds: string[];
  expiresAt: Date;
  remindAt: Date;
}

/** How long before expiry the reminder goes out: a day, or half the time-to-live when that is shorter. */
export function reminderLeadMs(ttlMs: number): number {
  return Math.min(24 * 3600 * 1000, Math.floor(ttlMs / 2));
}

/**
 * Writes offers and their emails inside the caller's transaction (the pairings must be `offered` already). Tokens are
 * derived from APP_SECRET and each offer's id; only their hashes are stored, and the email holds a link placeholder.
 */
export async function writeOffers(
  em: EntityManager,
  input: {
    organizationId: string;
    programName: string;
    skills: readonly SkillDefinition[];
    offerTtl: string;
    appSecret: string;
    now: Date;
  },
  drafts: OfferDraft[],
): Promise<WrittenOffers> {
  const ttlMs = durationMs(input.offerTtl);
  const expiresAt = new Date(input.now.getTime() + ttlMs);
  const remindAt = new Date(expiresAt.getTime() - reminderLeadMs(ttlMs));
  if (drafts.length === 0) return { messageIds: [], expiresAt, remindAt };
  const offerIds = drafts.map(() => newId());
  const chunk = 5000;
  for (let i = 0; i < drafts.length; i += chunk) {
    const ids = offerIds.slice(i, i + chunk);
    await rawQuery(
      em,
      `insert into offer (id, pairing_id, token_hash, expires_at, created_at)
       select o, p, h, ?, ? from unnest(?::uuid[], ?::uuid[], ?::text[]) as d(o, p, h)`,
      [
        expiresAt,
        input.now,
        ids,
        drafts.slice(i, i + chunk).map((d) => d.pairingId),
        ids.map((id) => hashSecret(linkToken(input.appSecret, 'offer', id))),
      ],
    );
  }
  const locales = await coachLocalesOfPairings(
    em,
    drafts.map((d) => d.pairingId),
  );
  const emails: OutboxDraft[] = drafts.map((draft, i) => ({
    organizationId: input.organizationId,
    idempotencyKey: `offer:${offerIds[i]}`,
    to: draft.coachEmail,
    ...offerEmail({
      coachName: draft.coachName,
      coacheeName: draft.coacheeName,
      goals: draft.goals,
      reasons: draft.breakdown.reasons,
      wording: draft.breakdown.wording,
      skills: input.skills,
      programName: input.programName,
      expiresAt,
      timeZone: draft.coachTimezone,
      link: linkPlaceholder('offer', offerIds[i]),
      locale: locales.get(draft.pairingId) ?? 'en',
    }),
  }));
  return { messageIds: await writeOutbox(em, emails), expiresAt, remindAt };
}
