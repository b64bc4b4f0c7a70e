import type { EntityManager } from '@mikro-orm/postgresql';

/** Options of rawQuery. */
export interface RawQueryOptions {
  /**
   * Runs the SQL as a named prepared statement. Postgres then plans it once per connection (after its first five
   * custom plans) instead of on every call, which matters for hot lookups joining many tables: planning the offer
   * page's seven-table join costs 1.7 ms, executing it 0.03 ms. The name must always go with the same SQL text.
   * A transaction-mode pooler (DATABASE_POOLER=transaction) hands each statement to whichever server connection is
   * free, where a statement prepared on another is unknown: there the name is left out and the SQL is planned on
   * every call.
   */
  prepare?: string;
}

/** DATABASE_POOLER, as createOrmConfig passes it on. */
export type DatabasePooler = 'none' | 'transaction';

/** The knex option that carries DATABASE_POOLER from createOrmConfig to rawQuery. */
export const POOLER_OPTION = 'tandemPooler';

/** Whether statements may be prepared by name on this entity manager's connections (not behind a transaction pooler). */
export function namedStatements(em: EntityManager): boolean {
  const config = (em.getKnex().client as { config?: Record<string, unknown> }).config;
  return config?.[POOLER_OPTION] !== 'transaction';
}

/**
 * Runs SQL with real bind parameters (arrays bind as Postgres arrays, which `unnest` turns into rows) inside the
 * entity manager's transaction when it has one. Used for bulk writes where a unit of work per row is too slow.
 */
export async function rawQuery<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  bindings: readonly unknown[] = [],
  options: RawQueryOptions = {},
): Promise<T[]> {
  const query = em.getKnex().raw(sql, bindings as never);
  // knex hands `options` to pg's query config, where `name` makes the statement a prepared one.
  if (options.prepare && namedStatements(em)) query.options({ name: options.prepare });
  const trx = em.getTransactionContext();
  if (trx) query.transacting(trx);
  const result = (await query) as { rows: T[] };
  return result.rows;
}

/**
 * The row with the named columns as Dates: the ORM's driver hands timestamps of raw SQL back as text. A null (or a
 * column the row lacks) stays as it is.
 */
export function withDates<T extends object, K extends keyof T>(row: T, ...columns: K[]): T {
  const out: T = { ...row };
  for (const column of columns) {
    const value = row[column] as unknown;
    if (value !== null && value !== undefined) out[column] = new Date(value as string | Date) as T[K];
  }
  return out;
}
