import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole, NotFoundError } from '@tandem/domain';
import { type Principal, ssoSettingsSchema, SsoService } from '@tandem/workflows';
import { actorOf, CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { BodyFrom } from '../http/openapi';

/** The organization's single sign-on (OpenID Connect) for the console; admin keys only. */
@ApiTags('single sign-on')
@ApiBearerAuth()
@Controller('api/v1/sso')
@Roles(ApiKeyRole.Admin)
export class SsoController {
  constructor(private readonly sso: SsoService) {}

  @Get()
  @ApiOperation({
    summary: 'The organization’s single sign-on settings (never the client secret) and the redirect URI to register',
  })
  async get(@CurrentPrincipal() principal: Principal) {
    const view = await this.sso.get(principal.organizationId);
    if (!view) throw new NotFoundError('single sign-on settings');
    return view;
  }

  @Put()
  @ApiOperation({
    summary:
      'Set single sign-on: { issuer, clientId, clientSecret (write-only; required the first time), allowedDomains, scope, adminClaim, adminClaimValue, magicLinkFallback }',
  })
  @BodyFrom(ssoSettingsSchema(false))
  save(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.sso.save(actorOf(principal), body);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove single sign-on (admins sign in by emailed link again)' })
  async remove(@CurrentPrincipal() principal: Principal) {
    await this.sso.remove(actorOf(principal));
  }
}
