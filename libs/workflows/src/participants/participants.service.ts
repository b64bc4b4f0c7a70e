import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  AuditEvent,
  Clock,
  hashSecret,
  isLinkToken,
  isUuid,
  linkToken,
  newId,
  newSecret,
  NotFoundError,
  rawQuery,
  ValidationError,
} from '@tandem/domain';
import { asLocale, linkPlaceholder, type Locale, personLocaleSql, signInEmail, writeOutbox } from '@tandem/mail';
import { JobProducer } from '@tandem/queues';
import { commitThenSend } from '../after-commit';
import { calendarFile, organizerFrom, sessionEvent, type SessionEventSource } from '../cadence/ics';
import { adminEmail } from '../console/admins.service';
import { PeopleAdminService } from '../console/people-admin.service';
import { RiskService } from '../risk/risk.service';

/** How long an emailed sign-in link to the personal page works, and how long its session lasts. */
export const PERSONAL_SIGN_IN_MINUTES = 30;
export const PERSONAL_SESSION_HOURS = 12;
/** The longest reason a coachee may give for asking for a different coach. */
export const REMATCH_REASON_MAX = 1000;

const SESSION_PREFIX = 'tps';

/** The person behind a personal-page session. */
export interface Participant {
  personId: string;
  sessionId: string;
  organizationId: string;
  name: string;
  email: string;
  timezone: string;
  locale: Locale;
}

/** One session of a pairing as the personal page lists it. */
export interface PersonalSession {
  id: string;
  index: number;
  startsAt: Date;
  endsAt: Date;
  status: 'scheduled' | 'held' | 'missed' | 'cancelled';
  /** Scheduled and not over yet. */
  upcoming: boolean;
  /** The session's own page (move or cancel), for a scheduled session still ahead. */
  changeLink: string | null;
}

/** A pairing of one of the person's enrollments, seen from their side. */
export interface PersonalPairing {
  id: string;
  status: 'offered' | 'active' | 'completed' | 'ended';
  since: Date | null;
  endedAt: Date | null;
  /**
   * The other person: only what a profile shows (no email, no answers). Null for a coachee whose offer the coach has
   * not answered yet: the coach's name is theirs to give once they accept.
   */
  other: { name: string; bio: string | null; languages: string[]; timezone: string } | null;
  /** A coach's link to answer an offer still open. */
  offerLink: string | null;
  sessions: PersonalSession[];
  /** Feedback forms of the person's that are still open, each its own page. */
  openFeedback: { sessionIndex: number; startsAt: Date; link: string }[];
}

/** One enrollment of the person with its pairings. */
export interface PersonalEnrollment {
  id: string;
  programId: string;
  programName: string;
  role: 'coach' | 'coachee';
  status: 'active' | 'withdrawn' | 'alumni';
  personActive: boolean;
  /** The questionnaire the enrollment was made from, if any: when it was answered and its page (answers shown, changeable until matched). */
  questionnaire: { answeredAt: Date | null; link: string } | null;
  pairings: PersonalPairing[];
}

/** Where a link of the personal page points (the same token pages as the emails' links). */
const PATHS = {
  offer: '/offers/',
  session: '/sessions/',
  feedback: '/feedback/',
  questionnaire: '/questionnaire/',
} as const;

/**
 * The participants' personal page: sign-in by emailed link (the console's rules: the token is HMAC(APP_SECRET,
 * `me-signin:<id>`), only its hash is stored, it works once and expires; the session cookie holds a random token whose
 * hash is stored), what the page shows, and the person's own actions, each through the workflow an admin's or an
 * emailed link's action goes through. Nothing here reads a feedback answer.
 */
@Injectable()
export class ParticipantsService {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    private readonly people: PeopleAdminService,
    private readonly risk: RiskService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /**
   * Emails a sign-in link to each person with this email who is in a program (one per organization). An unknown email
   * sends nothing and answers the same, so the form does not tell who takes part.
   */
  async requestSignIn(input: unknown): Promise<void> {
    // The console's rule for an email: trimmed, lower-case, a valid address (a ValidationError on `email` otherwise).
    const email = adminEmail(input);
    const now = this.clock.now();
    await commitThenSend(this.em, this.producer, 'personal sign-in email', async (tem) => {
      const people = await rawQuery<{ id: string; organization_id: string; email: string; locale: string }>(
        tem,
        `select p.id, p.organization_id, p.email, ${personLocaleSql('p')} as locale from person p
          where p.email = ? and p.active and p.scim_deleted_at is null
            and exists (select 1 from enrollment e where e.person_id = p.id)
          order by p.organization_id`,
        [email],
      );
      const messageIds: string[] = [];
      for (const person of people) {
        const id = newId();
        await rawQuery(
          tem,
          `insert into participant_sign_in (id, person_id, token_hash, expires_at) values (?, ?, ?, ?)`,
          [
            id,
            person.id,
            hashSecret(linkToken(this.config.appSecret, 'me-signin', id)),
            new Date(now.getTime() + PERSONAL_SIGN_IN_MINUTES * 60_000),
          ],
        );
        const mail = signInEmail({
          link: linkPlaceholder('me-signin', id),
          minutes: PERSONAL_SIGN_IN_MINUTES,
          locale: asLocale(person.locale),
          to: 'personal',
        });
        messageIds.push(
          ...(await writeOutbox(tem, [
            { ...mail, organizationId: person.organization_id, idempotencyKey: `me-signin:${id}`, to: person.email },
          ])),
        );
      }
      return { messageIds };
    });
  }

  /** Whether a sign-in link can still be used (GET shows a button and uses nothing: mail scanners fetch links). */
  async signInUsable(token: string): Promise<boolean> {
    if (!isLinkToken(token)) return false;
    const [row] = await rawQuery(
      this.em.fork(),
      `select id from participant_sign_in where token_hash = ? and used_at is null and expires_at > ?`,
      [hashSecret(token), this.clock.now()],
    );
    return row !== undefined;
  }

  /** Uses a sign-in link once and opens a session; answers the session token for the cookie, or undefined. */
  async signIn(token: string): Promise<string | undefined> {
    if (!isLinkToken(token)) return undefined;
    const now = this.clock.now();
    return this.em.fork().transactional(async (tem) => {
      const [used] = await rawQuery<{ person_id: string; organization_id: string }>(
        tem,
        `update participant_sign_in s set used_at = ? from person p
          where s.token_hash = ? and s.used_at is null and s.expires_at > ? and p.id = s.person_id and p.active
         returning s.person_id, p.organization_id`,
        [now, hashSecret(token), now],
      );
      if (!used) return undefined;
      // Expired rows of this person are of no use any more: tidy them while we are here.
      await rawQuery(tem, `delete from participant_session where person_id = ? and expires_at <= ?`, [
        used.person_id,
        now,
      ]);
      await rawQuery(tem, `delete from participant_sign_in where person_id = ? and expires_at <= ?`, [
        used.person_id,
        now,
      ]);
      const sessionToken = newSecret(SESSION_PREFIX);
      const sessionId = newId();
      await rawQuery(
        tem,
        `insert into participant_session (id, person_id, token_hash, expires_at) values (?, ?, ?, ?)`,
        [
          sessionId,
          used.person_id,
          hashSecret(sessionToken),
          new Date(now.getTime() + PERSONAL_SESSION_HOURS * 3600_000),
        ],
      );
      tem.create(AuditEvent, {
        organization: used.organization_id,
        actor: `person:${used.person_id}`,
        action: 'participant.signed_in',
        subjectType: 'participant_session',
        subjectId: sessionId,
      });
      await tem.flush();
      return sessionToken;
    });
  }

  /** The person of a live session, or undefined for an unknown, expired or signed-out one. */
  async authenticate(sessionToken: string | undefined): Promise<Participant | undefined> {
    if (!sessionToken || !sessionToken.startsWith(`${SESSION_PREFIX}_`) || sessionToken.length > 100) return undefined;
    const [row] = await rawQuery<{
      session_id: string;
      person_id: string;
      organization_id: string;
      name: string;
      email: string;
      timezone: string;
      locale: string;
    }>(
      this.em.fork(),
      `select s.id as session_id, p.id as person_id, p.organization_id, p.name, p.email, p.timezone, ${personLocaleSql('p')} as locale
         from participant_session s join person p on p.id = s.person_id
        where s.token_hash = ? and s.expires_at > ? and p.active`,
      [hashSecret(sessionToken), this.clock.now()],
    );
    if (!row) return undefined;
    return {
      personId: row.person_id,
      sessionId: row.session_id,
      organizationId: row.organization_id,
      name: row.name,
      email: row.email,
      timezone: row.timezone,
      locale: asLocale(row.locale),
    };
  }

  /** Ends this browser's session. */
  async signOut(participant: Participant): Promise<void> {
    await rawQuery(this.em.fork(), `delete from participant_session where id = ?`, [participant.sessionId]);
  }

  /**
   * Everything the personal page shows: each enrollment with its published pairings (a proposal is not shown before
   * the round is published; declined and expired offers are not shown to the coachee), the other person's profile, the
   * sessions and the feedback forms still open.
   */
  async overview(participant: Participant): Promise<PersonalEnrollment[]> {
    const em = this.em.fork();
    const now = this.clock.now();
    const enrollments = await rawQuery<{
      id: string;
      program_id: string;
      program_name: string;
      role: 'coach' | 'coachee';
      status: 'active' | 'withdrawn' | 'alumni';
      person_active: boolean;
    }>(
      em,
      `select e.id, e.program_id, prog.name as program_name, e.role::text as role, e.status::text as status, p.active as person_active
         from enrollment e join program prog on prog.id = e.program_id join person p on p.id = e.person_id
        where e.person_id = ? order by prog.created_at, prog.id, e.role`,
      [participant.personId],
    );
    if (enrollments.length === 0) return [];
    const pairings = await rawQuery<{
      id: string;
      status: PersonalPairing['status'];
      enrollment_id: string;
      my_role: 'coach' | 'coachee';
      activated_at: string | null;
      ended_at: string | null;
      other_name: string;
      other_bio: string | null;
      other_languages: string[];
      other_timezone: string;
      offer_id: string | null;
      offer_open: boolean;
    }>(
      em,
      `select pr.id, pr.status::text as status, me.id as enrollment_id, me.role::text as my_role, pr.activated_at, pr.ended_at,
              op.name as other_name, oe.bio as other_bio, op.languages as other_languages, op.timezone as other_timezone,
              o.id as offer_id, (o.id is not null and o.decision is null) as offer_open
         from enrollment me
         join pairing pr on (me.role = 'coach' and pr.coach_id = me.id) or (me.role = 'coachee' and pr.coachee_id = me.id)
         join enrollment oe on oe.id = case when me.role = 'coach' then pr.coachee_id else pr.coach_id end
         join person op on op.id = oe.person_id
         left join offer o on o.pairing_id = pr.id
        where me.person_id = ? and pr.status in ('offered', 'active', 'completed', 'ended')
        order by pr.created_at desc, pr.id`,
      [participant.personId],
    );
    const ids = pairings.map((p) => p.id);
    const sessions = ids.length
      ? await rawQuery<{
          id: string;
          pairing_id: string;
          index: number;
          starts_at: string;
          ends_at: string;
          status: string;
        }>(
          em,
          `select id, pairing_id, index, starts_at, ends_at, status::text as status from coaching_session
            where pairing_id = any(?::uuid[]) order by pairing_id, index`,
          [ids],
        )
      : [];
    const feedback = ids.length
      ? await rawQuery<{ id: string; pairing_id: string; index: number; starts_at: string; role: string }>(
          em,
          `select f.id, s.pairing_id, s.index, s.starts_at, f.role::text as role
             from feedback f join coaching_session s on s.id = f.session_id join pairing pr on pr.id = s.pairing_id
            where s.pairing_id = any(?::uuid[]) and f.submitted_at is null and pr.status = 'active'
            order by s.index`,
          [ids],
        )
      : [];
    const link = (path: string, kind: Parameters<typeof linkToken>[1], id: string) =>
      `${path}${linkToken(this.config.appSecret, kind, id)}`;
    const byEnrollment = new Map<string, PersonalPairing[]>();
    for (const p of pairings) {
      const mine = sessions.filter((s) => s.pairing_id === p.id);
      const pairing: PersonalPairing = {
        id: p.id,
        status: p.status,
        since: p.activated_at ? new Date(p.activated_at) : null,
        endedAt: p.ended_at ? new Date(p.ended_at) : null,
        other:
          p.my_role === 'coachee' && p.status === 'offered'
            ? null
            : { name: p.other_name, bio: p.other_bio, languages: p.other_languages ?? [], timezone: p.other_timezone },
        offerLink:
          p.my_role === 'coach' && p.status === 'offered' && p.offer_open && p.offer_id
            ? link(PATHS.offer, 'offer', p.offer_id)
            : null,
        sessions: mine.map((s) => {
          const startsAt = new Date(s.starts_at);
          return {
            id: s.id,
            index: s.index,
            startsAt,
            endsAt: new Date(s.ends_at),
            status: s.status as PersonalSession['status'],
            upcoming: s.status === 'scheduled' && new Date(s.ends_at) > now,
            changeLink:
              s.status === 'scheduled' && startsAt > now && p.status === 'active'
                ? link(PATHS.session, `session-${p.my_role}`, s.id)
                : null,
          };
        }),
        openFeedback: feedback
          .filter((f) => f.pairing_id === p.id && f.role === p.my_role)
          .map((f) => ({
            sessionIndex: f.index,
            startsAt: new Date(f.starts_at),
            link: link(PATHS.feedback, 'feedback', f.id),
          })),
      };
      byEnrollment.set(p.enrollment_id, [...(byEnrollment.get(p.enrollment_id) ?? []), pairing]);
    }
    const questionnaires = await rawQuery<{ id: string; enrollment_id: string; submitted_at: string | null }>(
      em,
      `select id, enrollment_id, submitted_at from invitation where enrollment_id = any(?::uuid[])`,
      [enrollments.map((e) => e.id)],
    );
    const questionnaireOf = new Map(questionnaires.map((q) => [q.enrollment_id, q]));
    return enrollments.map((e) => {
      const questionnaire = questionnaireOf.get(e.id);
      return {
        id: e.id,
        programId: e.program_id,
        programName: e.program_name,
        role: e.role,
        status: e.status,
        personActive: e.person_active,
        questionnaire: questionnaire
          ? {
              answeredAt: questionnaire.submitted_at ? new Date(questionnaire.submitted_at) : null,
              link: link(PATHS.questionnaire, 'questionnaire', questionnaire.id),
            }
          : null,
        pairings: byEnrollment.get(e.id) ?? [],
      };
    });
  }

  /** One session's calendar file (iCalendar), for a session of one of the person's pairings; any other is not found. */
  async calendar(participant: Participant, sessionId: string): Promise<string> {
    if (!isUuid(sessionId)) throw new NotFoundError('session', sessionId.slice(0, 64));
    // The driver hands timestamps back as text.
    const [row] = await rawQuery<
      Omit<SessionEventSource, 'starts_at' | 'ends_at'> & { starts_at: string; ends_at: string }
    >(
      this.em.fork(),
      `select s.id, s.index, s.sequence, s.starts_at, s.ends_at, s.status::text as session_status,
              (select count(*)::int from coaching_session c where c.pairing_id = s.pairing_id) as sessions,
              prog.name as program_name, cp.name as coach_name, cp.email as coach_email, ep.name as coachee_name, ep.email as coachee_email
         from coaching_session s join pairing pr on pr.id = s.pairing_id join program prog on prog.id = pr.program_id
         join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
         join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
        where s.id = ? and (cp.id = ? or ep.id = ?) and pr.status in ('active', 'completed', 'ended')`,
      [sessionId, participant.personId, participant.personId],
    );
    if (!row) throw new NotFoundError('session', sessionId);
    const event = sessionEvent(
      { ...row, starts_at: new Date(row.starts_at), ends_at: new Date(row.ends_at) },
      participant.locale,
    );
    return calendarFile([event], this.clock.now(), organizerFrom(this.config.mailFrom));
  }

  /** Takes the person out of a program's matching for now (refused while a pairing of theirs is offered or running). */
  async pause(participant: Participant, enrollmentId: string): Promise<string> {
    await this.people.pause(await this.own(participant, enrollmentId), enrollmentId);
    return this.programName(enrollmentId);
  }

  /** Puts a paused person back into the program's matching. */
  async resume(participant: Participant, enrollmentId: string): Promise<string> {
    await this.people.resume(await this.own(participant, enrollmentId), enrollmentId);
    return this.programName(enrollmentId);
  }

  /** The person leaves the program: out of matching, offers still open withdrawn, history kept (never refused). */
  async leave(participant: Participant, enrollmentId: string): Promise<string> {
    await this.people.withdraw(
      await this.own(participant, enrollmentId),
      enrollmentId,
      'The participant left the program.',
    );
    return this.programName(enrollmentId);
  }

  /**
   * The coachee asks for a different coach: their active pairing ends, its remaining sessions are cancelled, the coach
   * and the program team are told (the team with the reason, if one was given) and the coachee is re-matched.
   * Answers the former coach's name.
   */
  async askRematch(participant: Participant, pairingId: string, reasonInput: unknown): Promise<string> {
    if (!isUuid(pairingId)) throw new NotFoundError('pairing', pairingId.slice(0, 64));
    const [row] = await rawQuery<{ coach_name: string }>(
      this.em.fork(),
      `select cp.name as coach_name from pairing pr join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
         join enrollment ee on ee.id = pr.coachee_id where pr.id = ? and ee.person_id = ?`,
      [pairingId, participant.personId],
    );
    if (!row) throw new NotFoundError('pairing', pairingId);
    // Checked after the pairing is known to be theirs: someone else's id is a 404 whatever the reason.
    // One line of text: the program team reads it in an email, and erasure takes it out of that email again.
    const reason = typeof reasonInput === 'string' ? reasonInput.replace(/\s+/g, ' ').trim() : '';
    if (reason.length > REMATCH_REASON_MAX)
      throw new ValidationError(
        'reason too long',
        [{ field: 'reason', message: `keep the reason under ${REMATCH_REASON_MAX} characters` }],
        'reason_long',
      );
    await this.risk.requestRematch(participant.personId, pairingId, reason || null);
    return row.coach_name;
  }

  /** The audit actor for the person's own change of one of their enrollments; someone else's is not found. */
  private async own(participant: Participant, enrollmentId: string) {
    if (!isUuid(enrollmentId)) throw new NotFoundError('enrollment', enrollmentId.slice(0, 64));
    const [row] = await rawQuery(this.em.fork(), `select 1 from enrollment where id = ? and person_id = ?`, [
      enrollmentId,
      participant.personId,
    ]);
    if (!row) throw new NotFoundError('enrollment', enrollmentId);
    return { organizationId: participant.organizationId, actor: `person:${participant.personId}` };
  }

  private async programName(enrollmentId: string): Promise<string> {
    const [row] = await rawQuery<{ name: string }>(
      this.em.fork(),
      `select prog.name from enrollment e join program prog on prog.id = e.program_id where e.id = ?`,
      [enrollmentId],
    );
    return row?.name ?? '';
  }
}
