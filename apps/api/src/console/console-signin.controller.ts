import { setTimeout as sleep } from 'node:timers/promises';
import { Body, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError } from '@tandem/domain';
import { html } from '@tandem/mail';
import { AdminsService, SSO_SIGN_IN_MINUTES, SsoRefused, SsoService } from '@tandem/workflows';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, writeCookie } from '../http/cookies';
import { ConsoleController, ensurePreCsrf, preCsrfValid, writeConsoleSession } from './console-auth';
import {
  consoleErrorPage,
  consolePage,
  csrfField,
  errorSummary,
  fieldErrors,
  input,
  sendConsolePage,
} from './console-layout';
import { CONSOLE_SCRIPT } from './console-script';
import { ssoRefusalPage } from './sso.pages';

/** The signed cookie that binds a single sign-on under way to this browser: the sign-in's id. */
export const SSO_COOKIE = 'tandem_console_sso';

/**
 * A sign-in request is answered no sooner than this after it arrived. A known email writes a link and an email and
 * queues it, an unknown one writes nothing; without a floor the answer's timing would tell which emails are admins'.
 */
export const SIGN_IN_ANSWER_MS = 300;

const SIGNIN_INTRO =
  'Enter the email address you were invited with. We email you a link that signs you in; it works once, for 15 minutes.';

/**
 * Sign-in by emailed link or by the organization's single sign-on (no session needed), the console's script. Sign-in
 * forms are rate-limited per client.
 */
@ConsoleController({ session: false })
export class ConsoleSignInController {
  constructor(
    private readonly admins: AdminsService,
    private readonly sso: SsoService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get()
  home(@Res() reply: FastifyReply) {
    return reply.status(303).header('location', '/console/programs').send();
  }

  @Get('assets/console.js')
  script(@Res() reply: FastifyReply) {
    return reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(CONSOLE_SCRIPT);
  }

  @Get('signin')
  @RouteConfig({ rateLimit: {} })
  async form(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    return sendConsolePage(
      reply,
      200,
      this.signInForm(
        ensurePreCsrf(request, reply, this.config),
        '',
        undefined,
        undefined,
        '',
        undefined,
        await this.sso.anyConfigured(),
      ),
    );
  }

  @Post('signin')
  @RouteConfig({ rateLimit: {} })
  async request(
    @Req() request: FastifyRequest,
    @Body() body: { email?: unknown } | undefined,
    @Res() reply: FastifyReply,
  ) {
    const started = performance.now();
    const csrf = ensurePreCsrf(request, reply, this.config);
    if (!preCsrfValid(request, this.config))
      return sendConsolePage(
        reply,
        403,
        this.signInForm(
          csrf,
          '',
          'This form expired. Please enter your email again.',
          undefined,
          '',
          undefined,
          await this.sso.anyConfigured(),
        ),
      );
    try {
      await this.admins.requestSignIn(body?.email);
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      const errors = fieldErrors(err.details);
      return sendConsolePage(
        reply,
        422,
        this.signInForm(
          csrf,
          typeof body?.email === 'string' ? body.email : '',
          undefined,
          errors.get('email'),
          '',
          undefined,
          await this.sso.anyConfigured(),
        ),
      );
    }
    // Whether the domain signs in by single sign-on only: a fact about the domain, the same for every address of it.
    const provider = await this.sso.forEmail(body?.email);
    // The same answer, at the same time, whether or not the email belongs to an admin.
    await sleep(Math.max(0, SIGN_IN_ANSWER_MS - (performance.now() - started)));
    return sendConsolePage(
      reply,
      200,
      consolePage(
        'Check your email',
        {},
        html`<h1>Check your email</h1><p role="status">If this address belongs to an admin, a sign-in link is on its way. It works once, for 15 minutes.</p>
${
  provider && !provider.magicLinkFallback
    ? html`<div class="alert" role="status"><p>Admins with an address at ${provider.domain} sign in with single sign-on: emailed links are switched off for them.</p>
<form method="post" action="/console/sso">${csrfField(csrf)}<input type="hidden" name="email" value="${body?.email as string}"><button type="submit">Continue with single sign-on</button></form></div>`
    : ''
}<p><a href="/console/signin">Send another link</a></p>`,
      ),
    );
  }

  /** Starts a single sign-on: the email's domain finds the organization, its provider gets the browser. */
  @Post('sso')
  @RouteConfig({ rateLimit: {} })
  async startSso(
    @Req() request: FastifyRequest,
    @Body() body: { email?: unknown } | undefined,
    @Res() reply: FastifyReply,
  ) {
    const csrf = ensurePreCsrf(request, reply, this.config);
    const email = typeof body?.email === 'string' ? body.email : '';
    if (!preCsrfValid(request, this.config))
      return sendConsolePage(
        reply,
        403,
        this.signInForm(csrf, '', 'This form expired. Please enter your email again.', undefined, email),
      );
    let started: { signInId: string; url: string } | undefined;
    try {
      started = await this.sso.start(body?.email);
    } catch (err) {
      if (err instanceof SsoRefused) {
        const page = ssoRefusalPage(err.reason, err.providerError);
        return sendConsolePage(reply, page.status, page.markup);
      }
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      return sendConsolePage(
        reply,
        422,
        this.signInForm(csrf, '', undefined, undefined, email, fieldErrors(err.details).get('email')),
      );
    }
    if (!started) {
      const domain = email
        .slice(email.lastIndexOf('@') + 1)
        .trim()
        .toLowerCase();
      return sendConsolePage(
        reply,
        422,
        this.signInForm(
          csrf,
          email,
          undefined,
          undefined,
          email,
          `No organization signs in with single sign-on for ${domain}. Use an emailed link below.`,
        ),
      );
    }
    writeCookie(reply, this.config, SSO_COOKIE, started.signInId, {
      path: '/console',
      sameSite: 'lax',
      maxAgeSeconds: SSO_SIGN_IN_MINUTES * 60,
      signed: true,
    });
    return reply.status(303).header('location', started.url).header('cache-control', 'no-store').send();
  }

  /** Where the provider sends the browser back: the sign-in is finished once, or refused with a page saying why. */
  @Get('sso/callback')
  @RouteConfig({ rateLimit: {} })
  async ssoCallback(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const at = request.url.indexOf('?');
    const query = at >= 0 ? request.url.slice(at + 1) : '';
    const signInId = readCookie(request, SSO_COOKIE, true);
    writeCookie(reply, this.config, SSO_COOKIE, undefined, { path: '/console', sameSite: 'lax', maxAgeSeconds: 0 });
    try {
      const { sessionToken } = await this.sso.finish(signInId, query);
      return writeConsoleSession(reply.status(303), this.config, sessionToken)
        .header('location', '/console/programs')
        .header('cache-control', 'no-store')
        .send();
    } catch (err) {
      if (!(err instanceof SsoRefused)) throw err;
      const page = ssoRefusalPage(err.reason, err.providerError);
      return sendConsolePage(reply.header('cache-control', 'no-store'), page.status, page.markup);
    }
  }

  /** The emailed link shows a button and changes nothing: mail scanners fetch links, only a press signs in. */
  @Get('signin/:token')
  @RouteConfig({ rateLimit: {} })
  async confirm(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const csrf = ensurePreCsrf(request, reply, this.config);
    if (!(await this.admins.signInUsable(token))) return sendConsolePage(reply, 404, this.linkNotUsable());
    return sendConsolePage(
      reply,
      200,
      consolePage(
        'Sign in',
        {},
        html`<h1>Sign in to the Tandem console</h1>
<form method="post" action="/console/signin/${token}">${csrfField(csrf)}<button type="submit">Sign in</button></form>`,
      ),
    );
  }

  @Post('signin/:token')
  @RouteConfig({ rateLimit: {} })
  async signIn(@Param('token') token: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    if (!preCsrfValid(request, this.config)) {
      const csrf = ensurePreCsrf(request, reply, this.config);
      return sendConsolePage(
        reply,
        403,
        consolePage(
          'Sign in',
          {},
          html`<h1>Sign in to the Tandem console</h1><p>This form expired; press the button again.</p>
<form method="post" action="/console/signin/${token}">${csrfField(csrf)}<button type="submit">Sign in</button></form>`,
        ),
      );
    }
    const session = await this.admins.signIn(token);
    if (!session) return sendConsolePage(reply, 404, this.linkNotUsable());
    return writeConsoleSession(reply.status(303), this.config, session)
      .header('location', '/console/programs')
      .header('cache-control', 'no-store')
      .send();
  }

  /** The sign-in page; its single sign-on form only when some organization of the install signs in that way. */
  private signInForm(
    csrf: string,
    email = '',
    alert?: string,
    emailError?: string,
    ssoEmail = '',
    ssoError?: string,
    withSso = true,
  ): string {
    const errors = new Map(emailError ? [['email', emailError]] : []);
    return consolePage(
      'Sign in',
      {},
      html`<h1>Sign in to the Tandem console</h1>${errorSummary(alert)}
${
  withSso
    ? html`<h2>With single sign-on</h2>
<p>If your organization signs in with its identity provider (Okta, Microsoft Entra ID, Google, …), enter your work email: you continue at your provider.</p>
<form method="post" action="/console/sso" novalidate>${csrfField(csrf)}
<div><label for="f-sso-email">Work email address</label>
<input type="email" id="f-sso-email" name="email" value="${ssoEmail}" autocomplete="email" required${ssoError ? html` aria-invalid="true" aria-describedby="f-sso-email-error"` : ''}>
${ssoError ? html`<p class="error" id="f-sso-email-error">${ssoError}</p>` : ''}</div>
<p><button type="submit">Continue with single sign-on</button></p>
</form>
<h2>With an emailed link</h2>`
    : ''
}
<p>${SIGNIN_INTRO}</p>
<form method="post" action="/console/signin" novalidate>${csrfField(csrf)}
${input('email', 'Email address', email, errors, { type: 'email', required: true, attrs: 'autocomplete="email"' })}
<p><button type="submit">Email me a sign-in link</button></p>
</form>`,
    );
  }

  private linkNotUsable(): string {
    return consoleErrorPage(
      'Link not valid',
      'This sign-in link is not valid any more: it was used, it expired, or it is incomplete. Ask for a new one on the sign-in page.',
    );
  }
}
