import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ApiKeyRole } from '@tandem/domain';
import type { Principal } from '@tandem/workflows';

export const PUBLIC_ROUTE = 'tandem:public';
export const ROLES = 'tandem:roles';

/** The route needs no API key (health, docs, pages that carry their own token). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The roles allowed on a route; by default reads allow admin and operator, writes admin only. */
export const Roles = (...roles: ApiKeyRole[]) => SetMetadata(ROLES, roles);

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest<{ principal: Principal }>().principal;
});

/** The audit actor string for a principal: ids only, never a name. */
export function actorOf(principal: Principal) {
  return { organizationId: principal.organizationId, actor: `apikey:${principal.keyId}` };
}
