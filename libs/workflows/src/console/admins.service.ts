import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  AuditEvent,
  Clock,
  hashSecret,
  isUuid,
  linkToken,
  newId,
  newSecret,
  NotFoundError,
  Organization,
  rawQuery,
  ValidationError,
} from '@tandem/domain';
import { linkPlaceholder, organizationLocale, signInEmail, writeOutbox } from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import { z } from 'zod';

/** How long an emailed sign-in link works, and a console session lasts. */
export const SIGN_IN_MINUTES = 15;
export const SESSION_HOURS = 12;

/** The admin behind a console session. */
export interface ConsoleAdmin {
  adminId: string;
  sessionId: string;
  organizationId: string;
  organizationName: string;
  email: string;
}

const SESSION_PREFIX = 'tcs';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const emailSchema = z.email().max(254);

/** Normalizes an admin email; throws a ValidationError for anything that is not one. */
export function adminEmail(input: unknown): string {
  const email = typeof input === 'string' ? input.trim().toLowerCase() : '';
  if (!emailSchema.safeParse(email).success)
    throw new ValidationError('enter a valid email address', [
      { field: 'email', message: 'enter a valid email address' },
    ]);
  return email;
}

/** Adds an admin to an organization (used by `cli admin:invite`); inviting the same email twice answers the same admin. */
export async function inviteAdmin(
  em: EntityManager,
  organizationId: string,
  input: string,
): Promise<{ adminId: string; email: string; created: boolean }> {
  const email = adminEmail(input);
  if (!isUuid(organizationId)) throw new NotFoundError('organization', organizationId.slice(0, 64));
  const fork = em.fork();
  if (!(await fork.findOne(Organization, { id: organizationId })))
    throw new NotFoundError('organization', organizationId);
  const [row] = await rawQuery<{ id: string; created: boolean }>(
    fork,
    `insert into admin_user (id, organization_id, email) values (?, ?, ?)
     on conflict (organization_id, email) do update set email = excluded.email
     returning id, (xmax = 0) as created`,
    [newId(), organizationId, email],
  );
  if (row.created) {
    fork.create(AuditEvent, {
      organization: organizationId,
      actor: 'cli',
      action: 'admin.invited',
      subjectType: 'admin',
      subjectId: row.id,
    });
    await fork.flush();
  }
  return { adminId: row.id, email, created: row.created };
}

/** Stores a new one-time sign-in for an admin (only the token's hash); answers its id and token. */
async function newSignIn(
  em: EntityManager,
  adminId: string,
  appSecret: string,
  now: Date,
): Promise<{ id: string; token: string }> {
  const id = newId();
  const token = linkToken(appSecret, 'signin', id);
  await rawQuery(em, `insert into admin_sign_in (id, admin_id, token_hash, expires_at) values (?, ?, ?, ?)`, [
    id,
    adminId,
    hashSecret(token),
    new Date(now.getTime() + SIGN_IN_MINUTES * 60_000),
  ]);
  return { id, token };
}

/**
 * Opens a console session for an admin (inside the caller's transaction) and audits how they signed in (`link` or
 * `sso`); answers the session token for the cookie. Only its hash is stored.
 */
export async function openSession(
  tem: EntityManager,
  adminId: string,
  organizationId: string,
  now: Date,
  method: 'link' | 'sso',
): Promise<string> {
  // Expired rows of this admin are of no use any more: tidy them while we are here.
  await rawQuery(tem, `delete from admin_session where admin_id = ? and expires_at <= ?`, [adminId, now]);
  await rawQuery(tem, `delete from admin_sign_in where admin_id = ? and expires_at <= ?`, [adminId, now]);
  const sessionToken = newSecret(SESSION_PREFIX);
  const sessionId = newId();
  await rawQuery(tem, `insert into admin_session (id, admin_id, token_hash, expires_at) values (?, ?, ?, ?)`, [
    sessionId,
    adminId,
    hashSecret(sessionToken),
    new Date(now.getTime() + SESSION_HOURS * 3600_000),
  ]);
  tem.create(AuditEvent, {
    organization: organizationId,
    actor: `admin:${adminId}`,
    action: 'admin.signed_in',
    subjectType: 'admin_session',
    subjectId: sessionId,
    data: { method },
  });
  await tem.flush();
  return sessionToken;
}

/**
 * A one-time sign-in link for an admin, for `cli admin:invite` to print (shown once, like a new API key): it lets the
 * first admin in when no mail is sent yet (SMTP_URL unset).
 */
export async function issueSignInLink(
  em: EntityManager,
  adminId: string,
  config: { appSecret: string; publicUrl: string },
): Promise<string> {
  const { token } = await newSignIn(em.fork(), adminId, config.appSecret, new Date());
  return `${config.publicUrl}/console/signin/${token}`;
}

/**
 * Console sign-in by emailed link and sessions. The link follows the offer-link rules: its token is
 * HMAC(APP_SECRET, `signin:<id>`), only the hash is stored and the outbox keeps a placeholder; it works once and
 * expires. A session cookie holds a random token whose SHA-256 hash is stored; signing out removes every session.
 */
@Injectable()
export class AdminsService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /**
   * Emails a sign-in link to every admin with this email (one per organization) whose organization has not switched
   * emailed links off (single sign-on only). An unknown email, or one of such an organization, sends nothing and
   * answers the same, so the form does not tell who is an admin.
   */
  async requestSignIn(input: unknown): Promise<void> {
    const email = adminEmail(input);
    const em = this.em.fork();
    const now = this.clock.now();
    const messageIds = await em.transactional(async (tem) => {
      const admins = await rawQuery<{ id: string; organization_id: string; email: string }>(
        tem,
        `select a.id, a.organization_id, a.email from admin_user a left join organization_sso s on s.organization_id = a.organization_id
          where a.email = ? and coalesce(s.magic_link_fallback, true) order by a.organization_id`,
        [email],
      );
      const ids: string[] = [];
      for (const admin of admins) {
        const { id } = await newSignIn(tem, admin.id, this.config.appSecret, now);
        const mail = signInEmail({
          link: linkPlaceholder('signin', id),
          minutes: SIGN_IN_MINUTES,
          locale: await organizationLocale(tem, admin.organization_id),
        });
        ids.push(
          ...(await writeOutbox(tem, [
            { ...mail, organizationId: admin.organization_id, idempotencyKey: `admin-signin:${id}`, to: admin.email },
          ])),
        );
      }
      return ids;
    });
    await this.producer.afterCommit(`${messageIds.length} sign-in email(s)`, () =>
      this.producer.enqueueMany(
        JobName.EmailSend,
        messageIds.map((messageId) => ({ messageId })),
      ),
    );
  }

  /** Whether a sign-in link can still be used (GET shows a button and uses nothing: mail scanners fetch links). */
  async signInUsable(token: string): Promise<boolean> {
    if (!TOKEN.test(token)) return false;
    const [row] = await rawQuery(
      this.em.fork(),
      `select id from admin_sign_in where token_hash = ? and used_at is null and expires_at > ?`,
      [hashSecret(token), this.clock.now()],
    );
    return row !== undefined;
  }

  /** Uses a sign-in link once and opens a session; answers the session token for the cookie, or undefined. */
  async signIn(token: string): Promise<string | undefined> {
    if (!TOKEN.test(token)) return undefined;
    const now = this.clock.now();
    return this.em.fork().transactional(async (tem) => {
      const [used] = await rawQuery<{ admin_id: string; organization_id: string }>(
        tem,
        `update admin_sign_in s set used_at = ? from admin_user a
          where s.token_hash = ? and s.used_at is null and s.expires_at > ? and a.id = s.admin_id
         returning s.admin_id, a.organization_id`,
        [now, hashSecret(token), now],
      );
      if (!used) return undefined;
      return openSession(tem, used.admin_id, used.organization_id, now, 'link');
    });
  }

  /** The admin of a live session, or undefined for an unknown, expired or signed-out one. */
  async authenticate(sessionToken: string | undefined): Promise<ConsoleAdmin | undefined> {
    if (!sessionToken || !sessionToken.startsWith(`${SESSION_PREFIX}_`) || sessionToken.length > 100) return undefined;
    const [row] = await rawQuery<{
      session_id: string;
      admin_id: string;
      organization_id: string;
      organization_name: string;
      email: string;
    }>(
      this.em.fork(),
      `select s.id as session_id, a.id as admin_id, a.organization_id, o.name as organization_name, a.email
         from admin_session s join admin_user a on a.id = s.admin_id join organization o on o.id = a.organization_id
        where s.token_hash = ? and s.expires_at > ?`,
      [hashSecret(sessionToken), this.clock.now()],
    );
    if (!row) return undefined;
    return {
      adminId: row.admin_id,
      sessionId: row.session_id,
      organizationId: row.organization_id,
      organizationName: row.organization_name,
      email: row.email,
    };
  }

  /** Signs the admin out everywhere: every session of theirs ends now. */
  async signOutEverywhere(admin: ConsoleAdmin): Promise<number> {
    const em = this.em.fork();
    const ended = await rawQuery(em, `delete from admin_session where admin_id = ? returning id`, [admin.adminId]);
    em.create(AuditEvent, {
      organization: admin.organizationId,
      actor: `admin:${admin.adminId}`,
      action: 'admin.signed_out',
      subjectType: 'admin',
      subjectId: admin.adminId,
      data: { sessions: ended.length },
    });
    await em.flush();
    return ended.length;
  }
}
