import { isIP } from 'node:net';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  AuditEvent,
  Clock,
  isUuid,
  newId,
  NotFoundError,
  openSecret,
  rawQuery,
  sealSecret,
  Signer,
  ValidationError,
} from '@tandem/domain';
import type * as OpenId from 'openid-client';
import { z } from 'zod';
import type { Actor } from '../programs/programs.service';
import { parseCommand } from '../validation';
import { isPrivateAddress } from '../webhooks/webhook-address';
import { adminEmail, openSession } from './admins.service';
import { guardedFetch } from './guarded-fetch';

/** How long a sign-in may take between the redirect to the provider and the callback. */
export const SSO_SIGN_IN_MINUTES = 10;

/** Where every organization's provider sends its people back (registered at the provider as the redirect URI). */
export const SSO_CALLBACK_PATH = '/console/sso/callback';

/** The HKDF purpose of sealed OpenID client secrets. */
const SECRET_PURPOSE = 'oidc-client-secret';

/** An organization's single sign-on as the API and the console show it: never the client secret. */
export interface SsoConfigView {
  issuer: string;
  clientId: string;
  clientSecretSet: true;
  allowedDomains: string[];
  scope: string;
  adminClaim: string | null;
  adminClaimValue: string | null;
  magicLinkFallback: boolean;
  redirectUri: string;
  updatedAt: string;
}

/** Why a sign-in through a provider did not open a session; the console says each in words. */
export type SsoRefusal =
  | 'not_started'
  | 'bad_state'
  | 'used'
  | 'provider_error'
  | 'code_rejected'
  | 'wrong_audience'
  | 'invalid_token'
  | 'provider_unreachable'
  | 'not_configured'
  | 'unverified_email'
  | 'domain_not_allowed'
  | 'not_admin'
  | 'unknown_admin';

/** A sign-in that was refused, with why (and the provider's own error code, when it sent one). */
export class SsoRefused extends Error {
  constructor(
    readonly reason: SsoRefusal,
    readonly providerError?: string,
  ) {
    super(`single sign-on refused: ${reason}`);
  }
}

const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** Why an issuer URL is refused, in words, or undefined. Loopback and private networks only when the install allows. */
export function issuerUrlProblem(text: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute URL such as https://login.example.com';
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) return 'must start with https://';
  if (url.username || url.password || url.search || url.hash)
    return 'must be the issuer URL alone: no user name, password, ?query or #fragment';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (
    !allowPrivate &&
    (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host)))
  ) {
    return 'must be a public address: loopback and private networks are refused';
  }
  return undefined;
}

/** The body of PUT /api/v1/sso and the console's form; the issuer rule depends on the install (OIDC_ALLOW_PRIVATE_ISSUERS). */
export function ssoSettingsSchema(allowPrivate: boolean) {
  const text = (max: number) => z.string().trim().min(1).max(max);
  return z
    .object({
      issuer: text(500).superRefine((value, ctx) => {
        const problem = issuerUrlProblem(value, allowPrivate);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
      clientId: text(200),
      clientSecret: text(1000).optional(),
      allowedDomains: z
        .array(z.string().trim().toLowerCase().regex(DOMAIN, 'must be a domain name such as example.com'))
        .min(1)
        .max(20),
      scope: z
        .string()
        .trim()
        .max(300)
        .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must be scope names separated by spaces')
        .refine((value) => value.split(' ').includes('openid'), 'must include openid')
        .default('openid email profile'),
      adminClaim: z
        .string()
        .trim()
        .max(100)
        .regex(/^[A-Za-z0-9_:.\-/]+$/, 'must be a claim name such as groups')
        .nullable()
        .optional(),
      adminClaimValue: z.string().trim().min(1).max(200).nullable().optional(),
      magicLinkFallback: z.boolean().default(true),
    })
    .strict()
    .superRefine((value, ctx) => {
      if (value.adminClaim && !value.adminClaimValue)
        ctx.addIssue({ code: 'custom', path: ['adminClaimValue'], message: 'is required when an admin claim is set' });
      if (!value.adminClaim && value.adminClaimValue)
        ctx.addIssue({ code: 'custom', path: ['adminClaim'], message: 'is required when an admin claim value is set' });
    });
}

interface SsoRow {
  organization_id: string;
  issuer: string;
  client_id: string;
  client_secret_encrypted: string;
  allowed_domains: string[];
  scope: string;
  admin_claim: string | null;
  admin_claim_value: string | null;
  magic_link_fallback: boolean;
  updated_at: Date;
}

const SSO_SELECT = `select organization_id, issuer, client_id, client_secret_encrypted, allowed_domains, scope, admin_claim, admin_claim_value, magic_link_fallback, updated_at from organization_sso`;

/** Takes the domain lock: two organizations never claim one email domain. */
const DOMAIN_LOCK = `select pg_advisory_xact_lock(hashtextextended('tandem.sso-domains', 0))`;

/** openid-client is ESM only: loaded on first use (require(esm) in the built app, transpiled by jest in tests). */
let openIdModule: Promise<typeof OpenId> | undefined;
const openId = (): Promise<typeof OpenId> => (openIdModule ??= import('openid-client'));

/** Every claim named in a chain of errors' causes (`aud`, `nonce`, …). */
function claimOf(err: unknown): string | undefined {
  for (
    let e = err as { cause?: unknown; claim?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (typeof e.claim === 'string') return e.claim;
  }
  return undefined;
}

/** Whether a claim's value (text, or a list of texts) holds the expected value. */
function claimHolds(value: unknown, expected: string): boolean {
  if (Array.isArray(value)) return value.some((v) => String(v) === expected);
  return value !== undefined && value !== null && String(value) === expected;
}

/**
 * Console sign-in through an organization's OpenID Connect provider: the authorization code flow with PKCE (S256),
 * `state` and `nonce` (openid-client does the protocol and every check of the ID token). A sign-in is a row of
 * `sso_sign_in` whose id the browser keeps in a signed cookie; its state, nonce and code verifier are HMACs of that id,
 * and the callback uses the row once, so a replayed callback opens nothing. Who may sign in: a verified email of an
 * allowed domain and, when an admin claim is set, that claim holding its value (the admin is then added on first
 * sign-in); without an admin claim, only admins invited before. Every outcome is audited with ids and a reason only.
 */
@Injectable()
export class SsoService {
  private readonly logger = new Logger('Sso');
  private readonly schema: ReturnType<typeof ssoSettingsSchema>;
  private readonly signer: Signer;
  /** Discovered providers by organization, while their settings are unchanged (ten minutes at most). */
  private readonly discovered = new Map<string, { key: string; at: number; config: OpenId.Configuration }>();

  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {
    this.schema = ssoSettingsSchema(config.oidcAllowPrivateIssuers);
    this.signer = new Signer(config.appSecret);
  }

  /** The redirect URI to register at the provider. */
  get redirectUri(): string {
    return `${this.config.publicUrl}${SSO_CALLBACK_PATH}`;
  }

  /** The organization's settings, or undefined when it has none. */
  async get(organizationId: string): Promise<SsoConfigView | undefined> {
    const [row] = await rawQuery<SsoRow>(this.em.fork(), `${SSO_SELECT} where organization_id = ?`, [organizationId]);
    return row ? this.view(row) : undefined;
  }

  /**
   * Creates or replaces the organization's settings. The client secret is write-only: required the first time, kept
   * when left out afterwards. The provider's discovery document is read before anything is stored, so settings that
   * cannot work are refused with the reason.
   */
  async save(actor: Actor, input: unknown): Promise<SsoConfigView> {
    const command = parseCommand(this.schema, input);
    const em = this.em.fork();
    const [current] = await rawQuery<SsoRow>(em, `${SSO_SELECT} where organization_id = ?`, [actor.organizationId]);
    if (!current && !command.clientSecret)
      throw new ValidationError('the request is invalid: clientSecret is required', [
        { field: 'clientSecret', message: 'is required' },
      ]);
    const secret = command.clientSecret ?? this.storedSecret(current!);
    if (secret === undefined) {
      throw new ValidationError('the request is invalid: clientSecret', [
        {
          field: 'clientSecret',
          message: 'the stored secret cannot be read any more (APP_SECRET changed): enter it again',
        },
      ]);
    }
    const domains = [...new Set(command.allowedDomains)];
    try {
      await this.discover(command.issuer, command.clientId, secret);
    } catch (err) {
      this.logger.warn(
        `organization ${actor.organizationId}: the issuer's discovery failed (${(err as { code?: string }).code ?? (err as Error).name})`,
      );
      throw new ValidationError('the issuer could not be used', [
        {
          field: 'issuer',
          message:
            'its discovery document (/.well-known/openid-configuration) could not be read, or names another issuer',
        },
      ]);
    }
    const saved = await em.transactional(async (tem) => {
      await rawQuery(tem, DOMAIN_LOCK);
      const taken = await rawQuery<{ domain: string }>(
        tem,
        `select distinct d as domain from organization_sso, unnest(allowed_domains) d where organization_id <> ? and d = any(?::text[])`,
        [actor.organizationId, domains],
      );
      if (taken.length > 0) {
        throw new ValidationError('the request is invalid: allowedDomains', [
          {
            field: 'allowedDomains',
            message: `${taken.map((t) => t.domain).join(', ')} signs in to another organization already`,
          },
        ]);
      }
      const [row] = await rawQuery<SsoRow>(
        tem,
        `insert into organization_sso (organization_id, issuer, client_id, client_secret_encrypted, allowed_domains, scope, admin_claim, admin_claim_value, magic_link_fallback)
         values (?, ?, ?, ?, ?::text[], ?, ?, ?, ?)
         on conflict (organization_id) do update set issuer = excluded.issuer, client_id = excluded.client_id, client_secret_encrypted = excluded.client_secret_encrypted,
           allowed_domains = excluded.allowed_domains, scope = excluded.scope, admin_claim = excluded.admin_claim, admin_claim_value = excluded.admin_claim_value,
           magic_link_fallback = excluded.magic_link_fallback, updated_at = clock_timestamp()
         returning organization_id, issuer, client_id, client_secret_encrypted, allowed_domains, scope, admin_claim, admin_claim_value, magic_link_fallback, updated_at`,
        [
          actor.organizationId,
          command.issuer,
          command.clientId,
          command.clientSecret
            ? sealSecret(this.config.appSecret, SECRET_PURPOSE, command.clientSecret)
            : current!.client_secret_encrypted,
          domains,
          command.scope,
          command.adminClaim || null,
          command.adminClaim ? command.adminClaimValue : null,
          command.magicLinkFallback,
        ],
      );
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: current ? 'sso.updated' : 'sso.configured',
        subjectType: 'organization',
        subjectId: actor.organizationId,
        data: {
          secretChanged: Boolean(command.clientSecret),
          magicLinkFallback: command.magicLinkFallback,
          adminClaim: Boolean(command.adminClaim),
          domains: domains.length,
        },
      });
      await tem.flush();
      return row;
    });
    this.discovered.delete(actor.organizationId);
    return this.view(saved);
  }

  /** Removes the organization's single sign-on (emailed links work again for its admins). */
  async remove(actor: Actor): Promise<void> {
    const em = this.em.fork();
    await em.transactional(async (tem) => {
      const removed = await rawQuery(
        tem,
        `delete from organization_sso where organization_id = ? returning organization_id`,
        [actor.organizationId],
      );
      if (removed.length === 0) throw new NotFoundError('single sign-on settings');
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'sso.removed',
        subjectType: 'organization',
        subjectId: actor.organizationId,
      });
      await tem.flush();
    });
    this.discovered.delete(actor.organizationId);
  }

  /** Whether any organization of the install signs in with single sign-on (the sign-in page offers it then). */
  async anyConfigured(): Promise<boolean> {
    const [row] = await rawQuery<{ any: boolean }>(
      this.em.fork(),
      `select exists (select 1 from organization_sso) as any`,
    );
    return row.any;
  }

  /** The organization that signs in people of this email's domain, if any (for the sign-in pages). */
  async forEmail(
    input: unknown,
  ): Promise<
    { organizationId: string; organizationName: string; domain: string; magicLinkFallback: boolean } | undefined
  > {
    const email = adminEmail(input);
    const domain = email.slice(email.lastIndexOf('@') + 1);
    const [row] = await rawQuery<{ organization_id: string; name: string; magic_link_fallback: boolean }>(
      this.em.fork(),
      `select s.organization_id, o.name, s.magic_link_fallback from organization_sso s join organization o on o.id = s.organization_id where ? = any(s.allowed_domains)`,
      [domain],
    );
    return (
      row && {
        organizationId: row.organization_id,
        organizationName: row.name,
        domain,
        magicLinkFallback: row.magic_link_fallback,
      }
    );
  }

  /**
   * Starts a sign-in for the organization of this email's domain: answers the sign-in's id (for the signed cookie) and
   * the provider's authorization URL, or undefined when no organization signs in that domain this way.
   */
  async start(input: unknown): Promise<{ signInId: string; url: string } | undefined> {
    const email = adminEmail(input);
    const found = await this.forEmail(email);
    if (!found) return undefined;
    const em = this.em.fork();
    const [row] = await rawQuery<SsoRow>(em, `${SSO_SELECT} where organization_id = ?`, [found.organizationId]);
    if (!row) return undefined;
    const client = await openId();
    const provider = await this.providerOf(row);
    const now = this.clock.now();
    const signInId = newId();
    await rawQuery(em, `delete from sso_sign_in where organization_id = ? and expires_at <= ?`, [
      row.organization_id,
      now,
    ]);
    await rawQuery(em, `insert into sso_sign_in (id, organization_id, expires_at) values (?, ?, ?)`, [
      signInId,
      row.organization_id,
      new Date(now.getTime() + SSO_SIGN_IN_MINUTES * 60_000),
    ]);
    const checks = this.checksOf(signInId);
    const url = client.buildAuthorizationUrl(provider, {
      redirect_uri: this.redirectUri,
      scope: row.scope,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
      login_hint: email,
    });
    return { signInId, url: url.href };
  }

  /**
   * Finishes a sign-in from the provider's callback: `signInId` from the browser's signed cookie, `query` the callback's
   * query string. Answers the new console session's token; throws SsoRefused with the reason otherwise.
   */
  async finish(signInId: string | undefined, query: string): Promise<{ sessionToken: string; organizationId: string }> {
    if (!signInId || !isUuid(signInId)) throw new SsoRefused('not_started');
    const params = new URLSearchParams(query);
    const checks = this.checksOf(signInId);
    const state = params.get('state');
    if (!state || !this.signer.verify('sso-state', signInId, state)) throw new SsoRefused('bad_state');
    const now = this.clock.now();
    const [used] = await rawQuery<{ organization_id: string }>(
      this.em.fork(),
      `update sso_sign_in set used_at = ? where id = ? and used_at is null and expires_at > ? returning organization_id`,
      [now, signInId, now],
    );
    if (!used) throw new SsoRefused('used');
    const organizationId = used.organization_id;
    try {
      return { sessionToken: await this.complete(organizationId, signInId, params, checks), organizationId };
    } catch (err) {
      if (!(err instanceof SsoRefused)) throw err;
      const em = this.em.fork();
      em.create(AuditEvent, {
        organization: organizationId,
        actor: 'sso',
        action: 'admin.sso_refused',
        subjectType: 'sso_sign_in',
        subjectId: signInId,
        data: { reason: err.reason },
      });
      await em.flush();
      throw err;
    }
  }

  /** The code exchange, the checks of the ID token and the admin rules; a session when they all hold. */
  private async complete(
    organizationId: string,
    signInId: string,
    params: URLSearchParams,
    checks: { state: string; nonce: string; codeVerifier: string },
  ): Promise<string> {
    const [row] = await rawQuery<SsoRow>(this.em.fork(), `${SSO_SELECT} where organization_id = ?`, [organizationId]);
    if (!row) throw new SsoRefused('not_configured');
    const providerError = params.get('error');
    if (providerError) throw new SsoRefused('provider_error', providerError.slice(0, 100));
    const client = await openId();
    const provider = await this.providerOf(row);
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(
        provider,
        new URL(`${this.redirectUri}?${params.toString()}`),
        {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        },
      );
      const idClaims = tokens.claims()!;
      const info = provider.serverMetadata().userinfo_endpoint
        ? await client.fetchUserInfo(provider, tokens.access_token, idClaims.sub)
        : {};
      claims = { ...info, ...idClaims };
    } catch (err) {
      throw this.refusalOf(organizationId, err);
    }
    if (claims.email_verified !== true || typeof claims.email !== 'string') throw new SsoRefused('unverified_email');
    let email: string;
    try {
      email = adminEmail(claims.email);
    } catch {
      throw new SsoRefused('unverified_email');
    }
    if (!row.allowed_domains.includes(email.slice(email.lastIndexOf('@') + 1)))
      throw new SsoRefused('domain_not_allowed');
    if (row.admin_claim && !claimHolds(claims[row.admin_claim], row.admin_claim_value!))
      throw new SsoRefused('not_admin');
    const now = this.clock.now();
    return this.em.fork().transactional(async (tem) => {
      let [admin] = await rawQuery<{ id: string }>(
        tem,
        `select id from admin_user where organization_id = ? and email = ?`,
        [organizationId, email],
      );
      if (!admin) {
        if (!row.admin_claim) throw new SsoRefused('unknown_admin');
        [admin] = await rawQuery<{ id: string }>(
          tem,
          `insert into admin_user (id, organization_id, email) values (?, ?, ?) on conflict (organization_id, email) do update set email = excluded.email returning id`,
          [newId(), organizationId, email],
        );
        tem.create(AuditEvent, {
          organization: organizationId,
          actor: 'sso',
          action: 'admin.invited',
          subjectType: 'admin',
          subjectId: admin.id,
          data: { via: 'sso', signIn: signInId },
        });
      }
      return openSession(tem, admin.id, organizationId, now, 'sso');
    });
  }

  /** What a failed code exchange or token check means, in the terms of SsoRefusal. */
  private refusalOf(organizationId: string, err: unknown): SsoRefused {
    const e = err as { code?: string; error?: string; name?: string };
    this.logger.warn(
      `organization ${organizationId}: the sign-in was refused (${e.code ?? e.name}${e.error ? ` ${e.error}` : ''}${claimOf(err) ? ` claim ${claimOf(err)}` : ''})`,
    );
    if (e.code === 'OAUTH_RESPONSE_BODY_ERROR' && e.error === 'invalid_grant') return new SsoRefused('code_rejected');
    if (e.code === 'OAUTH_RESPONSE_BODY_ERROR' || e.code === 'OAUTH_AUTHORIZATION_RESPONSE_ERROR')
      return new SsoRefused('provider_error', e.error?.slice(0, 100));
    if (claimOf(err) === 'aud' || claimOf(err) === 'azp') return new SsoRefused('wrong_audience');
    if (e.name === 'TypeError' || (err instanceof Error && /fetch failed|ECONNREFUSED|timed? ?out/i.test(err.message)))
      return new SsoRefused('provider_unreachable');
    return new SsoRefused('invalid_token');
  }

  /** The state, nonce and PKCE code verifier of a sign-in: HMACs of its id, so none is stored. */
  private checksOf(signInId: string) {
    return {
      state: this.signer.mac('sso-state', signInId),
      nonce: this.signer.mac('sso-nonce', signInId),
      codeVerifier: this.signer.mac('sso-pkce', signInId),
    };
  }

  /** The stored client secret in clear, or undefined when it was sealed under another APP_SECRET. */
  private storedSecret(row: SsoRow): string | undefined {
    try {
      return openSecret(this.config.appSecret, SECRET_PURPOSE, row.client_secret_encrypted);
    } catch {
      return undefined;
    }
  }

  /** The organization's provider, discovered (and kept ten minutes); SsoRefused when it cannot be used now. */
  private async providerOf(row: SsoRow): Promise<OpenId.Configuration> {
    const key = `${row.issuer}|${row.client_id}|${new Date(row.updated_at).getTime()}`;
    const cached = this.discovered.get(row.organization_id);
    if (cached && cached.key === key && Date.now() - cached.at < 600_000) return cached.config;
    const secret = this.storedSecret(row);
    if (secret === undefined) {
      this.logger.warn(
        `organization ${row.organization_id}: the client secret cannot be read (APP_SECRET changed?): enter it again`,
      );
      throw new SsoRefused('not_configured');
    }
    try {
      const config = await this.discover(row.issuer, row.client_id, secret);
      this.discovered.set(row.organization_id, { key, at: Date.now(), config });
      return config;
    } catch (err) {
      this.logger.warn(
        `organization ${row.organization_id}: the provider could not be reached (${(err as { code?: string }).code ?? (err as Error).name})`,
      );
      throw new SsoRefused('provider_unreachable');
    }
  }

  /**
   * Reads the provider's discovery document (openid-client checks that it names this issuer). Unless the install allows
   * private issuers, every request to the provider goes through guardedFetch: https to public addresses only.
   */
  private async discover(issuer: string, clientId: string, clientSecret: string): Promise<OpenId.Configuration> {
    const client = await openId();
    const options = this.config.oidcAllowPrivateIssuers
      ? { timeout: 10, ...(issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : {}) }
      : { timeout: 10, [client.customFetch]: guardedFetch(10_000) };
    return client.discovery(new URL(issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), options);
  }

  private view(row: SsoRow): SsoConfigView {
    return {
      issuer: row.issuer,
      clientId: row.client_id,
      clientSecretSet: true,
      allowedDomains: row.allowed_domains,
      scope: row.scope,
      adminClaim: row.admin_claim,
      adminClaimValue: row.admin_claim_value,
      magicLinkFallback: row.magic_link_fallback,
      redirectUri: this.redirectUri,
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }
}
