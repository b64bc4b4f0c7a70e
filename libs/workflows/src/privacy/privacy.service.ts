import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditEvent, ConflictError, isUuid, NotFoundError, rawQuery, ValidationError } from '@tandem/domain';
import { firstName, SUPPORTED_LOCALES, t } from '@tandem/mail';
import { OffersService } from '../pairing/offers.service';
import type { Actor } from '../programs/programs.service';
import { parseCommand } from '../validation';
import { z } from 'zod';

/** A text as a literal in a POSIX regular expression. */
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The name an erased person keeps, so other people's pairings still read as a sentence. */
export const ERASED_NAME = 'Erased person';

/** A unique address nobody can receive mail at (RFC 2606 `.invalid`), derived from the id alone. */
export const erasedEmail = (personId: string) => `erased-${personId}@erased.invalid`;

/** The body of an erase: the person's email, repeated to confirm. */
export const eraseSchema = z.object({
  confirm: z
    .string({ error: 'must repeat the person’s email' })
    .trim()
    .min(1, { error: 'must repeat the person’s email' })
    .max(254)
    .describe('the email of the person to erase'),
});

/** What an erase changed (counts only: the answer and the audit entry hold no personal data). */
export interface EraseOutcome {
  personId: string;
  alreadyErased: boolean;
  enrollments: number;
  feedbackDeleted: number;
  surveysDeleted: number;
  emailsScrubbed: number;
  offersWithdrawn: number;
}

/** An audit filter, validated. */
export interface AuditQuery {
  subjectType?: string;
  action?: string;
  actor?: string;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

export interface AuditRow {
  id: string;
  createdAt: Date;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  data: Record<string, unknown> | null;
}

const PERSON_OF_ENROLLMENT = `select e.person_id as "personId" from enrollment e join program p on p.id = e.program_id where e.id = ? and p.organization_id = ?`;

/** The person's pairings (either side), with the side they are on. */
const PAIRINGS_SQL = `select pr.id, pg.name as "programName", case when ce.person_id = ? then 'coach' else 'coachee' end as "as",
         case when ce.person_id = ? then ep.name else cp.name end as "otherPersonName",
         pr.status::text as status, pr.score, pr.pinned, pr.created_at as "createdAt", pr.activated_at as "activatedAt", pr.ended_at as "endedAt",
         pr.at_risk_reason as "atRiskReason", pr.at_risk_at as "atRiskAt"
    from pairing pr join program pg on pg.id = pr.program_id
    join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
    join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
   where pr.organization_id = ? and (ce.person_id = ? or ee.person_id = ?)
   order by pr.created_at, pr.id`;

/** The feedback rows the person answers themself: the coach's on their coachings, the coachee's on theirs. */
const OWN_FEEDBACK_WHERE = `f.session_id in (select s.id from coaching_session s join pairing pr on pr.id = s.pairing_id
      join enrollment ce on ce.id = pr.coach_id join enrollment ee on ee.id = pr.coachee_id
     where pr.organization_id = ? and ((f.role = 'coach' and ce.person_id = ?) or (f.role = 'coachee' and ee.person_id = ?)))`;

const SURVEYS_WHERE = `cs.pairing_id in (select pr.id from pairing pr join enrollment ee on ee.id = pr.coachee_id where pr.organization_id = ? and ee.person_id = ?)`;

/**
 * Data-subject requests: everything Tandem holds about one person as JSON, and erasure (personal data removed or
 * anonymized; other people's history and the organization's aggregates kept). Also the audit trail's reader. Each
 * export and erase is audited with ids and counts only.
 */
@Injectable()
export class PrivacyService {
  constructor(
    private readonly em: EntityManager,
    private readonly offers: OffersService,
  ) {}

  /** The person an enrollment of the organization belongs to (the console's pages are by enrollment). */
  async personOfEnrollment(organizationId: string, enrollmentId: string): Promise<string> {
    if (!isUuid(enrollmentId)) throw new NotFoundError('enrollment', enrollmentId.slice(0, 64));
    const [row] = await rawQuery<{ personId: string }>(this.em.fork(), PERSON_OF_ENROLLMENT, [
      enrollmentId,
      organizationId,
    ]);
    if (!row) throw new NotFoundError('enrollment', enrollmentId);
    return row.personId;
  }

  /** The person's row, or 404 for an id that is not a person of the organization. */
  async person(organizationId: string, personId: string, em = this.em.fork(), lock = false) {
    if (!isUuid(personId)) throw new NotFoundError('person', personId.slice(0, 64));
    const [row] = await rawQuery<{ id: string; email: string; name: string }>(
      em,
      `select id, email, name, department, manager_email as "managerEmail", level, timezone, languages, locale, active,
              scim_external_id as "scimExternalId", scim_user_name as "scimUserName", scim_provisioned_at as "scimProvisionedAt", scim_deleted_at as "scimDeletedAt",
              created_at as "createdAt", updated_at as "updatedAt"
         from person where id = ? and organization_id = ?${lock ? ' for update' : ''}`,
      [personId, organizationId],
    );
    if (!row) throw new NotFoundError('person', personId);
    return row;
  }

  /** Everything held about the person, for them (their own answers included); audited as `person.exported`. */
  async export(actor: Actor, personId: string) {
    const em = this.em.fork();
    const org = actor.organizationId;
    const person = await this.person(org, personId, em);
    const enrollments = await rawQuery(
      em,
      `select e.id, e.program_id as "programId", pg.name as "programName", e.role::text as role, e.status::text as status, e.capacity, e.skills, e.goals, e.bio,
              e.preferred_day as "preferredDay", e.preferred_hour as "preferredHour", e.unmatched_reason as "unmatchedReason", e.created_at as "createdAt", e.updated_at as "updatedAt"
         from enrollment e join program pg on pg.id = e.program_id where e.person_id = ? and pg.organization_id = ? order by e.created_at, e.id`,
      [personId, org],
    );
    const pairings = await rawQuery<{ id: string; as: string } & Record<string, unknown>>(em, PAIRINGS_SQL, [
      personId,
      personId,
      org,
      personId,
      personId,
    ]);
    const ids = pairings.map((p) => p.id);
    const sessions = ids.length
      ? await rawQuery<{ id: string; pairingId: string }>(
          em,
          `select id, pairing_id as "pairingId", index, starts_at as "startsAt", ends_at as "endsAt", status::text as status, sequence from coaching_session where pairing_id = any(?::uuid[]) order by starts_at, index`,
          [ids],
        )
      : [];
    const offers = ids.length
      ? await rawQuery<{ id: string; pairingId: string; declineReason: string | null }>(
          em,
          `select id, pairing_id as "pairingId", decision::text as decision, decline_reason as "declineReason", decided_at as "decidedAt", expires_at as "expiresAt", created_at as "createdAt" from offer where pairing_id = any(?::uuid[])`,
          [ids],
        )
      : [];
    const feedback = await rawQuery<{ id: string }>(
      em,
      `select f.id, s.pairing_id as "pairingId", s.index as "sessionIndex", f.role::text as role, f.requested_at as "requestedAt", f.submitted_at as "submittedAt",
              f.session_rating as "sessionRating", f.progress, f.alliance_goals as "allianceGoals", f.alliance_tasks as "allianceTasks", f.alliance_bond as "allianceBond",
              f.fit::text as fit, f.attendance::text as attendance, f.note
         from feedback f join coaching_session s on s.id = f.session_id where ${OWN_FEEDBACK_WHERE} order by f.requested_at, f.id`,
      [org, personId, personId],
    );
    const surveys = await rawQuery<{ id: string }>(
      em,
      `select cs.id, cs.pairing_id as "pairingId", cs.intake, cs.levels, cs.requested_at as "requestedAt", cs.submitted_at as "submittedAt" from closing_survey cs where ${SURVEYS_WHERE} order by cs.requested_at`,
      [org, personId],
    );
    const learning = await rawQuery(
      em,
      `select skill, estimate, sd, certainty, answers, coachees, programs, updated_at as "updatedAt" from coach_learning where organization_id = ? and person_id = ? order by skill`,
      [org, personId],
    );
    // Events about the person: on them, their enrollments, pairings, offers, sessions, forms and surveys.
    const subjects = [
      personId,
      ...enrollments.map((e) => e.id as string),
      ...ids,
      ...offers.map((o) => o.id),
      ...sessions.map((x) => x.id),
      ...feedback.map((f) => f.id),
      ...surveys.map((x) => x.id),
    ];
    const audit = await rawQuery(
      em,
      `select id, created_at as "createdAt", actor, action, subject_type as "subjectType", subject_id as "subjectId", data from audit_event
        where organization_id = ? and subject_id = any(?::uuid[]) order by created_at, id`,
      [org, subjects],
    );
    const emails = await rawQuery(
      em,
      `select id, subject, status::text as status, created_at as "createdAt", sent_at as "sentAt", text from outbox_message where organization_id = ? and "to" = ? order by created_at, id`,
      [org, person.email],
    );
    // Their questionnaires (invitations by email; the token's hash is not theirs to see) and registration requests.
    const invitations = await rawQuery(
      em,
      `select i.id, i.program_id as "programId", i.role::text as role, i.name, i.source, i.answers, i.invited_at as "invitedAt", i.opened_at as "openedAt",
              i.reminders_sent + i.extra_reminders as reminders, i.submitted_at as "submittedAt"
         from invitation i join program pg on pg.id = i.program_id where pg.organization_id = ? and i.email = ? order by i.created_at, i.id`,
      [org, person.email],
    );
    const registrations = await rawQuery(
      em,
      `select q.id, q.program_id as "programId", q.created_at as "createdAt", q.confirmed_at as "confirmedAt"
         from registration_request q join program pg on pg.id = q.program_id where pg.organization_id = ? and q.email = ? order by q.created_at, q.id`,
      [org, person.email],
    );
    const offerOf = new Map(offers.map((o) => [o.pairingId, o]));
    const result = {
      exportedAt: new Date(),
      person,
      enrollments,
      pairings: pairings.map((p) => {
        const offer = offerOf.get(p.id);
        // The decline reason is the coach's own words: shown to the coach only.
        const shown = offer
          ? { ...offer, pairingId: undefined, declineReason: p.as === 'coach' ? offer.declineReason : undefined }
          : null;
        return {
          ...p,
          offer: shown,
          sessions: sessions.filter((x) => x.pairingId === p.id).map((x) => ({ ...x, pairingId: undefined })),
        };
      }),
      feedback,
      surveys,
      coachLearning: learning,
      invitations,
      registrations,
      auditEvents: audit,
      emails,
    };
    await em.fork().transactional(async (tem) => {
      tem.create(AuditEvent, {
        organization: org,
        actor: actor.actor,
        action: 'person.exported',
        subjectType: 'person',
        subjectId: personId,
      });
      await tem.flush();
    });
    return result;
  }

  /**
   * Erases a person: name and email replaced, their details, free texts, feedback answers, notes and closing surveys
   * removed, emails to them scrubbed, their enrollments taken out of the pool and their open offers withdrawn (the
   * coachee is re-matched as after any decline). Pairings, sessions and the other side's answers stay, so other
   * people's history and the reports keep their counts. `confirm` must repeat the person's email; erasing an erased
   * person changes nothing.
   */
  async erase(actor: Actor, personId: string, body: unknown): Promise<EraseOutcome> {
    const org = actor.organizationId;
    const current = await this.person(org, personId);
    const { confirm } = parseCommand(eraseSchema, body ?? {});
    const already = current.email === erasedEmail(personId);
    if (already)
      return {
        personId,
        alreadyErased: true,
        enrollments: 0,
        feedbackDeleted: 0,
        surveysDeleted: 0,
        emailsScrubbed: 0,
        offersWithdrawn: 0,
      };
    if (confirm.toLowerCase() !== current.email.toLowerCase()) {
      throw new ValidationError('confirm does not match the email of the person to erase', [
        { field: 'confirm', message: 'does not match the person’s email' },
      ]);
    }
    const outcome = await this.em.fork().transactional(async (tem) => {
      const person = await this.person(org, personId, tem, true);
      if (person.email === erasedEmail(personId)) return null;
      const [proposed] = await rawQuery<{ n: number }>(
        tem,
        `select count(*)::int as n from pairing pr join enrollment ce on ce.id = pr.coach_id join enrollment ee on ee.id = pr.coachee_id
          where pr.organization_id = ? and pr.status = 'proposed' and (ce.person_id = ? or ee.person_id = ?)`,
        [org, personId, personId],
      );
      if (proposed.n > 0) {
        throw new ConflictError(
          'proposed',
          'This person is in the proposals of a round that is not published yet. Remove their pair from the round (or publish it) first, then erase.',
        );
      }
      const open = await rawQuery<{ id: string }>(
        tem,
        `select o.id from offer o join pairing pr on pr.id = o.pairing_id join enrollment ce on ce.id = pr.coach_id join enrollment ee on ee.id = pr.coachee_id
          where pr.organization_id = ? and pr.status = 'offered' and o.decision is null and (ce.person_id = ? or ee.person_id = ?)`,
        [org, personId, personId],
      );
      const placeholder = erasedEmail(personId);
      // Other people's emails may name the person: the full name (as whole words) and the address are replaced there too.
      const namePattern = `\\m${escapeRegex(person.name.trim())}\\M`;
      const named = await rawQuery(
        tem,
        `update outbox_message set subject = replace(regexp_replace(subject, ?, ?, 'g'), ?, ?), text = replace(regexp_replace(text, ?, ?, 'g'), ?, ?), html = replace(regexp_replace(html, ?, ?, 'g'), ?, ?)
          where organization_id = ? and "to" <> ? and (text ~ ? or strpos(text, ?) > 0 or subject ~ ?) returning id`,
        [
          ...[0, 1, 2].flatMap(() => [namePattern, ERASED_NAME, person.email, placeholder]),
          org,
          person.email,
          namePattern,
          person.email,
          namePattern,
        ],
      );
      // Emails to the people they were paired with call them by first name and quote their goals and bio.
      const texts = await rawQuery<{ goals: string | null; bio: string | null }>(
        tem,
        `select goals, bio from enrollment where person_id = ?`,
        [personId],
      );
      const quoted = texts.flatMap((t) => [t.goals, t.bio]).filter((t): t is string => !!t && t.trim().length >= 3);
      const partners = await rawQuery<{ email: string }>(
        tem,
        `select distinct op.email from pairing pr join enrollment ce on ce.id = pr.coach_id join enrollment ee on ee.id = pr.coachee_id
           join enrollment oe on oe.id = case when ce.person_id = ? then pr.coachee_id else pr.coach_id end join person op on op.id = oe.person_id
          where pr.organization_id = ? and (ce.person_id = ? or ee.person_id = ?) and op.id <> ?`,
        [personId, org, personId, personId, personId],
      );
      const first = firstName(person.name);
      const firstPattern = `\\m${escapeRegex(first)}\\M`;
      let partnerMails = 0;
      if (partners.length > 0) {
        const scrub = (column: string) =>
          quoted.reduce(
            (sql) => `replace(${sql}, ?, '')`,
            first.length >= 2 ? `regexp_replace(${column}, ?, ?, 'g')` : column,
          );
        const scrubBindings = [...(first.length >= 2 ? [firstPattern, ERASED_NAME] : []), ...quoted];
        const touched = await rawQuery(
          tem,
          `update outbox_message set subject = ${scrub('subject')}, text = ${scrub('text')}, html = ${scrub('html')}
            where organization_id = ? and "to" = any(?::text[]) and (${first.length >= 2 ? `text ~ ? or subject ~ ?` : 'false'}${quoted.map(() => ' or strpos(text, ?) > 0').join('')}) returning id`,
          [
            ...scrubBindings,
            ...scrubBindings,
            ...scrubBindings,
            org,
            partners.map((p) => p.email),
            ...(first.length >= 2 ? [firstPattern, firstPattern] : []),
            ...quoted,
          ],
        );
        partnerMails = touched.length;
      }
      const emails = await rawQuery(
        tem,
        `update outbox_message set "to" = ?, subject = 'Erased message', text = '', html = null, ics = null,
                status = case when status = 'pending' then 'failed'::outbox_status else status end,
                last_error = case when status = 'pending' then 'the recipient was erased' else last_error end
          where organization_id = ? and "to" = ? returning id`,
        [placeholder, org, person.email],
      );
      const feedback = await rawQuery(tem, `delete from feedback f where ${OWN_FEEDBACK_WHERE} returning f.id`, [
        org,
        personId,
        personId,
      ]);
      const surveys = await rawQuery(tem, `delete from closing_survey cs where ${SURVEYS_WHERE} returning cs.id`, [
        org,
        personId,
      ]);
      // The decline reason is the coach's own text.
      await rawQuery(
        tem,
        `update offer set decline_reason = null where decline_reason is not null and pairing_id in (select pr.id from pairing pr join enrollment ce on ce.id = pr.coach_id where pr.organization_id = ? and ce.person_id = ?)`,
        [org, personId],
      );
      const enrollments = await rawQuery(
        tem,
        `update enrollment set goals = null, bio = null, unmatched_reason = null, preferred_day = null, preferred_hour = null,
                status = case when status = 'active' then 'withdrawn'::enrollment_status else status end, updated_at = now()
          where person_id = ? returning id`,
        [personId],
      );
      // Signed-in personal pages and sign-in links end with the person.
      await rawQuery(tem, `delete from participant_session where person_id = ?`, [personId]);
      await rawQuery(tem, `delete from participant_sign_in where person_id = ?`, [personId]);
      // The reason they gave for a different coach is their own words: it leaves the program team's emails.
      const reasonLine = `\n*(${SUPPORTED_LOCALES.map((l) => escapeRegex(t(l, 'ended.reason', { reason: '' }))).join('|')})[^\n]*`;
      await rawQuery(
        tem,
        `update outbox_message set text = regexp_replace(text, ?, '', 'g')
          where idempotency_key in (select 'pairing-ended:' || pr.id || ':admin' from pairing pr join enrollment ee on ee.id = pr.coachee_id
                                     where pr.organization_id = ? and ee.person_id = ?)`,
        [reasonLine, org, personId],
      );
      // Their questionnaires (name, address, answers) and open-registration requests go with them.
      for (const table of ['invitation', 'registration_request'])
        await rawQuery(
          tem,
          `delete from ${table} where email = ? and program_id in (select id from program where organization_id = ?)`,
          [person.email, org],
        );
      await rawQuery(
        tem,
        `update person set name = ?, email = ?, department = null, manager_email = null, level = null, timezone = 'UTC', languages = '{}', locale = null, scim_user_name = null, scim_external_id = null, updated_at = now() where id = ?`,
        [ERASED_NAME, placeholder, personId],
      );
      const counts = {
        enrollments: enrollments.length,
        feedbackDeleted: feedback.length,
        surveysDeleted: surveys.length,
        emailsScrubbed: emails.length + named.length + partnerMails,
      };
      tem.create(AuditEvent, {
        organization: org,
        actor: actor.actor,
        action: 'person.erased',
        subjectType: 'person',
        subjectId: personId,
        data: { ...counts, offersWithdrawn: open.length },
      });
      await tem.flush();
      return { ...counts, open: open.map((o) => o.id) };
    });
    if (!outcome)
      return {
        personId,
        alreadyErased: true,
        enrollments: 0,
        feedbackDeleted: 0,
        surveysDeleted: 0,
        emailsScrubbed: 0,
        offersWithdrawn: 0,
      };
    // Withdrawn through the offer's own decline (its audit, the coachee's re-match, the coach's freed place); the
    // erased person's enrollments are out of the pool already, so no re-match picks them again.
    const withdrawn = await this.offers.withdrawOpen(outcome.open, 'withdrawn: the person was erased');
    return {
      personId,
      alreadyErased: false,
      enrollments: outcome.enrollments,
      feedbackDeleted: outcome.feedbackDeleted,
      surveysDeleted: outcome.surveysDeleted,
      emailsScrubbed: outcome.emailsScrubbed,
      offersWithdrawn: withdrawn,
    };
  }

  /** The audit trail, newest first, filtered and paged. */
  async audit(
    organizationId: string,
    query: AuditQuery,
  ): Promise<{ items: AuditRow[]; total: number; limit: number; offset: number }> {
    const where = ['organization_id = ?'];
    const bindings: unknown[] = [organizationId];
    const filters: [string, unknown][] = [
      ['subject_type = ?', query.subjectType],
      ['action = ?', query.action],
      ['actor = ?', query.actor],
      ['created_at >= ?', query.since],
      ['created_at < ?', query.until],
    ];
    for (const [clause, value] of filters) {
      if (value === undefined) continue;
      where.push(clause);
      bindings.push(value);
    }
    const em = this.em.fork();
    const items = await rawQuery<AuditRow>(
      em,
      `select id, created_at as "createdAt", actor, action, subject_type as "subjectType", subject_id as "subjectId", data from audit_event
        where ${where.join(' and ')} order by created_at desc, id desc limit ? offset ?`,
      [...bindings, query.limit, query.offset],
    );
    const [{ n }] = await rawQuery<{ n: number }>(
      em,
      `select count(*)::int as n from audit_event where ${where.join(' and ')}`,
      bindings,
    );
    return { items, total: n, limit: query.limit, offset: query.offset };
  }
}

const TEXT_FILTER = /^[A-Za-z0-9_.:@-]{1,200}$/;

/** Reads the audit reader's query (strings from a URL), reporting every problem at once. */
export function parseAuditQuery(raw: Record<string, unknown>): AuditQuery {
  const problems: { field: string; message: string }[] = [];
  const text = (field: string) => {
    const v = raw[field];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string' || !TEXT_FILTER.test(v)) {
      problems.push({ field, message: 'must be up to 200 letters, digits or _ . : @ -' });
      return undefined;
    }
    return v;
  };
  const date = (field: string) => {
    const v = raw[field];
    if (v === undefined || v === '') return undefined;
    const d =
      typeof v === 'string' && /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)
        ? new Date(v.length === 10 ? `${v}T00:00:00Z` : v)
        : null;
    if (!d || Number.isNaN(d.getTime())) {
      problems.push({ field, message: 'must be a date (2026-12-01) or a date and time (2026-12-01T09:00:00Z)' });
      return undefined;
    }
    return d;
  };
  const int = (field: string, fallback: number, min: number, max: number) => {
    const v = raw[field];
    if (v === undefined || v === '') return fallback;
    if (typeof v !== 'string' || !/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
      problems.push({ field, message: `must be a whole number from ${min} to ${max}` });
      return fallback;
    }
    return Number(v);
  };
  const query: AuditQuery = {
    subjectType: text('subjectType'),
    action: text('action'),
    actor: text('actor'),
    since: date('since'),
    until: date('until'),
    limit: int('limit', 50, 1, 200),
    offset: int('offset', 0, 0, 1_000_000),
  };
  if (query.since && query.until && query.since >= query.until)
    problems.push({ field: 'until', message: 'must be after since' });
  if (problems.length)
    throw new ValidationError(
      `the audit filter is not valid: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      problems,
    );
  return query;
}
