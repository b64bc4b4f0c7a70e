import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Runs SQL with real bind parameters (arrays bind as Postgres arrays, which `unnest` turns into rows) inside the
 * entity manager's transaction when it has one. Used for bulk writes where a unit of work per row is too slow.
 */
export async function rawQuery<T = Record<string, unknown>>(em: EntityManager, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const query = em.getKnex().raw(sql, bindings as never);
  const trx = em.getTransactionContext();
  if (trx) query.transacting(trx);
  const result = (await query) as { rows: T[] };
  return result.rows;
}
