import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { ApiKeyRole, DomainError, NotFoundError } from '@tandem/domain';
import { isOwnedBy, type OwnedKind, OrganizationsService, type Principal } from '@tandem/workflows';
import type { FastifyRequest } from 'fastify';
import { OWNED_BY, PUBLIC_ROUTE, ROLES } from './auth.decorators';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route needs an API key unless marked @Public(); operator keys can read but not write; a route marked
 * @OwnedBy(kind) answers 404 unless its `:id` is a record of the key's organization. All of it before the body is read.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly organizations: OrganizationsService,
    private readonly em: EntityManager,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match)
      throw new DomainError(
        'unauthenticated',
        'unauthenticated',
        'an API key is required: Authorization: Bearer <key>',
      );
    const principal = await this.organizations.authenticate(match[1]);
    if (!principal) throw new DomainError('unauthenticated', 'unauthenticated', 'the API key is unknown or revoked');
    const roles =
      this.reflector.getAllAndOverride<ApiKeyRole[]>(ROLES, targets) ??
      (READ_METHODS.has(request.method) ? [ApiKeyRole.Admin, ApiKeyRole.Operator] : [ApiKeyRole.Admin]);
    if (!roles.includes(principal.role))
      throw new DomainError('forbidden', 'forbidden', `this needs an ${roles.join(' or ')} key`);
    request.principal = principal;
    const owned = this.reflector.getAllAndOverride<OwnedKind | undefined>(OWNED_BY, targets);
    if (owned) {
      const id = String((request.params as Record<string, string> | undefined)?.id ?? '');
      if (!(await isOwnedBy(this.em, principal.organizationId, owned, id)))
        throw new NotFoundError(
          owned === 'apiKey' ? 'API key' : owned === 'scimToken' ? 'SCIM token' : owned,
          id.slice(0, 64),
        );
    }
    return true;
  }
}
