import { createHash } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import {
  AuditEvent,
  Clock,
  ConflictError,
  ImportBatch,
  ImportFormat,
  type ImportRowError,
  ImportStatus,
  isUuid,
  LIVE_PAIRING_STATUSES,
  newId,
  NotFoundError,
  PairingStatus,
  pairingStatusSql,
  type Program,
  rawQuery,
  RetryLaterError,
  ValidationError,
} from '@tandem/domain';
import { asLocale, type OutboxDraft, personLocaleSql, welcomeEmail, writeOutbox } from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import { sendAfterCommit } from '../after-commit';
import { recordWebhookEvents } from '../webhooks/webhook-events';
import type { Actor } from '../programs/programs.service';
import { ProgramsService } from '../programs/programs.service';
import { markWaitlistDue, queueWaitlist, type WaitlistDue } from '../pairing/waitlist';
import { parseParticipantCsv, parseParticipantJson, rawFromJson } from './participant-batch';
import { type ParticipantRecord, validateParticipant, type ValidatedBatch } from './participant-record';

/** An import as the API shows it. */
export interface ImportView {
  id: string;
  programId: string;
  status: ImportStatus;
  format: ImportFormat;
  rows: number;
  processed: number;
  progress: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows naming an alumni enrollment (counted in `updated` or `unchanged`): their status was left alone. */
  alumni: number;
  /** What an admin should know about the import (alumni left out of the pool). */
  notes: string[];
  errors: ImportRowError[];
  createdAt: Date;
  finishedAt: Date | null;
}

/** A program's enrollment with its person, as listed to admins. */
export interface EnrollmentListItem extends Omit<ParticipantRecord, 'preferredDay' | 'preferredHour'> {
  id: string;
  status: string;
  personId: string;
  /** A coachee's latest pairing state (not proposed or withdrawn), or null. */
  pairingStatus: string | null;
  /** A coach's offered and active pairings. */
  liveCoachees: number | null;
}

/** Counts of what one batch write did. */
interface WriteResult {
  created: number;
  updated: number;
  unchanged: number;
  alumni: number;
  /** Whether a coach joined or a coach's row changed (capacity may have risen): the waiting list is due. */
  coachesChanged: boolean;
  messageIds: string[];
}

/** Rows written per statement; also the granularity of progress updates. */
const CHUNK = 2500;
const LIST_SEPARATOR = '\u001f';
/**
 * How long an import waits for the import of the same program that holds the program's lock before it tries again.
 * The import that holds it promotes the next one as it ends, so this is only the fallback (a worker that died).
 */
const BUSY_RETRY_MS = 10_000;

/**
 * Writes into one program (imports, single enrollments) are serialized by a transaction-scoped advisory lock on the
 * program, tried without waiting: a writer that does not get it holds no connection while it waits (an import job is
 * put back as delayed, an enrollment answers 409), and the lock blocks no one else (a row lock on the program would
 * block every insert referencing it, such as the api's new import_batch rows).
 */
const TRY_PROGRAM_LOCK = `select pg_try_advisory_xact_lock(hashtextextended('tandem.program-write:' || ?::text, 0)) as locked`;

async function tryProgramLock(em: EntityManager, programId: string): Promise<boolean> {
  const [row] = await rawQuery<{ locked: boolean }>(em, TRY_PROGRAM_LOCK, [programId]);
  return row.locked;
}

/**
 * Participant intake: single enrollments and bulk imports. A batch is validated whole before anything is written;
 * a good batch upserts people by email and their enrollments in one transaction, so a re-import changes nothing.
 */
@Injectable()
export class IntakeService {
  constructor(
    private readonly em: EntityManager,
    private readonly programs: ProgramsService,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
  ) {}

  /** Validates an upload now (so bad input is answered at once, with every error) and queues the write. */
  async createImport(actor: Actor, programId: string, format: ImportFormat, body: unknown): Promise<ImportView> {
    const em = this.em.fork();
    const program = await this.programs.find(em, actor.organizationId, programId);
    const batch = validateBatch(format, body, program);
    if (batch.errors.length > 0) {
      throw new ValidationError(
        `the import has ${batch.errors.length} error(s); nothing was written`,
        batch.errors,
        'import_invalid',
      );
    }
    const importId = newId();
    const source = JSON.stringify(batch.records);
    const sourceHash = createHash('sha256').update(source).digest('hex');
    try {
      await this.insertImport(em, actor, program.id, importId, format, source, sourceHash, batch.records.length);
    } catch (err) {
      // rawQuery reaches pg directly, so its unique violation is pg's own (23505), not MikroORM's exception.
      if (!(err instanceof UniqueConstraintViolationException) && (err as { code?: unknown }).code !== '23505')
        throw err;
      const [live] = await rawQuery<{ id: string }>(
        em,
        `select id from import_batch where program_id = ? and source_hash = ? and status in ('queued', 'running')`,
        [program.id, sourceHash],
      );
      throw new ConflictError('import_running', 'an identical import into this program is already queued or running', {
        importId: live?.id ?? null,
      });
    }
    await this.producer.afterCommit(`import ${importId}`, () =>
      this.producer.enqueue(JobName.IntakeImportBatch, { importId }),
    );
    return this.getImport(actor.organizationId, importId);
  }

  private async insertImport(
    em: EntityManager,
    actor: Actor,
    programId: string,
    importId: string,
    format: ImportFormat,
    source: string,
    sourceHash: string,
    rows: number,
  ): Promise<void> {
    await em.transactional(async (tem) => {
      // A bound parameter, not the ORM's unit of work: it would escape the multi-megabyte JSON by hand (~0.4 s).
      // The validated records are stored, not the upload, so the worker needs no second parse.
      await rawQuery(
        tem,
        `insert into import_batch (id, organization_id, program_id, format, source, source_hash, rows) values (?, ?, ?, ?::import_format, ?, ?, ?)`,
        [importId, actor.organizationId, programId, format, source, sourceHash, rows],
      );
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'import.created',
        subjectType: 'import',
        subjectId: importId,
        data: { rows, format },
      });
    });
  }

  async getImport(organizationId: string, id: string): Promise<ImportView> {
    if (!isUuid(id)) throw new NotFoundError('import', id.slice(0, 64));
    const importBatch = await this.em.fork().findOne(ImportBatch, { id, organization: organizationId });
    if (!importBatch) throw new NotFoundError('import', id);
    return toImportView(importBatch);
  }

  /**
   * The `intake.import-batch` job: safe to run twice; a finished import is left as it is. Imports of one program run
   * one at a time: one that finds another holding the program's lock goes back to `queued` and is retried later
   * (RetryLaterError), holding no connection meanwhile; the one holding it promotes the next as it ends.
   */
  async runImport(importId: string): Promise<'done' | 'skipped'> {
    const em = this.em.fork();
    const claimed = await rawQuery<{ id: string }>(
      em,
      `update import_batch set status = 'running', started_at = coalesce(started_at, now()) where id = ? and status in ('queued', 'running') returning id`,
      [importId],
    );
    if (claimed.length === 0) return 'skipped';
    const importBatch = await em.findOneOrFail(ImportBatch, { id: importId }, { populate: ['source', 'program'] });
    const program = importBatch.program.getEntity();
    const batch = { records: JSON.parse(importBatch.source ?? '[]') as ParticipantRecord[] };
    const skillErrors = skillFrameworkErrors(batch.records, program, importBatch.format === ImportFormat.Csv ? 2 : 1);
    if (skillErrors.length > 0) return this.failImport(importId, skillErrors);

    let result: (WriteResult & { waitlist: WaitlistDue[] }) | 'busy';
    try {
      result = await em.transactional(async (tem) => {
        if (!(await tryProgramLock(tem, program.id))) return 'busy' as const;
        const firstRow = importBatch.format === ImportFormat.Csv ? 2 : 1;
        const conflicts = await roleConflicts(tem, program.id, importBatch.organization.id, batch.records, firstRow);
        if (conflicts.length > 0)
          throw new ValidationError('conflicts with current enrollments', conflicts, 'import_conflicts');
        const written = await writeParticipants(tem, importBatch.organization.id, program, batch.records, (processed) =>
          this.reportProgress(importId, processed),
        );
        await rawQuery(
          tem,
          `update import_batch set status = 'succeeded', processed = rows, created = ?, updated = ?, unchanged = ?, alumni = ?, source = null, finished_at = now() where id = ?`,
          [written.created, written.updated, written.unchanged, written.alumni, importId],
        );
        const waitlist = written.coachesChanged ? await markWaitlistDue(tem, [program.id], this.clock.now()) : [];
        return { ...written, waitlist };
      });
      if (result === 'busy') {
        await rawQuery(
          em,
          `update import_batch set status = 'queued', started_at = null where id = ? and status = 'running'`,
          [importId],
        );
        throw new RetryLaterError(
          BUSY_RETRY_MS + Math.floor(Math.random() * 2000),
          `another import into program ${program.id} is being written`,
        );
      }
    } catch (err) {
      if (err instanceof RetryLaterError) throw err;
      await this.promoteNextImport(program.id, importId);
      if (err instanceof ValidationError && err.code === 'import_conflicts')
        return this.failImport(importId, err.details as ImportRowError[]);
      throw err;
    }
    await this.promoteNextImport(program.id, importId);
    await sendAfterCommit(this.producer, 'intake follow-up', result.messageIds, () =>
      queueWaitlist(this.producer, result.waitlist),
    );
    return 'done';
  }

  /** Starts the program's oldest waiting import now, rather than when its delay runs out. */
  private async promoteNextImport(programId: string, finishedId: string): Promise<void> {
    try {
      const [next] = await rawQuery<{ id: string }>(
        this.em.fork(),
        `select id from import_batch where program_id = ? and status = 'queued' and id <> ? order by created_at limit 1`,
        [programId, finishedId],
      );
      if (next) await this.producer.promote(JobName.IntakeImportBatch, { importId: next.id });
    } catch {
      // Its delay runs out by itself.
    }
  }

  /** Enrolls one participant now (JSON); answers the enrollment. */
  async enroll(
    actor: Actor,
    programId: string,
    body: unknown,
  ): Promise<{ id: string; personId: string; role: string; created: boolean }> {
    const em = this.em.fork();
    const program = await this.programs.find(em, actor.organizationId, programId);
    const { raw, errors } = rawFromJson(body, 1);
    const validated = raw ? validateParticipant(raw, 1, program.skills, 'json') : { errors, record: undefined };
    const record = validated.record;
    if (!record)
      throw new ValidationError(
        'the enrollment is invalid',
        [...errors, ...validated.errors].map(({ column, message }) => ({ field: column, message })),
      );
    const result = await em.transactional((tem) => writeEnrollment(tem, actor, program, record, this.clock.now()));
    await sendAfterCommit(this.producer, 'intake follow-up', result.messageIds, () =>
      queueWaitlist(this.producer, result.waitlist),
    );
    return { id: result.enrollmentId, personId: result.personId, role: record.role, created: result.created };
  }

  /**
   * Enrolls a person already in the organization into a program in a role, by the rules of an import (one welcome for a
   * new enrollment, the role-conflict check, the program's write lock, the audit): what an identity provider's group
   * membership does. A new enrollment starts with the program's skills at the middle of the scale (2.5) and a coach with
   * one place, until an admin sets them (the participant CSV or the console); an existing one keeps its fields, and a
   * withdrawn one goes back into the pool.
   */
  async enrollPerson(
    actor: Actor,
    programId: string,
    personId: string,
    role: 'coach' | 'coachee',
  ): Promise<{ id: string; outcome: 'created' | 'resumed' | 'unchanged' }> {
    const em = this.em.fork();
    const program = await this.programs.find(em, actor.organizationId, programId);
    const [person] = await rawQuery<{
      email: string;
      name: string;
      department: string | null;
      manager_email: string | null;
      level: number | null;
      timezone: string;
      languages: string[];
    }>(
      em,
      `select email, name, department, manager_email, level, timezone, languages from person where id = ? and organization_id = ?`,
      [personId, actor.organizationId],
    );
    if (!person) throw new NotFoundError('person', personId);
    const record: ParticipantRecord = {
      role,
      email: person.email,
      name: person.name,
      department: person.department,
      managerEmail: person.manager_email,
      level: person.level,
      timezone: person.timezone,
      languages: person.languages,
      // Null keeps the language stored on the person (an import's empty cell does the same).
      locale: null,
      capacity: role === 'coach' ? 1 : null,
      skills: Object.fromEntries(program.skills.map((s) => [s.key, 2.5])),
      goals: null,
      bio: null,
      preferredDay: null,
      preferredHour: null,
    };
    const result = await em.transactional(async (tem) => {
      if (!(await tryProgramLock(tem, program.id))) {
        throw new ConflictError(
          'import_running',
          'an import or another change into this program is being written; try again in a moment',
        );
      }
      const conflicts = await roleConflicts(tem, program.id, actor.organizationId, [record], 1);
      if (conflicts.length > 0) throw new ConflictError('enrolled_in_other_role', conflicts[0].message);
      const [before] = await rawQuery<{ id: string }>(
        tem,
        `select id from enrollment where program_id = ? and person_id = ? and role = ?::enrollment_role`,
        [program.id, personId, role],
      );
      const written = await writeParticipants(tem, actor.organizationId, program, [record], undefined, 'keep');
      const [enrollment] = await rawQuery<{ id: string }>(
        tem,
        `select id from enrollment where program_id = ? and person_id = ? and role = ?::enrollment_role`,
        [program.id, personId, role],
      );
      const outcome =
        written.created === 1
          ? ('created' as const)
          : before && written.updated === 1
            ? ('resumed' as const)
            : ('unchanged' as const);
      if (outcome !== 'unchanged') {
        tem.create(AuditEvent, {
          organization: actor.organizationId,
          actor: actor.actor,
          action: outcome === 'created' ? 'enrollment.created' : 'enrollment.resumed',
          subjectType: 'enrollment',
          subjectId: enrollment.id,
        });
        await tem.flush();
      }
      const waitlist = outcome !== 'unchanged' ? await markWaitlistDue(tem, [program.id], this.clock.now()) : [];
      return { ...written, enrollment, outcome, waitlist };
    });
    await sendAfterCommit(this.producer, 'intake follow-up', result.messageIds, () =>
      queueWaitlist(this.producer, result.waitlist),
    );
    return { id: result.enrollment.id, outcome: result.outcome };
  }

  /**
   * Puts an alumni coachee back into the pool on purpose (a new cycle): the enrollment is active again and the next
   * round takes them; the former-pair rule still keeps their past coaches away unless an admin pins one. Audited.
   * Only alumni can be returned (409 otherwise); an enrollment of another organization is not found.
   */
  async returnToPool(actor: Actor, enrollmentId: string): Promise<{ id: string; programId: string; status: string }> {
    if (!isUuid(enrollmentId)) throw new NotFoundError('enrollment', enrollmentId.slice(0, 64));
    return this.em.fork().transactional(async (tem) => {
      const [row] = await rawQuery<{ id: string; program_id: string; status: string }>(
        tem,
        `select e.id, e.program_id, e.status::text as status from enrollment e join program p on p.id = e.program_id
          where e.id = ? and p.organization_id = ? for update of e`,
        [enrollmentId, actor.organizationId],
      );
      if (!row) throw new NotFoundError('enrollment', enrollmentId);
      if (row.status !== 'alumni') {
        throw new ConflictError(
          'not_alumni',
          row.status === 'active'
            ? 'this person is in the pool already'
            : `only alumni can be returned to the pool; this enrollment is ${row.status}`,
        );
      }
      await rawQuery(
        tem,
        `update enrollment set status = 'active', unmatched_reason = null, updated_at = now() where id = ?`,
        [enrollmentId],
      );
      tem.create(AuditEvent, {
        organization: actor.organizationId,
        actor: actor.actor,
        action: 'enrollment.returned-to-pool',
        subjectType: 'enrollment',
        subjectId: enrollmentId,
      });
      await tem.flush();
      return { id: row.id, programId: row.program_id, status: 'active' };
    });
  }

  /**
   * Lists a program's enrollments with their people (paged by offset; at most 500 a page), optionally only those whose
   * name or email contains `search`. A coachee carries the state of their latest pairing, a coach how many live
   * (offered or active) pairings they hold.
   */
  async listEnrollments(
    organizationId: string,
    programId: string,
    query: { role?: string; limit?: number; offset?: number; search?: string },
  ) {
    const em = this.em.fork();
    await this.programs.find(em, organizationId, programId);
    const role = query.role === 'coach' || query.role === 'coachee' ? query.role : null;
    if (query.role !== undefined && role === null)
      throw new ValidationError('role must be coach or coachee', [
        { field: 'role', message: 'must be coach or coachee' },
      ]);
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
    const offset = Math.max(query.offset ?? 0, 0);
    const search = query.search?.trim()
      ? `%${query.search
          .trim()
          .slice(0, 200)
          .replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      : null;
    const items = await rawQuery<EnrollmentListItem>(
      em,
      `select e.id, e.role, e.status, e.capacity, e.skills, e.goals, e.bio, p.id as "personId", p.email, p.name, p.department,
              p.manager_email as "managerEmail", p.level, p.timezone, p.languages, p.locale,
              case when e.role = 'coachee' then (select pr.status from pairing pr where pr.coachee_id = e.id and pr.status not in ${pairingStatusSql(PairingStatus.Proposed, PairingStatus.Withdrawn)}
                                                  order by pr.created_at desc limit 1) end as "pairingStatus",
              case when e.role = 'coach' then (select count(*)::int from pairing pr where pr.coach_id = e.id and pr.status in ${pairingStatusSql(...LIVE_PAIRING_STATUSES)}) end as "liveCoachees"
         from enrollment e join person p on p.id = e.person_id
        where e.program_id = ? and (?::text is null or e.role::text = ?) and (?::text is null or p.name ilike ? or p.email ilike ?)
        order by p.email, e.role limit ? offset ?`,
      [programId, role, role, search, search, search, limit, offset],
    );
    return { items, limit, offset };
  }

  private async failImport(importId: string, errors: ImportRowError[]): Promise<'done'> {
    await rawQuery(
      this.em.fork(),
      `update import_batch set status = 'failed', errors = ?::jsonb, source = null, finished_at = now() where id = ?`,
      [JSON.stringify(errors), importId],
    );
    return 'done';
  }

  private async reportProgress(importId: string, processed: number): Promise<void> {
    // Outside the import's transaction, so readers see progress before the commit, and not awaited: the import holds
    // a connection for its transaction and must never wait for a second one (imports of as many programs as the pool
    // has connections would each hold one and wait for another for ever). A late update after the end changes nothing.
    void rawQuery(
      this.em.fork(),
      `update import_batch set processed = greatest(processed, ?) where id = ? and status = 'running'`,
      [processed, importId],
    ).catch(() => undefined);
  }
}

/** What writing one participant did: their enrollment, whether it is new, its welcome email and the waiting list. */
export interface EnrollmentWrite {
  enrollmentId: string;
  personId: string;
  created: boolean;
  messageIds: string[];
  waitlist: WaitlistDue[];
}

/**
 * Writes one validated participant in the caller's transaction by the rules of an import: the program's write lock
 * (409 while an import holds it), the role-conflict check, the upsert of person and enrollment (one welcome for a new
 * enrollment, never two), the audit event; a waiting list is marked due at `now`. The caller queues `messageIds` and the waiting list after its commit.
 */
export async function writeEnrollment(
  tem: EntityManager,
  actor: Actor,
  program: Program,
  record: ParticipantRecord,
  now: Date,
): Promise<EnrollmentWrite> {
  if (!(await tryProgramLock(tem, program.id))) {
    throw new ConflictError(
      'import_running',
      'an import into this program is being written; try again when it has finished',
    );
  }
  const conflicts = await roleConflicts(tem, program.id, actor.organizationId, [record], 1);
  if (conflicts.length > 0) throw new ConflictError('enrolled_in_other_role', conflicts[0].message);
  const written = await writeParticipants(tem, actor.organizationId, program, [record]);
  const [enrollment] = await rawQuery<{ id: string; person_id: string }>(
    tem,
    `select e.id, e.person_id from enrollment e join person p on p.id = e.person_id
      where e.program_id = ? and p.organization_id = ? and p.email = ? and e.role = ?::enrollment_role`,
    [program.id, actor.organizationId, record.email, record.role],
  );
  tem.create(AuditEvent, {
    organization: actor.organizationId,
    actor: actor.actor,
    action: written.created ? 'enrollment.created' : 'enrollment.updated',
    subjectType: 'enrollment',
    subjectId: enrollment.id,
  });
  await tem.flush();
  const waitlist = written.coachesChanged ? await markWaitlistDue(tem, [program.id], now) : [];
  return {
    enrollmentId: enrollment.id,
    personId: enrollment.person_id,
    created: written.created === 1,
    messageIds: written.messageIds,
    waitlist,
  };
}

function validateBatch(format: ImportFormat, body: unknown, program: Program): ValidatedBatch {
  if (format === ImportFormat.Csv) {
    if (typeof body !== 'string') throw new ValidationError('a CSV import needs a text/csv body');
    return parseParticipantCsv(body, program.skills);
  }
  return parseParticipantJson(body, program.skills);
}

/** Rows whose skills no longer fit the program's framework (it changed between the upload and the job). */
function skillFrameworkErrors(records: ParticipantRecord[], program: Program, firstRow: number): ImportRowError[] {
  const keys = program.skills
    .map((s) => s.key)
    .sort()
    .join(',');
  const errors: ImportRowError[] = [];
  records.forEach((record, i) => {
    if (Object.keys(record.skills).sort().join(',') !== keys) {
      errors.push({
        row: i + firstRow,
        column: '',
        message: "the program's skills changed after the upload; upload the file again",
      });
    }
  });
  return errors.slice(0, 1000);
}

/** People of the batch already enrolled in the program in the other role. */
async function roleConflicts(
  em: EntityManager,
  programId: string,
  organizationId: string,
  records: ParticipantRecord[],
  firstRow: number,
): Promise<ImportRowError[]> {
  const rows = await rawQuery<{ email: string; role: string }>(
    em,
    `select p.email, e.role::text as role from enrollment e join person p on p.id = e.person_id
      where e.program_id = ? and p.organization_id = ? and p.email = any(?::text[])`,
    [programId, organizationId, records.map((r) => r.email)],
  );
  const enrolled = new Map<string, string[]>();
  for (const row of rows) enrolled.set(row.email, [...(enrolled.get(row.email) ?? []), row.role]);
  const errors: ImportRowError[] = [];
  records.forEach((record, i) => {
    const roles = enrolled.get(record.email) ?? [];
    if (roles.some((role) => role !== record.role)) {
      errors.push({
        row: i + firstRow,
        column: 'role',
        message: `${record.email} is already enrolled in this program as a ${roles.find((r) => r !== record.role)}`,
      });
    }
  });
  return errors;
}

/**
 * The status an import's row leaves an existing enrollment in: alumni stay alumni, and a withdrawn enrollment of a
 * person the identity provider deactivated stays withdrawn (the provider said they left); any other comes back.
 */
const IMPORTED_STATUS = `case when enrollment.status = 'alumni'
                 or (enrollment.status = 'withdrawn' and not (select p.active from person p where p.id = enrollment.person_id))
               then enrollment.status else 'active'::enrollment_status end`;

/** An import's row rewrites the enrollment's fields (and puts a withdrawn enrollment back into the pool). */
const UPDATE_ENROLLMENT = `on conflict (program_id, person_id, role) do update
          set capacity = excluded.capacity, skills = excluded.skills, goals = excluded.goals, bio = excluded.bio,
              preferred_day = excluded.preferred_day, preferred_hour = excluded.preferred_hour,
              status = ${IMPORTED_STATUS}, updated_at = now()
        where (enrollment.capacity, enrollment.skills, enrollment.goals, enrollment.bio, enrollment.preferred_day, enrollment.preferred_hour, enrollment.status)
              is distinct from (excluded.capacity, excluded.skills, excluded.goals, excluded.bio, excluded.preferred_day, excluded.preferred_hour, ${IMPORTED_STATUS})`;

/**
 * A membership from an identity provider knows nothing of an enrollment's fields: an existing enrollment keeps them, and
 * only a withdrawn one is put back into the pool (alumni stay alumni, as on an import).
 */
const KEEP_ENROLLMENT = `on conflict (program_id, person_id, role) do update set status = 'active', updated_at = now() where enrollment.status = 'withdrawn'`;

/** Upserts people and enrollments in bulk (a few statements per chunk) and writes welcome emails for new enrollments. */
async function writeParticipants(
  em: EntityManager,
  organizationId: string,
  program: Program,
  records: ParticipantRecord[],
  onProgress?: (processed: number) => Promise<void>,
  enrollmentFields: 'write' | 'keep' = 'write',
): Promise<WriteResult> {
  const result: WriteResult = {
    created: 0,
    updated: 0,
    unchanged: 0,
    alumni: 0,
    coachesChanged: false,
    messageIds: [],
  };
  for (let start = 0; start < records.length; start += CHUNK) {
    const chunk = records.slice(start, start + CHUNK);
    const changedPeople = await rawQuery<{ email: string }>(
      em,
      // An empty locale keeps the person's (it may come from SCIM or an earlier file); every other column is as written.
      `insert into person (id, organization_id, email, name, department, manager_email, level, timezone, languages, locale)
       select gen_random_uuid(), ?, e, n, d, m, l, tz, string_to_array(lang, ?), lc
         from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[]) as r(e, n, d, m, l, tz, lang, lc)
       on conflict (organization_id, email) do update
          set name = excluded.name, department = excluded.department, manager_email = excluded.manager_email,
              level = excluded.level, timezone = excluded.timezone, languages = excluded.languages,
              locale = coalesce(excluded.locale, person.locale), updated_at = now()
        where (person.name, person.department, person.manager_email, person.level, person.timezone, person.languages, person.locale)
              is distinct from (excluded.name, excluded.department, excluded.manager_email, excluded.level, excluded.timezone, excluded.languages,
                                coalesce(excluded.locale, person.locale))
       returning email`,
      [
        organizationId,
        LIST_SEPARATOR,
        chunk.map((r) => r.email),
        chunk.map((r) => r.name),
        chunk.map((r) => r.department),
        chunk.map((r) => r.managerEmail),
        chunk.map((r) => r.level),
        chunk.map((r) => r.timezone),
        chunk.map((r) => r.languages.join(LIST_SEPARATOR)),
        chunk.map((r) => r.locale),
      ],
    );
    const people = await rawQuery<{ id: string; email: string; locale: string }>(
      em,
      `select id, email, ${personLocaleSql('person')} as locale from person where organization_id = ? and email = any(?::text[])`,
      [organizationId, chunk.map((r) => r.email)],
    );
    const personId = new Map(people.map((p) => [p.email, p.id]));
    const localeOf = new Map(people.map((p) => [p.email, asLocale(p.locale)]));
    const changedEmails = new Set(changedPeople.map((p) => p.email));
    // An alumni enrollment keeps its status: a re-import updates the row but never puts a graduate back into the pool
    // (an admin does that on purpose, by returning them). A withdrawn one is enrolled again, as before.
    const alumni = await rawQuery<{ n: number }>(
      em,
      `select count(*)::int as n from enrollment where program_id = ? and status = 'alumni' and person_id = any(?::uuid[])`,
      [program.id, chunk.map((r) => personId.get(r.email))],
    );
    result.alumni += alumni[0].n;
    const enrollments = await rawQuery<{ id: string; person_id: string; role: string; inserted: boolean }>(
      em,
      `insert into enrollment (id, program_id, person_id, role, capacity, skills, goals, bio, preferred_day, preferred_hour)
       select gen_random_uuid(), ?, p, r::enrollment_role, c, s::jsonb, g, b, pd, ph
         from unnest(?::uuid[], ?::text[], ?::int[], ?::text[], ?::text[], ?::text[], ?::int[], ?::int[]) as x(p, r, c, s, g, b, pd, ph)
       ${enrollmentFields === 'write' ? UPDATE_ENROLLMENT : KEEP_ENROLLMENT}
       returning id, person_id, role::text as role, (xmax = 0) as inserted`,
      [
        program.id,
        chunk.map((r) => personId.get(r.email)),
        chunk.map((r) => r.role),
        chunk.map((r) => r.capacity),
        chunk.map((r) => JSON.stringify(r.skills)),
        chunk.map((r) => r.goals),
        chunk.map((r) => r.bio),
        chunk.map((r) => r.preferredDay ?? null),
        chunk.map((r) => r.preferredHour ?? null),
      ],
    );
    const touched = new Map(enrollments.map((e) => [e.person_id, e]));
    const created = enrollments.filter((e) => e.inserted).map((e) => e.id);
    if (created.length > 0) {
      await recordWebhookEvents(
        em,
        'enrollment.created',
        `select p.organization_id, jsonb_build_object('enrollmentId', e.id, 'programId', e.program_id, 'personId', e.person_id, 'role', e.role::text) as data
           from enrollment e join program p on p.id = e.program_id where e.id = any(?::uuid[])`,
        [created],
        new Date(),
      );
    }
    if (enrollments.some((e) => e.role === 'coach')) result.coachesChanged = true;
    const drafts: OutboxDraft[] = [];
    for (const record of chunk) {
      const id = personId.get(record.email)!;
      const enrollment = touched.get(id);
      if (enrollment?.inserted) {
        result.created++;
        drafts.push({
          organizationId,
          idempotencyKey: `welcome:${enrollment.id}`,
          to: record.email,
          ...welcomeEmail({
            name: record.name,
            programName: program.name,
            role: record.role,
            locale: localeOf.get(record.email)!,
          }),
        });
      } else if (enrollment || changedEmails.has(record.email)) result.updated++;
      else result.unchanged++;
    }
    result.messageIds.push(...(await writeOutbox(em, drafts)));
    if (onProgress) await onProgress(Math.min(start + CHUNK, records.length));
  }
  return result;
}

function toImportView(i: ImportBatch): ImportView {
  return {
    id: i.id,
    programId: i.program.id,
    status: i.status,
    format: i.format,
    rows: i.rows,
    processed: i.processed,
    progress:
      i.rows === 0 ? 0 : Math.round((i.status === ImportStatus.Succeeded ? 1 : i.processed / i.rows) * 1000) / 1000,
    created: i.created,
    updated: i.updated,
    unchanged: i.unchanged,
    alumni: i.alumni,
    notes:
      i.alumni > 0
        ? [
            `${i.alumni} row(s) name people who finished this program (alumni): their details were updated where they changed, but they stay out of the matching pool. Return someone to the pool on purpose with POST /api/v1/enrollments/{id}/return-to-pool or the console's people page.`,
          ]
        : [],
    errors: i.errors,
    createdAt: i.createdAt,
    finishedAt: i.finishedAt ?? null,
  };
}
