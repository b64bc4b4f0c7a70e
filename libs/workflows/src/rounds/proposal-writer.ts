import type { EntityManager } from '@mikro-orm/postgresql';
import { PairingEvent, pairingTransition, rawQuery } from '@tandem/domain';
import { explainPair, SCORE_SCALE, type ScoredProgram, type Solution } from '@tandem/matching';

/** Rows per INSERT: about 1 MB of JSON each, so one chunk's explanations are built while Postgres writes the last. */
const CHUNK = 1000;

/**
 * Stores a solve's pairs as `proposed` pairings of the round, each with its score breakdown, inside the caller's
 * transaction. Each chunk is one INSERT from `jsonb_to_recordset` of one bound JSON document: Postgres parses JSON
 * far faster than the `text[]` array literal of the same breakdowns (0.6 s instead of 1.2-1.6 s for 9,000 pairs), and
 * the breakdowns of chunk n + 1 are explained and serialized while chunk n is being written. Answers the pairs stored.
 */
export async function storeProposals(
  em: EntityManager,
  target: { organizationId: string; programId: string; roundId: string },
  scored: ScoredProgram,
  solution: Solution,
): Promise<number> {
  const { coachIds, coacheeIds } = scored.pairs;
  const matched: number[] = [];
  for (let i = 0; i < solution.coachOf.length; i++) if (solution.coachOf[i] >= 0) matched.push(i);

  let writing: Promise<unknown> = Promise.resolve();
  for (let from = 0; from < matched.length; from += CHUNK) {
    const rows = matched.slice(from, from + CHUNK).map((i) => {
      const k = solution.coachOf[i];
      const score = solution.weightOf[i] / SCORE_SCALE;
      return {
        c: coachIds[k],
        e: coacheeIds[i],
        s: score,
        b: explainPair(scored.context, i, k, score),
        p: solution.pinned[i] === 1,
      };
    });
    const json = JSON.stringify(rows);
    await writing;
    writing = rawQuery(
      em,
      `insert into pairing (id, organization_id, program_id, round_id, coach_id, coachee_id, status, score, breakdown, pinned)
       select gen_random_uuid(), ?, ?, ?, x.c, x.e, '${pairingTransition(PairingEvent.Propose).to}', x.s, x.b, x.p
         from jsonb_to_recordset(?::jsonb) as x(c uuid, e uuid, s float8, b jsonb, p boolean)`,
      [target.organizationId, target.programId, target.roundId, json],
    );
    // Awaited on the next turn; this only keeps a failure from counting as unhandled while the next chunk is built.
    writing.catch(() => undefined);
  }
  await writing;
  return matched.length;
}
