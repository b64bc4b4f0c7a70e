import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DEFAULT_LOCALE, parseLocaleTag, SUPPORTED_LOCALES } from '@tandem/mail';
import { ApiKey, ApiKeyRole, hashSecret, isUuid, newSecret, NotFoundError, Organization, ValidationError } from '@tandem/domain';

/** The caller behind an API key. */
export interface Principal {
  keyId: string;
  organizationId: string;
  role: ApiKeyRole;
}

const KEY_PREFIX = 'tdm';

/** Organizations (tenants) and their API keys. Keys are shown once and stored only as a SHA-256 hash. */
@Injectable()
export class OrganizationsService {
  constructor(private readonly em: EntityManager) {}

  /** Creates an organization with its first admin key; `defaultLocale` (default `en`) is its people's language unless they have one (docs/languages.md). */
  async createOrganization(name: string, defaultLocale = DEFAULT_LOCALE as string): Promise<{ organizationId: string; apiKey: string }> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 200) throw new ValidationError('the organization name must be 1-200 characters');
    const tag = parseLocaleTag(defaultLocale);
    if (!('locale' in tag)) throw new ValidationError(`the default language must be one of ${SUPPORTED_LOCALES.join(', ')}`, [{ field: 'defaultLocale', message: `must be one of ${SUPPORTED_LOCALES.join(', ')}` }]);
    const em = this.em.fork();
    const organization = em.create(Organization, { name: trimmed, defaultLocale: tag.locale });
    const { apiKey } = this.newKey(em, organization, ApiKeyRole.Admin);
    await em.flush();
    return { organizationId: organization.id, apiKey };
  }

  /** Issues a key with a role for an existing organization. */
  async createApiKey(organizationId: string, role: ApiKeyRole): Promise<{ apiKey: string; id: string }> {
    if (!Object.values(ApiKeyRole).includes(role)) throw new ValidationError(`role must be one of ${Object.values(ApiKeyRole).join(', ')}`);
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
  async listApiKeys(organizationId: string): Promise<{ id: string; role: ApiKeyRole; prefix: string; createdAt: Date; revokedAt: Date | null }[]> {
    const keys = await this.em.fork().find(ApiKey, { organization: organizationId }, { orderBy: { createdAt: 'asc' } });
    return keys.map((k) => ({ id: k.id, role: k.role, prefix: k.prefix, createdAt: k.createdAt, revokedAt: k.revokedAt ?? null }));
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
