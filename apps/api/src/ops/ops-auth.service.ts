import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { ApiKey, ApiKeyRole, isUuid } from '@tandem/domain';
import { AdminsService, OrganizationsService, type Principal } from '@tandem/workflows';
import type { FastifyRequest } from 'fastify';
import { readCookie } from '../http/cookies';
import { opsSessionKeyId } from './ops-session';

/** The console's session cookie (console-auth's SESSION_COOKIE), which the console also sets under /ops for admins. */
export const CONSOLE_SESSION_COOKIE = 'tandem_console';

/** Why an operations request was refused. */
export type OpsRefusal = { status: 401 | 403; code: 'unauthenticated' | 'forbidden'; message: string };

/**
 * Who may use the operations surface (dashboard, metrics): admin and operator keys, sent as a Bearer header or held
 * in the signed sign-in cookie, and console admins by their console session. Queues are shared by every organization, so with OPS_ORGANIZATION_ID set only that
 * organization's keys are let in; unset (a single-tenant install) any organization's admin or operator key is.
 */
@Injectable()
export class OpsAuth {
  constructor(
    private readonly organizations: OrganizationsService,
    private readonly admins: AdminsService,
    private readonly em: EntityManager,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /** The caller of a request, or why they are refused. */
  async principalOf(request: FastifyRequest): Promise<Principal | OpsRefusal> {
    const header = request.headers.authorization;
    let principal: Principal | undefined;
    if (typeof header === 'string' && header.length > 0) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      principal = match ? await this.organizations.authenticate(match[1]) : undefined;
      if (!principal) return { status: 401, code: 'unauthenticated', message: 'the API key is unknown or revoked' };
    } else {
      const keyId = opsSessionKeyId(request);
      principal = keyId ? await this.principalOfKeyId(keyId) : undefined;
      principal ??= await this.principalOfConsoleSession(readCookie(request, CONSOLE_SESSION_COOKIE));
      if (!principal)
        return {
          status: 401,
          code: 'unauthenticated',
          message: 'sign in at /ops/login, or send Authorization: Bearer <admin or operator key>',
        };
    }
    return this.admit(principal);
  }

  /** Checks a principal from a presented key (the sign-in form). */
  async admitKey(apiKey: string): Promise<Principal | OpsRefusal> {
    const principal = await this.organizations.authenticate(apiKey);
    if (!principal) return { status: 401, code: 'unauthenticated', message: 'the API key is unknown or revoked' };
    return this.admit(principal);
  }

  private admit(principal: Principal): Principal | OpsRefusal {
    if (![ApiKeyRole.Admin, ApiKeyRole.Operator].includes(principal.role))
      return { status: 403, code: 'forbidden', message: 'this needs an admin or operator key' };
    if (this.config.opsOrganizationId && principal.organizationId !== this.config.opsOrganizationId) {
      return { status: 403, code: 'forbidden', message: 'operations are reserved to the operating organization' };
    }
    return principal;
  }

  /**
   * A console admin's live session (the console's "Queues" link copies its cookie to /ops): an admin of their
   * organization, so the OPS_ORGANIZATION_ID rule applies as to keys. Signing out of the console ends it too.
   */
  private async principalOfConsoleSession(token: string | undefined): Promise<Principal | undefined> {
    const admin = token ? await this.admins.authenticate(token) : undefined;
    return admin
      ? { keyId: `console-session:${admin.sessionId}`, organizationId: admin.organizationId, role: ApiKeyRole.Admin }
      : undefined;
  }

  /** A revoked key's session ends at once: the cookie names the key, and the key is checked on every request. */
  private async principalOfKeyId(keyId: string): Promise<Principal | undefined> {
    if (!isUuid(keyId)) return undefined;
    const key = await this.em.fork().findOne(ApiKey, { id: keyId, revokedAt: null });
    return key ? { keyId: key.id, organizationId: key.organization.id, role: key.role } : undefined;
  }
}

/** Whether an OpsAuth answer is a refusal. */
export function isRefusal(value: Principal | OpsRefusal): value is OpsRefusal {
  return (value as OpsRefusal).status !== undefined;
}
