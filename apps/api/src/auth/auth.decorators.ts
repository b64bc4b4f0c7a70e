import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApiKeyRole } from '@tandem/domain';
import type { OwnedKind, Principal } from '@tandem/workflows';

export const PUBLIC_ROUTE = 'tandem:public';
export const ROLES = 'tandem:roles';
export const OWNED_BY = 'tandem:owned-by';

/** The route needs no API key (health, docs, pages that carry their own token). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The roles allowed on a route; by default reads allow admin and operator, writes admin only. */
export const Roles = (...roles: ApiKeyRole[]) => SetMetadata(ROLES, roles);

/**
 * The route's `:id` names a record of this kind: the guard answers 404 unless it belongs to the caller's organization,
 * before the body is looked at (authorization before parsing).
 */
export const OwnedBy = (kind: OwnedKind) => SetMetadata(OWNED_BY, kind);

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});

/** The audit actor string for a principal: ids only, never a name. */
export function actorOf(principal: Principal) {
  return { organizationId: principal.organizationId, actor: `apikey:${principal.keyId}` };
}
