import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditEvent, hashSecret, isUuid, newSecret, NotFoundError, rawQuery, ScimToken } from '@tandem/domain';
import { z } from 'zod';
import type { Actor } from '../programs/programs.service';
import { parseCommand } from '../validation';

/** The caller behind a SCIM token: an identity provider acting for one organization. */
export interface ScimPrincipal {
  tokenId: string;
  organizationId: string;
}

/** A SCIM token as listed (never the secret). */
export interface ScimTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const TOKEN_PREFIX = 'tdmscim';

/** The body of POST /api/v1/scim-tokens: a name that says which identity provider holds the token. */
export const scimTokenSchema = z
  .object({ name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters') })
  .strict();

/**
 * The bearer tokens identity providers present to `/scim/v2`: created by an admin (shown once, only the SHA-256 hash
 * kept, like API keys), listed, revoked. A token is not an API key and an API key is not a token.
 */
@Injectable()
export class ScimTokensService {
  constructor(private readonly em: EntityManager) {}

  /** Issues a token; the answer is the only time the token is shown. */
  async create(actor: Actor, input: unknown): Promise<ScimTokenView & { token: string }> {
    const { name } = parseCommand(scimTokenSchema, input);
    const em = this.em.fork();
    const token = newSecret(TOKEN_PREFIX);
    const row = em.create(ScimToken, {
      organization: actor.organizationId,
      name,
      tokenHash: hashSecret(token),
      prefix: token.slice(0, 14),
    });
    em.create(AuditEvent, {
      organization: actor.organizationId,
      actor: actor.actor,
      action: 'scim-token.created',
      subjectType: 'scim-token',
      subjectId: row.id,
    });
    await em.flush();
    return { ...view(row), token };
  }

  async list(organizationId: string): Promise<ScimTokenView[]> {
    const rows = await this.em
      .fork()
      .find(ScimToken, { organization: organizationId }, { orderBy: { createdAt: 'asc' } });
    return rows.map(view);
  }

  /** Revokes a token at once; revoking twice is harmless. */
  async revoke(actor: Actor, id: string): Promise<ScimTokenView> {
    if (!isUuid(id)) throw new NotFoundError('SCIM token', id.slice(0, 64));
    const em = this.em.fork();
    const row = await em.findOne(ScimToken, { id, organization: actor.organizationId });
    if (!row) throw new NotFoundError('SCIM token', id);
    if (!row.revokedAt) {
      row.revokedAt = new Date();
      em.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'scim-token.revoked',
        subjectType: 'scim-token',
        subjectId: row.id,
      });
      await em.flush();
    }
    return view(row);
  }

  /** The principal for a presented token, or undefined when it is unknown, revoked or not a SCIM token. */
  async authenticate(token: string): Promise<ScimPrincipal | undefined> {
    if (!token.startsWith(`${TOKEN_PREFIX}_`) || token.length > 200) return undefined;
    const em = this.em.fork();
    const [row] = await rawQuery<{ id: string; organization_id: string; stale: boolean }>(
      em,
      `select id, organization_id, (last_used_at is null or last_used_at < now() - interval '1 minute') as stale from scim_token where token_hash = ? and revoked_at is null`,
      [hashSecret(token)],
    );
    // The last use is written at most once a minute, so a burst of requests does not write a row each.
    if (row?.stale) await rawQuery(em, `update scim_token set last_used_at = now() where id = ?`, [row.id]);
    return row ? { tokenId: row.id, organizationId: row.organization_id } : undefined;
  }
}

function view(row: ScimToken): ScimTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt ?? null,
    revokedAt: row.revokedAt ?? null,
  };
}
