import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DEFAULT_LOCALE, parseLocaleTag, SUPPORTED_LOCALES } from '@tandem/mail';
import {
  ApiKey,
  ApiKeyRole,
  AuditEvent,
  hashSecret,
  isUuid,
  newSecret,
  NotFoundError,
  Organization,
  ValidationError,
} from '@tandem/domain';
import { z } from 'zod';
import { parseCommand } from '../validation';

/** The caller behind an API key. */
export interface Principal {
  keyId: string;
  organizationId: string;
  role: ApiKeyRole;
}

const KEY_PREFIX = 'tdm';

/** PATCH /api/v1/organization: its name, and the language of its people who have none of their own (docs/languages.md). */
export const organizationSettingsSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    defaultLocale: z.enum(SUPPORTED_LOCALES, { error: `must be one of ${SUPPORTED_LOCALES.join(', ')}` }),
  })
  .partial()
  .strict();

/** An organization as the API shows it. */
export interface OrganizationView {
  id: string;
  name: string;
  defaultLocale: string;
  createdAt: string;
}

const organizationView = (o: Organization): OrganizationView => ({
  id: o.id,
  name: o.name,
  defaultLocale: o.defaultLocale,
  createdAt: o.createdAt.toISOString(),
});

/** Organizations (tenants) and their API keys. Keys are shown once and stored only as a SHA-256 hash. */
@Injectable()
export class OrganizationsService {
  constructor(private readonly em: EntityManager) {}

  /** Creates an organization with its first admin key; `defaultLocale` (default `en`) is its people's language unless they have one (docs/languages.md). */
  async createOrganization(
    name: string,
    defaultLocale = DEFAULT_LOCALE as string,
  ): Promise<{ organizationId: string; apiKey: string }> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200)
      throw new ValidationError('the organization name must be 1-200 characters');
    const tag = parseLocaleTag(defaultLocale);
    if (!('locale' in tag))
      throw new ValidationError(`the default language must be one of ${SUPPORTED_LOCALES.join(', ')}`, [
        { field: 'defaultLocale', message: `must be one of ${SUPPORTED_LOCALES.join(', ')}` },
      ]);
    const em = this.em.fork();
    const organization = em.create(Organization, { name: trimmed, defaultLocale: tag.locale });
    const { apiKey } = this.newKey(em, organization, ApiKeyRole.Admin);
    await em.flush();
    return { organizationId: organization.id, apiKey };
  }

  /** The caller's organization. */
  async settings(organizationId: string): Promise<OrganizationView> {
    return organizationView(await this.em.fork().findOneOrFail(Organization, organizationId));
  }

  /** Changes the organization's name or default language; audited with the fields changed. */
  async updateSettings(actor: { organizationId: string; actor: string }, input: unknown): Promise<OrganizationView> {
    const command = parseCommand(organizationSettingsSchema, input ?? {});
    const em = this.em.fork();
    const organization = await em.findOneOrFail(Organization, actor.organizationId);
    const fields = (Object.keys(command) as (keyof typeof command)[]).filter(
      (field) => command[field] !== undefined && command[field] !== organization[field],
    );
    if (fields.length > 0) {
      em.assign(organization, command);
      em.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'organization.updated',
        subjectType: 'organization',
        subjectId: organization.id,
        data: { fields },
      });
      await em.flush();
    }
    return organizationView(organization);
  }

  /** Issues a key with a role for an existing organization. */
  async createApiKey(organizationId: string, role: ApiKeyRole): Promise<{ apiKey: string; id: string }> {
    if (!Object.values(ApiKeyRole).includes(role))
      throw new ValidationError(`role must be one of ${Object.values(ApiKeyRole).join(', ')}`);
    if (!isUuid(organizationId)) throw new NotFoundError('organization', organizationId.slice(0, 64));
    const em = this.em.fork();
    const organization = await em.findOne(Organization, { id: organizationId });
    if (!organization) throw new NotFoundError('organization', organizationId);
    const { apiKey, key } = this.newKey(em, organization, role);
    await em.flush();
    return { apiKey, id: key.id };
  }

  /** Revokes a key of the organization; revoking twice is harmless. */
  async revokeApiKey(organizationId: string, keyId: string): Promise<void> {
    if (!isUuid(keyId)) throw new NotFoundError('API key', keyId.slice(0, 64));
    const em = this.em.fork();
    const key = await em.findOne(ApiKey, { id: keyId, organization: organizationId });
    if (!key) throw new NotFoundError('API key', keyId);
    key.revokedAt ??= new Date();
    await em.flush();
  }

  /** Lists an organization's keys (never the secrets). */
  async listApiKeys(
    organizationId: string,
  ): Promise<{ id: string; role: ApiKeyRole; prefix: string; createdAt: Date; revokedAt: Date | null }[]> {
    const keys = await this.em.fork().find(ApiKey, { organization: organizationId }, { orderBy: { createdAt: 'asc' } });
    return keys.map((k) => ({
      id: k.id,
      role: k.role,
      prefix: k.prefix,
      createdAt: k.createdAt,
      revokedAt: k.revokedAt ?? null,
    }));
  }

  /** The principal for a presented key, or undefined when the key is unknown or revoked. */
  async authenticate(apiKey: string): Promise<Principal | undefined> {
    if (!apiKey.startsWith(`${KEY_PREFIX}_`) || apiKey.length > 200) return undefined;
    const key = await this.em.fork().findOne(ApiKey, { keyHash: hashSecret(apiKey), revokedAt: null });
    if (!key) return undefined;
    return { keyId: key.id, organizationId: key.organization.id, role: key.role };
  }

  private newKey(em: EntityManager, organization: Organization, role: ApiKeyRole): { apiKey: string; key: ApiKey } {
    const apiKey = newSecret(KEY_PREFIX);
    const key = em.create(ApiKey, { organization, role, keyHash: hashSecret(apiKey), prefix: apiKey.slice(0, 10) });
    return { apiKey, key };
  }
}
