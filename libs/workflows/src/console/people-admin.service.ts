import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditEvent, Clock, ConflictError, isUuid, NotFoundError, rawQuery } from '@tandem/domain';
import { JobProducer } from '@tandem/queues';
import type { Actor } from '../programs/programs.service';
import { ProgramsService } from '../programs/programs.service';
import { OffersService } from '../pairing/offers.service';
import { csvText } from '../report/csv';
import { markWaitlistDue, queueWaitlist } from '../pairing/waitlist';
import type { ParticipantRecord } from '../intake/participant-record';
import { peopleColumns } from './people-csv';

/** One enrollment with its person, every field the participant CSV has (the console's edit form). */
export interface PersonDetail extends ParticipantRecord {
  id: string;
  programId: string;
  status: 'active' | 'withdrawn' | 'alumni';
  /** False when the organization's identity provider deactivated the person (SCIM). */
  personActive: boolean;
  /** Pairings of this enrollment by state (every state, proposals included). */
  pairings: Record<string, number>;
}

const WEEKDAY_KEYS = ['', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The same program write lock as intake's (an import and a pause never interleave). */
const TRY_PROGRAM_LOCK = `select pg_try_advisory_xact_lock(hashtextextended('tandem.program-write:' || ?::text, 0)) as locked`;

const PERSON_SQL = `select e.id, e.program_id as "programId", e.role::text as role, e.status::text as status, p.email, p.name, p.department,
         p.manager_email as "managerEmail", p.level, p.timezone, p.languages, p.locale, e.capacity, e.skills, e.goals, e.bio,
         e.preferred_day as "preferredDay", e.preferred_hour as "preferredHour", p.active as "personActive",
         coalesce((select jsonb_object_agg(s.status, s.n) from (select status::text as status, count(*)::int as n from pairing where coach_id = e.id or coachee_id = e.id group by status) s), '{}') as pairings
    from enrollment e join person p on p.id = e.person_id join program pg on pg.id = e.program_id`;

/**
 * What an admin does to one person of a program besides importing them (IntakeService adds and edits, through the same
 * rules as an import): pause (out of the matching pool, history kept), resume, remove (only someone never paired), and
 * the people and pairings exports. Every change is audited with ids only.
 */
@Injectable()
export class PeopleAdminService {
  constructor(
    private readonly em: EntityManager,
    private readonly programs: ProgramsService,
    private readonly producer: JobProducer,
    private readonly offers: OffersService,
    private readonly clock: Clock,
  ) {}

  /** One enrollment of the organization, with every field of its person. */
  async get(organizationId: string, enrollmentId: string): Promise<PersonDetail> {
    if (!isUuid(enrollmentId)) throw new NotFoundError('enrollment', enrollmentId.slice(0, 64));
    const [row] = await rawQuery<PersonDetail>(
      this.em.fork(),
      `${PERSON_SQL} where e.id = ? and pg.organization_id = ?`,
      [enrollmentId, organizationId],
    );
    if (!row) throw new NotFoundError('enrollment', enrollmentId);
    return row;
  }

  /**
   * Takes an active person out of the matching pool: no round or waiting list picks them until they are resumed; their
   * pairings, feedback and emails stay. Refused while they are in a draft round's proposals or in an offered or active
   * pairing (that pairing would go on without them in the pool).
   */
  async pause(actor: Actor, enrollmentId: string): Promise<PersonDetail> {
    return this.change(actor, enrollmentId, 'enrollment.paused', async (tem, person) => {
      if (person.status === 'withdrawn') throw new ConflictError('paused_already', `${person.name} is paused already.`);
      if (person.status === 'alumni')
        throw new ConflictError('alumni', `${person.name} finished this program and is out of the pool already.`);
      const live = (person.pairings.offered ?? 0) + (person.pairings.active ?? 0);
      if (live > 0) {
        const coach =
          person.role === 'coach'
            ? ` To give ${person.name} no new coachees meanwhile, set their capacity to ${live}.`
            : '';
        throw new ConflictError(
          'pairing_live',
          `${person.name} has a pairing that is offered or running. It goes on until it ends (or the offer is declined or expires); pause ${person.name} after that.${coach}`,
        );
      }
      if ((person.pairings.proposed ?? 0) > 0) {
        throw new ConflictError(
          'proposed',
          `${person.name} is in the proposals of a round that is not published yet. Remove that pair in the round (or publish it) first.`,
        );
      }
      await rawQuery(tem, `update enrollment set status = 'withdrawn', updated_at = now() where id = ?`, [person.id]);
      return [];
    });
  }

  /**
   * Takes a person out of a program because they left (an identity provider deactivated them or removed them from the
   * program's group): unlike a pause it is never refused. The enrollment is withdrawn (out of the pool; a draft round's
   * proposals of theirs are withdrawn at publish, as for anyone who left the pool while a round solved), their open
   * offers are withdrawn through the offer's decline (audited, the coachee re-matched), and their history stays: pairings
   * already running go on. Withdrawing a withdrawn or alumni enrollment changes nothing.
   */
  async withdraw(
    actor: Actor,
    enrollmentId: string,
    reason: string,
  ): Promise<{ withdrawn: boolean; offersWithdrawn: number }> {
    const current = await this.get(actor.organizationId, enrollmentId);
    let withdrawn = false;
    if (current.status === 'active') {
      await this.change(actor, enrollmentId, 'enrollment.withdrawn', async (tem, person) => {
        if (person.status !== 'active') return [];
        await rawQuery(tem, `update enrollment set status = 'withdrawn', updated_at = now() where id = ?`, [person.id]);
        withdrawn = true;
        return [];
      });
    }
    // Looked for even when the enrollment was withdrawn already: a withdrawal cut short between its two steps is finished.
    const open = await rawQuery<{ id: string }>(
      this.em.fork(),
      `select o.id from offer o join pairing pr on pr.id = o.pairing_id
        where (pr.coach_id = ? or pr.coachee_id = ?) and pr.status = 'offered' and o.decision is null`,
      [enrollmentId, enrollmentId],
    );
    const offersWithdrawn =
      current.status === 'alumni'
        ? 0
        : await this.offers.withdrawOpen(
            open.map((o) => o.id),
            reason,
          );
    return { withdrawn, offersWithdrawn };
  }

  /** Puts a paused person back into the pool; a coach's places (or a coachee) may fit the waiting list now. */
  async resume(actor: Actor, enrollmentId: string): Promise<PersonDetail> {
    return this.change(actor, enrollmentId, 'enrollment.resumed', async (tem, person) => {
      if (person.status === 'active')
        throw new ConflictError('active_already', `${person.name} is in the pool already.`);
      if (person.status === 'alumni')
        throw new ConflictError(
          'alumni',
          `${person.name} finished this program: use “Return to pool” to start a new cycle.`,
        );
      if (!person.personActive)
        throw new ConflictError(
          'deactivated',
          `${person.name} was deactivated by your identity provider (SCIM). Activate them there; adding them to the program's group again puts them back.`,
        );
      const due = await markWaitlistDue(tem, [person.programId], this.clock.now());
      await rawQuery(tem, `update enrollment set status = 'active', updated_at = now() where id = ?`, [person.id]);
      return due;
    });
  }

  /**
   * Removes someone from the program who was never paired or proposed (an enrollment made by mistake): nothing of
   * theirs is lost. Anyone with a pairing of any state is refused with the advice to pause them instead.
   */
  async remove(actor: Actor, enrollmentId: string): Promise<{ programId: string; name: string }> {
    const person = await this.get(actor.organizationId, enrollmentId);
    await this.change(actor, enrollmentId, 'enrollment.removed', async (tem, locked) => {
      const total = Object.values(locked.pairings).reduce((a, b) => a + b, 0);
      if (total > 0) {
        throw new ConflictError(
          'has_history',
          `${locked.name} has ${total} pairing(s) in this program, proposals included. Removing would erase that history: pause ${locked.name} instead (out of the pool, history kept).`,
        );
      }
      await rawQuery(tem, `delete from enrollment where id = ?`, [locked.id]);
      return [];
    });
    return { programId: person.programId, name: person.name };
  }

  /** The program's people as a participant CSV (the import's columns, so the file can be edited and imported again). */
  async peopleCsv(organizationId: string, programId: string): Promise<string> {
    const em = this.em.fork();
    const program = await this.programs.find(em, organizationId, programId);
    const columns = peopleColumns(program.skills).map((c) => c.column);
    const rows = await rawQuery<PersonDetail>(
      em,
      `${PERSON_SQL} where e.program_id = ? and pg.organization_id = ? order by e.role, p.email`,
      [program.id, organizationId],
    );
    const value = (p: PersonDetail, column: string): string | number | null => {
      switch (column) {
        case 'manager_email':
          return p.managerEmail;
        case 'languages':
          return p.languages.join(';');
        case 'locale':
          return p.locale;
        case 'preferred_day':
          return p.preferredDay ? WEEKDAY_KEYS[p.preferredDay] : null;
        case 'preferred_hour':
          return p.preferredHour;
        case 'role':
        case 'email':
        case 'name':
        case 'department':
        case 'level':
        case 'timezone':
        case 'capacity':
        case 'goals':
        case 'bio':
          return p[column];
        default:
          return p.skills[column] ?? null;
      }
    };
    return csvText([columns, ...rows.map((p) => columns.map((c) => value(p, c)))]);
  }

  /** The program's pairings (every state but a draft round's proposals), one row each, for a spreadsheet. */
  async pairingsCsv(organizationId: string, programId: string): Promise<string> {
    const em = this.em.fork();
    const program = await this.programs.find(em, organizationId, programId);
    const rows = await rawQuery<Record<string, string | number | null>>(
      em,
      `select cp.name as coach, cp.email as coach_email, ep.name as coachee, ep.email as coachee_email, pr.status::text as status,
              round(pr.score::numeric, 1)::float as score, pr.pinned,
              to_char(pr.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created,
              to_char(pr.activated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as started,
              to_char(pr.ended_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as ended,
              (select count(*)::int from coaching_session s where s.pairing_id = pr.id and s.status = 'held') as held,
              pr.at_risk_reason as at_risk
         from pairing pr
         join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
         join enrollment ee on ee.id = pr.coachee_id join person ep on ep.id = ee.person_id
        where pr.program_id = ? and pr.status not in ('proposed', 'withdrawn')
        order by pr.created_at, ep.email`,
      [program.id],
    );
    const header = [
      'coach',
      'coach_email',
      'coachee',
      'coachee_email',
      'status',
      'score',
      'pinned',
      'created',
      'started',
      'ended',
      'sessions_held',
      'at_risk',
    ];
    return csvText([
      header,
      ...rows.map((r) => [
        r.coach,
        r.coach_email,
        r.coachee,
        r.coachee_email,
        r.status,
        r.score,
        r.pinned ? 'yes' : 'no',
        r.created,
        r.started,
        r.ended,
        r.held,
        r.at_risk,
      ]),
    ]);
  }

  /** Locks the program's writes and the enrollment, runs `apply`, audits it and queues the waiting lists it made due. */
  private async change(
    actor: Actor,
    enrollmentId: string,
    action: string,
    apply: (tem: EntityManager, person: PersonDetail) => Promise<{ programId: string; dueAt: number }[]>,
  ): Promise<PersonDetail> {
    const person = await this.get(actor.organizationId, enrollmentId);
    const due = await this.em.fork().transactional(async (tem) => {
      const [lock] = await rawQuery<{ locked: boolean }>(tem, TRY_PROGRAM_LOCK, [person.programId]);
      if (!lock.locked)
        throw new ConflictError(
          'import_running',
          'An import into this program is being written; try again when it has finished.',
        );
      const [locked] = await rawQuery<PersonDetail>(
        tem,
        `${PERSON_SQL} where e.id = ? and pg.organization_id = ? for update of e`,
        [enrollmentId, actor.organizationId],
      );
      if (!locked) throw new NotFoundError('enrollment', enrollmentId);
      const dues = await apply(tem, locked);
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action,
        subjectType: 'enrollment',
        subjectId: enrollmentId,
      });
      await tem.flush();
      return dues;
    });
    await this.producer.afterCommit('waiting list', () => queueWaitlist(this.producer, due));
    return action === 'enrollment.removed' ? person : this.get(actor.organizationId, enrollmentId);
  }
}
