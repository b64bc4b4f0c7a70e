import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from './errors';
import { rawQuery, type RawQueryOptions } from './raw-sql';
import { hashSecret, isLinkToken } from './secrets';

/** How a link's row is looked up: the query (with the hash bound to its `?`s) and what the page calls the subject. */
export interface TokenLookup extends RawQueryOptions {
  /** The subject's name in the 404 (`offer`, `session`). */
  what: string;
  sql: string;
  /** The bindings, from the token's hash; `[hash]` by default. */
  bindings?: (hash: string) => readonly unknown[];
}

/**
 * The one find-by-token of the token pages: a text not shaped like a link token is refused without a query, any
 * other is hashed (only hashes are stored) and looked up; no row answers `404` (NotFoundError) either way, so a page
 * never tells a malformed link from an unknown one.
 */
export async function findByToken<T>(em: EntityManager, token: string, lookup: TokenLookup): Promise<T> {
  if (!isLinkToken(token)) throw new NotFoundError(lookup.what);
  const hash = hashSecret(token);
  const [row] = await rawQuery<T>(em, lookup.sql, lookup.bindings ? lookup.bindings(hash) : [hash], {
    prepare: lookup.prepare,
  });
  if (!row) throw new NotFoundError(lookup.what);
  return row;
}
