import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  Clock,
  ConflictError,
  findByToken,
  hashSecret,
  linkToken,
  newId,
  rawQuery,
  ValidationError,
} from '@tandem/domain';
import { asLocale, type Locale, linkPlaceholder, registrationConfirmEmail, writeOutbox } from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import { sendAfterCommit } from '../after-commit';
import { CLOSES_AT, insertInvitations } from './invitations.service';

/** Confirmation emails one address may ask for per program (entering it again sends the link again, up to this). */
export const REGISTRATION_SENDS = 3;
/** How long a confirmation link works after it was last sent. */
export const REGISTRATION_LINK_DAYS = 7;
const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;

interface LinkRow {
  program_id: string;
  organization_id: string;
  program_name: string;
  open_registration: boolean;
  closes_at: Date | null;
  domains: string[];
  locale: string;
}

/** What the public registration page shows. */
export interface RegistrationView {
  programName: string;
  /** Whether the link takes addresses now (on, and registration not closed). */
  open: boolean;
  locale: Locale;
}

/** What the confirmation page shows. */
export interface RegistrationConfirmView {
  programName: string;
  email: string;
  locale: Locale;
}

const LINK_SELECT = `select r.program_id, prog.organization_id, prog.name as program_name, r.open_registration, ${CLOSES_AT} as closes_at,
       case when cardinality(r.allowed_domains) > 0 then r.allowed_domains
            else coalesce((select s.allowed_domains from organization_sso s where s.organization_id = prog.organization_id), '{}') end as domains,
       (select o.default_locale from organization o where o.id = prog.organization_id) as locale
  from program_registration r join program prog on prog.id = r.program_id`;

/**
 * Open registration: a program's public link (off by default) takes a work email of an allowed domain and sends it a
 * confirmation link; only a confirmed address gets a questionnaire (an invitation, source `registration`, coachee).
 * Every address gets the same answer (the caller adds the same timing), so the page tells nobody who is known.
 */
@Injectable()
export class RegistrationService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /** The public page of a link; changes nothing. */
  async view(token: string): Promise<RegistrationView> {
    const link = await this.findLink(this.em.fork(), token);
    return { programName: link.program_name, open: this.isOpen(link), locale: asLocale(link.locale) };
  }

  /**
   * An address entered on the public page: 422 when it is not an email address (a fact about the text, the same for
   * every address); otherwise the same answer whatever the address. Only an address of an allowed domain, not invited
   * to the program already and not one of its coaches, gets a confirmation link (at most REGISTRATION_SENDS per address).
   */
  async request(token: string, body: unknown): Promise<RegistrationView> {
    const raw = (body as { email?: unknown } | null)?.email;
    const email = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
    if (email.length > 254 || !EMAIL.test(email))
      throw new ValidationError('enter an email address', [{ field: 'email', message: 'must be an email address' }]);
    const em = this.em.fork();
    const link = await this.findLink(em, token);
    const view = { programName: link.program_name, open: this.isOpen(link), locale: asLocale(link.locale) };
    if (!view.open) return view;
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (!link.domains.includes(domain)) return view;
    const messageIds = await em.transactional(async (tem) => {
      const [invited] = await rawQuery<{ id: string }>(
        tem,
        `select id from invitation where program_id = ? and email = ?
          union all
         select e.id from enrollment e join person p on p.id = e.person_id
          where e.program_id = ? and p.email = ? and e.role = 'coach'`,
        [link.program_id, email, link.program_id, email],
      );
      // Invited already, or a coach of the program (registration enrolls coachees): nothing is sent, the same answer.
      if (invited) return [];
      const id = newId();
      const [request] = await rawQuery<{ id: string; sends: number }>(
        tem,
        `insert into registration_request (id, program_id, email, token_hash, sends, last_sent_at) values (?, ?, ?, ?, 1, ?)
         on conflict (program_id, email) do update set sends = registration_request.sends + 1, last_sent_at = excluded.last_sent_at
           where registration_request.sends < ? and registration_request.confirmed_at is null
         returning id, sends`,
        [
          id,
          link.program_id,
          email,
          hashSecret(linkToken(this.config.appSecret, 'registration-confirm', id)),
          this.clock.now(),
          REGISTRATION_SENDS,
        ],
      );
      if (!request) return [];
      return writeOutbox(tem, [
        {
          organizationId: link.organization_id,
          idempotencyKey: `registration:${request.id}:${request.sends}`,
          to: email,
          ...registrationConfirmEmail({
            programName: link.program_name,
            link: linkPlaceholder('registration-confirm', request.id),
            locale: view.locale,
          }),
        },
      ]);
    });
    await sendAfterCommit(this.producer, 'registration confirmation', messageIds);
    return view;
  }

  /** The confirmation page of an emailed link; changes nothing. */
  async confirmView(token: string): Promise<RegistrationConfirmView> {
    const row = await this.findRequest(this.em.fork(), token, false);
    return { programName: row.program_name, email: row.email, locale: asLocale(row.locale) };
  }

  /**
   * Confirms an address (POST): its invitation is made (once; a second press finds it) and the questionnaire's
   * invitation email is queued. Registration closed, the link turned off or the domain no longer allowed: 409.
   * Answers the invitation's id.
   */
  async confirm(token: string): Promise<string> {
    const now = this.clock.now();
    const result = await this.em.fork().transactional(async (tem) => {
      const row = await this.findRequest(tem, token, true);
      const domain = row.email.slice(row.email.lastIndexOf('@') + 1);
      const [existing] = await rawQuery<{ id: string }>(
        tem,
        `select id from invitation where program_id = ? and email = ?`,
        [row.program_id, row.email],
      );
      if (existing) return { invitationId: existing.id, created: false };
      if (!this.isOpen(row) || !row.domains.includes(domain))
        throw new ConflictError('registration_closed', 'this program does not take registrations now');
      await rawQuery(tem, `update registration_request set confirmed_at = ? where id = ?`, [now, row.id]);
      await insertInvitations(
        tem,
        this.config.appSecret,
        row.program_id,
        [{ role: 'coachee', name: '', email: row.email, locale: null, prefill: null }],
        'registration',
      );
      const [invitation] = await rawQuery<{ id: string }>(
        tem,
        `select id from invitation where program_id = ? and email = ?`,
        [row.program_id, row.email],
      );
      await rawQuery(
        tem,
        `insert into audit_event (id, organization_id, actor, action, subject_type, subject_id) values (?, ?, 'registration', 'registration.confirmed', 'invitation', ?)`,
        [newId(), row.organization_id, invitation.id],
      );
      return { invitationId: invitation.id, created: true };
    });
    if (result.created)
      await this.producer.afterCommit(`registration ${result.invitationId}`, async () => {
        const [row] = await rawQuery<{ program_id: string }>(
          this.em.fork(),
          `select program_id from invitation where id = ?`,
          [result.invitationId],
        );
        await this.producer.enqueue(JobName.IntakeSendInvitations, { programId: row.program_id, dueAt: now.getTime() });
      });
    return result.invitationId;
  }

  private isOpen(link: { open_registration: boolean; closes_at: Date | null }): boolean {
    return link.open_registration && !(link.closes_at && new Date(link.closes_at) <= this.clock.now());
  }

  private findLink(em: EntityManager, token: string): Promise<LinkRow> {
    return findByToken<LinkRow>(em, token, { what: 'registration', sql: `${LINK_SELECT} where r.link_token_hash = ?` });
  }

  private findRequest(
    em: EntityManager,
    token: string,
    lock: boolean,
  ): Promise<LinkRow & { id: string; email: string }> {
    return findByToken(em, token, {
      what: 'registration',
      // A link works for REGISTRATION_LINK_DAYS after it was last sent; an older one is the same 404 as none.
      sql: `select q.id, q.email, l.* from registration_request q join (${LINK_SELECT}) l on l.program_id = q.program_id
             where q.token_hash = ? and q.last_sent_at > ?::timestamptz - make_interval(days => ${REGISTRATION_LINK_DAYS})${lock ? ' for update of q' : ''}`,
      bindings: (hash) => [hash, this.clock.now()],
    });
  }
}
