import { Body, Get, Inject, Post, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError } from '@tandem/domain';
import { SsoService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { consoleActor, type ConsoleContext, ConsoleController, SignedIn } from './console-auth';
import { fieldErrors, sendConsolePage } from './console-layout';
import { frameOf } from './console-programs.controller';
import { type SsoForm, ssoFormOf, ssoSettingsPage } from './sso.pages';

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

/** The console's single sign-on settings: the same SsoService as the API, as a page that works without JavaScript. */
@ConsoleController()
export class ConsoleSsoController {
  constructor(
    private readonly sso: SsoService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('settings/sso')
  async show(@SignedIn() ctx: ConsoleContext, @Res() reply: FastifyReply) {
    const view = await this.sso.get(ctx.admin.organizationId);
    return sendConsolePage(
      reply,
      200,
      ssoSettingsPage(frameOf(ctx, this.config), view, this.sso.redirectUri, ssoFormOf(view)),
    );
  }

  @Post('settings/sso')
  async save(
    @SignedIn() ctx: ConsoleContext,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    const form: SsoForm = {
      issuer: text(body?.issuer),
      clientId: text(body?.clientId),
      allowedDomains: text(body?.allowedDomains),
      scope: text(body?.scope),
      adminClaim: text(body?.adminClaim),
      adminClaimValue: text(body?.adminClaimValue),
      magicLinkFallback: body?.magicLinkFallback === 'on',
    };
    const secret = text(body?.clientSecret);
    const command = {
      issuer: form.issuer,
      clientId: form.clientId,
      ...(secret ? { clientSecret: secret } : {}),
      allowedDomains: form.allowedDomains!.split(/[\s,;]+/).filter(Boolean),
      ...(form.scope ? { scope: form.scope } : {}),
      adminClaim: form.adminClaim || null,
      adminClaimValue: form.adminClaimValue || null,
      magicLinkFallback: form.magicLinkFallback,
    };
    const frame = frameOf(ctx, this.config);
    try {
      const view = await this.sso.save(consoleActor(ctx.admin), command);
      const notice = view.magicLinkFallback
        ? 'Single sign-on is saved.'
        : 'Single sign-on is saved. Emailed sign-in links are off for your admins: they sign in with your identity provider.';
      return sendConsolePage(
        reply,
        200,
        ssoSettingsPage(frame, view, this.sso.redirectUri, ssoFormOf(view), new Map(), undefined, notice),
      );
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      const errors = fieldErrors(err.details);
      for (const [field, message] of [...errors])
        if (field.startsWith('allowedDomains.'))
          errors.set(
            'allowedDomains',
            `${form.allowedDomains!.split(/[\s,;]+/).filter(Boolean)[Number(field.split('.')[1])] ?? 'A domain'}: ${message}`,
          );
      const view = await this.sso.get(ctx.admin.organizationId);
      return sendConsolePage(
        reply,
        422,
        ssoSettingsPage(
          frame,
          view,
          this.sso.redirectUri,
          form,
          errors,
          'Single sign-on was not saved: fix the fields marked below.',
        ),
      );
    }
  }

  @Post('settings/sso/remove')
  async remove(@SignedIn() ctx: ConsoleContext, @Res() reply: FastifyReply) {
    await this.sso.remove(consoleActor(ctx.admin));
    return sendConsolePage(
      reply,
      200,
      ssoSettingsPage(
        frameOf(ctx, this.config),
        undefined,
        this.sso.redirectUri,
        ssoFormOf(undefined),
        new Map(),
        undefined,
        'Single sign-on is removed: admins sign in by emailed link.',
      ),
    );
  }
}
