import type { EntityManager } from '@mikro-orm/postgresql';
import { isUuid, rawQuery } from '@tandem/domain';

/** The kinds of record a route's path id can name, each with how to find its organization. */
const OWNER_SQL = {
  program: `select 1 from program where id = ? and organization_id = ?`,
  round: `select 1 from matching_round where id = ? and organization_id = ?`,
  enrollment: `select 1 from enrollment e join program p on p.id = e.program_id where e.id = ? and p.organization_id = ?`,
  import: `select 1 from import_batch where id = ? and organization_id = ?`,
  pairing: `select 1 from pairing where id = ? and organization_id = ?`,
  apiKey: `select 1 from api_key where id = ? and organization_id = ?`,
  person: `select 1 from person where id = ? and organization_id = ?`,
  webhook: `select 1 from webhook_endpoint where id = ? and organization_id = ?`,
  scimToken: `select 1 from scim_token where id = ? and organization_id = ?`,
} as const;

export type OwnedKind = keyof typeof OWNER_SQL;

/**
 * Whether the record `id` of this kind belongs to the organization. A route's guard asks it before anything reads the
 * request's body, so another organization's id (or no id at all) answers 404 whatever the body holds.
 */
export async function isOwnedBy(
  em: EntityManager,
  organizationId: string,
  kind: OwnedKind,
  id: string,
): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await rawQuery(em.fork(), OWNER_SQL[kind], [id, organizationId]);
  return rows.length > 0;
}
