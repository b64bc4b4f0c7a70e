import { html } from '@tandem/mail';
import type { SsoConfigView, SsoRefusal } from '@tandem/workflows';
import {
  checkbox,
  type ConsoleFrame,
  consolePage,
  csrfField,
  errorSummary,
  type FieldErrors,
  input,
} from './console-layout';

/** The single sign-on form's fields as typed (the client secret is never shown back). */
export interface SsoForm {
  issuer?: string;
  clientId?: string;
  allowedDomains?: string;
  scope?: string;
  adminClaim?: string;
  adminClaimValue?: string;
  magicLinkFallback?: boolean;
}

/** The form's fields from saved settings. */
export function ssoFormOf(view: SsoConfigView | undefined): SsoForm {
  if (!view) return { scope: 'openid email profile', magicLinkFallback: true };
  return {
    issuer: view.issuer,
    clientId: view.clientId,
    allowedDomains: view.allowedDomains.join(', '),
    scope: view.scope,
    adminClaim: view.adminClaim ?? '',
    adminClaimValue: view.adminClaimValue ?? '',
    magicLinkFallback: view.magicLinkFallback,
  };
}

/** The organization's single sign-on settings: what to register at the provider, the form, and removal. */
export function ssoSettingsPage(
  frame: ConsoleFrame,
  view: SsoConfigView | undefined,
  redirectUri: string,
  form: SsoForm,
  errors: FieldErrors = new Map(),
  alert?: string,
  notice?: string,
): string {
  return consolePage(
    'Single sign-on',
    frame,
    html`<h1>Single sign-on</h1>
<p>Admins of ${frame.admin?.organizationName ?? 'this organization'} can sign in to the console with your identity provider (OpenID Connect:
Okta, Microsoft Entra ID, Google Workspace, Keycloak, …). Register Tandem there as a web application using the authorization code flow, with this redirect URI:</p>
<p><code>${redirectUri}</code></p>
${notice ? html`<div class="alert" role="status">${notice}</div>` : ''}
${errorSummary(alert)}
<p role="status">${view ? html`Single sign-on is <strong>on</strong>${view.magicLinkFallback ? ' (emailed links work as well)' : ' and emailed sign-in links are switched off'}.` : 'Single sign-on is not set up: admins sign in by emailed link.'}</p>
<form method="post" action="/console/settings/sso" novalidate>${csrfField(frame.csrf!)}
${input('issuer', 'Issuer URL', form.issuer, errors, { required: true, hint: 'The provider’s issuer, such as https://example.okta.com or https://login.microsoftonline.com/<tenant>/v2.0', attrs: 'inputmode="url" autocomplete="off"' })}
${input('clientId', 'Client ID', form.clientId, errors, { required: true, attrs: 'autocomplete="off"' })}
${input('clientSecret', 'Client secret', '', errors, {
  type: 'password',
  required: !view,
  hint: view
    ? 'Stored encrypted and never shown again. Leave empty to keep the current one.'
    : 'Stored encrypted and never shown again.',
  attrs: 'autocomplete="new-password"',
})}
${input('allowedDomains', 'Allowed email domains', form.allowedDomains, errors, { required: true, hint: 'Separated by commas, such as example.com, example.co.uk. Only verified emails of these domains sign in; the sign-in page finds your provider by them.' })}
${input('scope', 'Scopes', form.scope, errors, { hint: 'openid email profile, plus groups when your provider sends groups only for that scope.' })}
<fieldset><legend>Who is an admin</legend>
<p class="muted">Leave both empty to let in only the admins invited to Tandem (their verified email must match). With a claim and a value, anyone whose
ID token or user info holds that value in that claim (for example <code>groups</code> containing <code>tandem-admins</code>) is an admin, added on their first sign-in; people without it are refused, invited or not.</p>
${input('adminClaim', 'Admin claim', form.adminClaim, errors, { hint: 'Such as groups or roles.' })}
${input('adminClaimValue', 'Value that makes an admin', form.adminClaimValue, errors)}
</fieldset>
${checkbox('magicLinkFallback', 'Admins may also sign in by emailed link (turn off to require single sign-on)', form.magicLinkFallback ?? true)}
<p><button type="submit">Save single sign-on</button></p>
</form>
${
  view
    ? html`<h2>Remove single sign-on</h2><p>Admins then sign in by emailed link again.</p>
<form method="post" action="/console/settings/sso/remove">${csrfField(frame.csrf!)}<button type="submit" class="danger">Remove single sign-on</button></form>`
    : ''
}`,
  );
}

const REFUSALS: Record<SsoRefusal, { status: number; title: string; message: string }> = {
  not_started: {
    status: 400,
    title: 'Sign-in not started here',
    message:
      'This sign-in did not start in this browser, or it took longer than 10 minutes. Start again from the sign-in page.',
  },
  bad_state: {
    status: 400,
    title: 'Sign-in not accepted',
    message:
      'The answer from your identity provider does not belong to the sign-in started in this browser (its state is missing or wrong). Start again from the sign-in page.',
  },
  used: {
    status: 400,
    title: 'Sign-in already used',
    message: 'This sign-in was used already, or it expired. Start again from the sign-in page.',
  },
  provider_error: {
    status: 403,
    title: 'Your identity provider did not sign you in',
    message: 'Your identity provider ended the sign-in without letting you in.',
  },
  code_rejected: {
    status: 400,
    title: 'Sign-in code not accepted',
    message:
      'Your identity provider did not accept the sign-in code: it expired or was used already. Start again from the sign-in page.',
  },
  wrong_audience: {
    status: 400,
    title: 'Sign-in not accepted',
    message:
      'The identity provider’s answer was meant for another application (wrong audience), so it cannot sign you in here. Ask the admin who set up single sign-on to check the client ID.',
  },
  invalid_token: {
    status: 400,
    title: 'Sign-in not accepted',
    message:
      'The identity provider’s answer did not pass the checks (its ID token is not valid for this sign-in). Start again from the sign-in page.',
  },
  provider_unreachable: {
    status: 502,
    title: 'Identity provider not reachable',
    message:
      'Your identity provider could not be reached. Please try again in a moment, or sign in by emailed link if your organization allows it.',
  },
  not_configured: {
    status: 400,
    title: 'Single sign-on not available',
    message:
      'Single sign-on of your organization is switched off or needs its settings entered again. Ask the admin who set it up, or sign in by emailed link if your organization allows it.',
  },
  unverified_email: {
    status: 403,
    title: 'Email not verified',
    message: 'Your identity provider did not send a verified email address, so Tandem cannot tell who you are.',
  },
  domain_not_allowed: {
    status: 403,
    title: 'Email domain not allowed',
    message: 'Your email address is not in a domain your organization allows for single sign-on.',
  },
  not_admin: {
    status: 403,
    title: 'Not an admin',
    message:
      'Your identity provider does not list you as a Tandem admin of your organization. Ask your IT team for access.',
  },
  unknown_admin: {
    status: 403,
    title: 'Not an admin',
    message: 'There is no Tandem admin with your email address in your organization. Ask an admin to invite you.',
  },
};

/** The page that says why a single sign-on did not sign in, and its status. */
export function ssoRefusalPage(reason: SsoRefusal, providerError?: string): { status: number; markup: string } {
  const refusal = REFUSALS[reason];
  const message = providerError ? `${refusal.message} It answered: ${providerError}.` : refusal.message;
  return {
    status: refusal.status,
    markup: consolePage(
      refusal.title,
      {},
      html`<h1>${refusal.title}</h1><p>${message}</p><p><a href="/console/signin">Back to the sign-in page</a></p>`,
    ),
  };
}
