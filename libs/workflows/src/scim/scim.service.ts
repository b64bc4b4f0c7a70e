import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { AuditEvent, DomainError, isUuid, rawQuery } from '@tandem/domain';
import { parseLocaleTag } from '@tandem/mail';
import { PeopleAdminService } from '../console/people-admin.service';
import { IntakeService } from '../intake/intake.service';
import { isTimeZone, LIMITS } from '../intake/participant-record';
import type { Actor } from '../programs/programs.service';
import {
  applyPatch,
  checkIfMatch,
  excludedOf,
  type FilterTerm,
  listResponse,
  matchesTerm,
  pageOf,
  parseFilter,
  SCIM,
  SCIM_BASE,
  ScimError,
  sqlComparison,
  validateInbound,
  versionOf,
} from './scim-protocol';
import type { ScimPrincipal } from './scim-tokens.service';

/** A person as SCIM reads them. */
interface PersonRow {
  id: string;
  email: string;
  name: string;
  department: string | null;
  manager_email: string | null;
  manager_id: string | null;
  timezone: string;
  locale: string | null;
  active: boolean;
  scim_external_id: string | null;
  scim_user_name: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What a User resource writes on a person. */
interface PersonInput {
  email: string;
  userName: string;
  name: string;
  department: string | null;
  managerEmail: string | null;
  timezone: string;
  /** The language Tandem writes to them in, from SCIM's `preferredLanguage` (or `locale`); null chooses it. */
  locale: string | null;
  active: boolean;
  externalId: string | null;
}

type GroupRole = 'coach' | 'coachee';

/** A program's group of one role. */
interface GroupRow {
  programId: string;
  programName: string;
  role: GroupRole;
  createdAt: Date;
}

const PERSON_SELECT = `select p.id, p.email, p.name, p.department, p.manager_email, p.timezone, p.locale, p.active, p.scim_external_id, p.scim_user_name, p.created_at, p.updated_at,
         (select m.id from person m where m.organization_id = p.organization_id and m.email = p.manager_email and m.scim_deleted_at is null limit 1) as manager_id
    from person p`;

/** People SCIM shows: not deleted by the identity provider, not erased. */
const VISIBLE = `p.scim_deleted_at is null and p.email not like '%@erased.invalid'`;

const EMAIL = /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\]+$/;
const GROUP_ID = /^(coaches|coachees)-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const ROLE_WORD: Record<GroupRole, string> = { coach: 'coaches', coachee: 'coachees' };

/** User attributes a filter may compare, with their column and how they compare (RFC 7643's caseExact). */
const USER_FILTER: Record<string, { column: string; kind: 'text' | 'ci' | 'boolean' | 'time' }> = {
  id: { column: 'p.id::text', kind: 'text' },
  username: { column: 'coalesce(p.scim_user_name, p.email)', kind: 'ci' },
  externalid: { column: 'p.scim_external_id', kind: 'text' },
  displayname: { column: 'p.name', kind: 'ci' },
  'name.formatted': { column: 'p.name', kind: 'ci' },
  emails: { column: 'p.email', kind: 'ci' },
  'emails.value': { column: 'p.email', kind: 'ci' },
  active: { column: 'p.active', kind: 'boolean' },
  'meta.created': { column: 'p.created_at', kind: 'time' },
  'meta.lastmodified': { column: 'p.updated_at', kind: 'time' },
};

/**
 * SCIM 2.0 provisioning (RFC 7643, RFC 7644) for one organization: Users are its people, Groups the coaches and the
 * coachees of each program. Adding a member enrolls through intake's rules (one welcome, audited); removing one, or
 * deactivating or deleting a user, withdraws through the people admin's leave path (out of the pool, open offers
 * withdrawn, history kept).
 */
@Injectable()
export class ScimService {
  constructor(
    private readonly em: EntityManager,
    private readonly intake: IntakeService,
    private readonly people: PeopleAdminService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  private base(): string {
    return `${this.config.publicUrl.replace(/\/$/, '')}${SCIM_BASE}`;
  }

  /** Whether a path id names a resource of the organization (asked before the body is read). */
  async owns(organizationId: string, kind: 'Users' | 'Groups', id: string): Promise<boolean> {
    if (kind === 'Users') {
      if (!isUuid(id)) return false;
      return (
        (
          await rawQuery(
            this.em.fork(),
            `select 1 from person p where p.id = ? and p.organization_id = ? and ${VISIBLE}`,
            [id, organizationId],
          )
        ).length > 0
      );
    }
    const match = GROUP_ID.exec(id);
    return (
      !!match &&
      (
        await rawQuery(this.em.fork(), `select 1 from program where id = ? and organization_id = ?`, [
          match[2],
          organizationId,
        ])
      ).length > 0
    );
  }

  // ---- Users

  async listUsers(principal: ScimPrincipal, query: Record<string, unknown>) {
    const { startIndex, count } = pageOf(query);
    const filter = await parseFilter(query.filter);
    const where = [`p.organization_id = ?`, VISIBLE];
    const bindings: unknown[] = [principal.organizationId];
    if (filter) {
      const branches = filter.map((terms) => {
        const parts = terms.map((term) => this.userCondition(term));
        return { sql: parts.map((p) => p.sql).join(' and ') || 'true', bindings: parts.flatMap((p) => p.bindings) };
      });
      where.push(`(${branches.map((b) => `(${b.sql})`).join(' or ')})`);
      bindings.push(...branches.flatMap((b) => b.bindings));
    }
    const em = this.em.fork();
    const [{ total }] = await rawQuery<{ total: number }>(
      em,
      `select count(*)::int as total from person p where ${where.join(' and ')}`,
      bindings,
    );
    const rows =
      count === 0
        ? []
        : await rawQuery<PersonRow>(
            em,
            `${PERSON_SELECT} where ${where.join(' and ')} order by p.created_at, p.id limit ? offset ?`,
            [...bindings, count, startIndex - 1],
          );
    return listResponse(
      rows.map((r) => this.userResource(r)),
      total,
      startIndex,
    );
  }

  private userCondition(term: FilterTerm): { sql: string; bindings: unknown[] } {
    if (term.path === 'emails.type') {
      // Tandem keeps one email, the work one.
      if (term.op !== 'eq' || typeof term.value !== 'string')
        throw new ScimError(400, 'invalidFilter', 'emails.type takes eq');
      return { sql: (term.value.toLowerCase() === 'work') !== term.not ? 'true' : 'false', bindings: [] };
    }
    if (term.path === 'emails.primary')
      return { sql: (term.value === true) !== term.not ? 'true' : 'false', bindings: [] };
    const attribute = USER_FILTER[term.path];
    if (!attribute)
      throw new ScimError(
        400,
        'invalidFilter',
        `filtering on ${term.path.slice(0, 80)} is not supported; use userName, externalId, displayName, emails.value, active or id`,
      );
    return sqlComparison(attribute.column, term, attribute.kind);
  }

  async getUser(principal: ScimPrincipal, id: string) {
    return this.userResource(await this.personRow(principal.organizationId, id));
  }

  /** POST /Users: a new person, or one Tandem has (by email) and no identity provider manages yet, claimed. */
  async createUser(principal: ScimPrincipal, body: unknown) {
    const input = await this.userInput(principal.organizationId, await validateInbound('User', body), null);
    const actor = actorOf(principal);
    const em = this.em.fork();
    const personId = await em.transactional(async (tem) => {
      const [existing] = await rawQuery<{ id: string; managed: boolean }>(
        tem,
        `select id, (scim_provisioned_at is not null and scim_deleted_at is null) as managed from person where organization_id = ? and email = ? for update`,
        [principal.organizationId, input.email],
      );
      if (existing?.managed)
        throw new ScimError(409, 'uniqueness', `a user with the email ${input.email} exists already`);
      await this.externalIdFree(tem, principal.organizationId, input.externalId, existing?.id ?? null);
      let id: string;
      if (existing) {
        id = existing.id;
        await this.writePerson(tem, id, input);
        await rawQuery(tem, `update person set scim_provisioned_at = now(), scim_deleted_at = null where id = ?`, [id]);
      } else {
        const [row] = await rawQuery<{ id: string }>(
          tem,
          `insert into person (id, organization_id, email, name, department, manager_email, timezone, locale, active, scim_external_id, scim_user_name, scim_provisioned_at)
           values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) returning id`,
          [
            principal.organizationId,
            input.email,
            input.name,
            input.department,
            input.managerEmail,
            input.timezone,
            input.locale,
            input.active,
            input.externalId,
            storedUserName(input),
          ],
        );
        id = row.id;
      }
      tem.create(AuditEvent, {
        organization: principal.organizationId,
        actor: actor.actor,
        action: existing ? 'person.claimed' : 'person.provisioned',
        subjectType: 'person',
        subjectId: id,
      });
      await tem.flush();
      return id;
    });
    if (!input.active) await this.withdrawPerson(actor, personId, 'the identity provider deactivated the person');
    return this.getUser(principal, personId);
  }

  /** PUT /Users/{id}: replaces what SCIM writes; the time zone, which Tandem needs, is kept when left out. */
  async replaceUser(principal: ScimPrincipal, id: string, body: unknown, ifMatch: string | undefined) {
    const current = await this.personRow(principal.organizationId, id);
    checkIfMatch(ifMatch, versionOf(this.userResource(current)));
    const input = await this.userInput(principal.organizationId, await validateInbound('User', body), current);
    return this.updateUser(principal, current, input);
  }

  /** PATCH /Users/{id}: the operations applied by scimmy to the user as it is, then written like a PUT. */
  async patchUser(principal: ScimPrincipal, id: string, body: unknown, ifMatch: string | undefined) {
    const current = await this.personRow(principal.organizationId, id);
    const before = this.userResource(current);
    checkIfMatch(ifMatch, versionOf(before));
    const after = await applyPatch('User', before, body);
    const input = await this.userInput(principal.organizationId, after, current, before);
    return this.updateUser(principal, current, input);
  }

  /** DELETE /Users/{id}: the person is deactivated and hidden from SCIM (404 from then on); their row and history stay. */
  async deleteUser(principal: ScimPrincipal, id: string, ifMatch: string | undefined): Promise<void> {
    const current = await this.personRow(principal.organizationId, id);
    checkIfMatch(ifMatch, versionOf(this.userResource(current)));
    const actor = actorOf(principal);
    await this.em.fork().transactional(async (tem) => {
      await rawQuery(
        tem,
        `update person set active = false, scim_deleted_at = now(), updated_at = now() where id = ?`,
        [id],
      );
      tem.create(AuditEvent, {
        organization: principal.organizationId,
        actor: actor.actor,
        action: 'person.deprovisioned',
        subjectType: 'person',
        subjectId: id,
      });
      await tem.flush();
    });
    await this.withdrawPerson(actor, id, 'the identity provider deleted the person');
  }

  private async updateUser(principal: ScimPrincipal, current: PersonRow, input: PersonInput) {
    const actor = actorOf(principal);
    const changed = changedFields(current, input);
    if (changed.length > 0) {
      await this.em.fork().transactional(async (tem) => {
        if (input.email !== current.email) {
          const [taken] = await rawQuery(
            tem,
            `select 1 from person where organization_id = ? and email = ? and id <> ?`,
            [principal.organizationId, input.email, current.id],
          );
          if (taken) throw new ScimError(409, 'uniqueness', `another person has the email ${input.email}`);
        }
        await this.externalIdFree(tem, principal.organizationId, input.externalId, current.id);
        await this.writePerson(tem, current.id, input);
        const action =
          current.active && !input.active
            ? 'person.deactivated'
            : !current.active && input.active
              ? 'person.reactivated'
              : 'person.updated';
        // The fields' names, never their values.
        tem.create(AuditEvent, {
          organization: principal.organizationId,
          actor: actor.actor,
          action,
          subjectType: 'person',
          subjectId: current.id,
          data: { fields: changed },
        });
        await tem.flush();
      });
    } else {
      // A person an import created, found by a filter and written to: the identity provider manages them from now on.
      await rawQuery(
        this.em.fork(),
        `update person set scim_provisioned_at = now() where id = ? and scim_provisioned_at is null`,
        [current.id],
      );
    }
    // Also when nothing changed: a deactivation cut short before its withdrawals is finished by the retry.
    if (!input.active) await this.withdrawPerson(actor, current.id, 'the identity provider deactivated the person');
    return this.getUser(principal, current.id);
  }

  private async writePerson(em: EntityManager, id: string, input: PersonInput): Promise<void> {
    await rawQuery(
      em,
      `update person set email = ?, name = ?, department = ?, manager_email = ?, timezone = ?, locale = ?, active = ?, scim_external_id = ?, scim_user_name = ?,
              scim_provisioned_at = coalesce(scim_provisioned_at, now()), updated_at = now()
        where id = ?`,
      [
        input.email,
        input.name,
        input.department,
        input.managerEmail,
        input.timezone,
        input.locale,
        input.active,
        input.externalId,
        storedUserName(input),
        id,
      ],
    );
  }

  private async externalIdFree(
    em: EntityManager,
    organizationId: string,
    externalId: string | null,
    selfId: string | null,
  ): Promise<void> {
    if (externalId === null) return;
    const [taken] = await rawQuery(
      em,
      `select 1 from person where organization_id = ? and scim_external_id = ? and id is distinct from ?`,
      [organizationId, externalId, selfId],
    );
    if (taken) throw new ScimError(409, 'uniqueness', 'another user has this externalId');
  }

  /** Every enrollment of the person leaves its program (withdrawn, open offers withdrawn); history stays. */
  private async withdrawPerson(actor: Actor, personId: string, reason: string): Promise<void> {
    const enrollments = await rawQuery<{ id: string }>(
      this.em.fork(),
      `select id from enrollment where person_id = ? order by created_at`,
      [personId],
    );
    for (const enrollment of enrollments) await this.people.withdraw(actor, enrollment.id, `withdrawn: ${reason}`);
  }

  private async personRow(organizationId: string, id: string): Promise<PersonRow> {
    if (!isUuid(id)) throw new ScimError(404, undefined, `user ${id.slice(0, 64)} was not found`);
    const [row] = await rawQuery<PersonRow>(
      this.em.fork(),
      `${PERSON_SELECT} where p.id = ? and p.organization_id = ? and ${VISIBLE}`,
      [id, organizationId],
    );
    if (!row) throw new ScimError(404, undefined, `user ${id} was not found`);
    return row;
  }

  /** A person as a SCIM User, with the enterprise extension where it has something to say. */
  userResource(row: PersonRow): Record<string, unknown> {
    const [given, ...family] = row.name.trim().split(/\s+/);
    const enterprise: Record<string, unknown> = {};
    if (row.department) enterprise.department = row.department;
    if (row.manager_id) enterprise.manager = { value: row.manager_id, $ref: `${this.base()}/Users/${row.manager_id}` };
    const resource: Record<string, unknown> = {
      schemas: Object.keys(enterprise).length > 0 ? [SCIM.user, SCIM.enterprise] : [SCIM.user],
      id: row.id,
      ...(row.scim_external_id ? { externalId: row.scim_external_id } : {}),
      userName: row.scim_user_name ?? row.email,
      name: { formatted: row.name, givenName: given, ...(family.length > 0 ? { familyName: family.join(' ') } : {}) },
      displayName: row.name,
      emails: [{ value: row.email, type: 'work', primary: true }],
      timezone: row.timezone,
      ...(row.locale ? { preferredLanguage: row.locale } : {}),
      active: row.active,
      ...(Object.keys(enterprise).length > 0 ? { [SCIM.enterprise]: enterprise } : {}),
    };
    resource.meta = {
      resourceType: 'User',
      created: new Date(row.created_at).toISOString(),
      lastModified: new Date(row.updated_at).toISOString(),
      location: `${this.base()}/Users/${row.id}`,
      version: versionOf(resource),
    };
    return resource;
  }

  /**
   * What a User resource says about the person, checked. `before` is the resource a PATCH started from: a name is taken
   * from what the operations changed (displayName, name.formatted, or the given and family names).
   */
  private async userInput(
    organizationId: string,
    resource: Record<string, unknown>,
    current: PersonRow | null,
    before?: Record<string, unknown>,
  ): Promise<PersonInput> {
    const problems: string[] = [];
    const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
    const userName = str(resource.userName);
    if (!userName) problems.push('userName is required');
    const emails = Array.isArray(resource.emails)
      ? (resource.emails as { value?: unknown; primary?: unknown; type?: unknown }[])
      : [];
    const chosen = emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === 'work') ?? emails[0];
    const email = (str(chosen?.value) ?? (userName && EMAIL.test(userName) ? userName : undefined))?.toLowerCase();
    if (!email || !EMAIL.test(email) || email.length > LIMITS.email)
      problems.push('emails (or a userName that is an email address) must hold an email address');

    const nameOf = (r: Record<string, unknown> | undefined) => {
      const n = (r?.name ?? {}) as { formatted?: unknown; givenName?: unknown; familyName?: unknown };
      return {
        display: str(r?.displayName),
        formatted: str(n.formatted),
        parts: [str(n.givenName), str(n.familyName)].filter(Boolean).join(' ') || undefined,
      };
    };
    const now = nameOf(resource);
    const was = nameOf(before);
    const name = before
      ? ((now.display !== was.display ? now.display : undefined) ??
        (now.formatted !== was.formatted ? now.formatted : undefined) ??
        (now.parts !== was.parts ? now.parts : undefined) ??
        current?.name)
      : (now.display ?? now.formatted ?? now.parts ?? userName?.split('@')[0]);
    if (!name) problems.push('displayName or name is required');
    else if (name.length > LIMITS.name) problems.push(`the name must be at most ${LIMITS.name} characters`);

    const zone = str(resource.timezone);
    if (zone && !isTimeZone(zone))
      problems.push(`timezone "${zone.slice(0, 64)}" is not an IANA time zone such as Europe/Paris`);
    const timezone = zone ?? current?.timezone ?? 'UTC';
    // A language Tandem writes (en, de: de-DE counts as de) is kept; any other tag leaves the stored one, since
    // identity providers send a preferredLanguage for everyone and a language Tandem cannot write is no error.
    const tag = str(resource.preferredLanguage) ?? str(resource.locale);
    const parsed = tag ? parseLocaleTag(tag.slice(0, 64)) : undefined;
    const locale = parsed && 'locale' in parsed ? parsed.locale : (current?.locale ?? null);

    const extension = (resource[SCIM.enterprise] ?? {}) as { department?: unknown; manager?: unknown };
    const department = str(extension.department) ?? null;
    if (department && department.length > LIMITS.department)
      problems.push(`department must be at most ${LIMITS.department} characters`);
    const managerValue = str(
      (extension.manager as { value?: unknown } | undefined)?.value ??
        (typeof extension.manager === 'string' ? extension.manager : undefined),
    );
    let managerEmail: string | null = null;
    if (managerValue) {
      if (isUuid(managerValue)) {
        const [manager] = await rawQuery<{ email: string }>(
          this.em.fork(),
          `select email from person p where p.id = ? and p.organization_id = ? and ${VISIBLE}`,
          [managerValue, organizationId],
        );
        // A manager the identity provider has not provisioned (yet) is left out, not refused.
        managerEmail = manager?.email ?? null;
      } else if (EMAIL.test(managerValue)) managerEmail = managerValue.toLowerCase();
    }
    if (managerEmail && managerEmail === email) managerEmail = null;

    const externalId = str(resource.externalId) ?? null;
    if (externalId && externalId.length > 200) problems.push('externalId must be at most 200 characters');
    const active = resource.active === undefined ? (current?.active ?? true) : resource.active;
    if (typeof active !== 'boolean') problems.push('active must be true or false');
    if (problems.length > 0) throw new ScimError(400, 'invalidValue', problems.join('; '));
    return {
      email: email!,
      userName: userName!,
      name: name!,
      department,
      managerEmail,
      timezone,
      locale,
      active: active as boolean,
      externalId,
    };
  }

  // ---- Groups

  async listGroups(principal: ScimPrincipal, query: Record<string, unknown>) {
    const { startIndex, count } = pageOf(query);
    const filter = await parseFilter(query.filter);
    const excluded = excludedOf(query);
    const groups = await this.groupRows(principal.organizationId);
    const resources = [];
    for (const group of groups) resources.push(await this.groupResource(group));
    const matching = filter
      ? resources.filter((g) => filter.some((terms) => terms.every((term) => groupMatches(g, term))))
      : resources;
    const page = matching
      .slice(startIndex - 1, startIndex - 1 + count)
      .map((g) => (excluded.has('members') ? withoutMembers(g) : g));
    return listResponse(page, matching.length, startIndex);
  }

  async getGroup(principal: ScimPrincipal, id: string, query: Record<string, unknown> = {}) {
    const resource = await this.groupResource(await this.groupRow(principal.organizationId, id));
    return excludedOf(query).has('members') ? withoutMembers(resource) : resource;
  }

  /**
   * POST /Groups: a program's group is there as soon as the program is; "creating" `<program> coaches` or
   * `<program> coachees` claims it (201, as often as asked) and adds the members sent. Any other name is refused: the
   * program is made in Tandem, with its settings.
   */
  async createGroup(principal: ScimPrincipal, body: unknown) {
    const inbound = await validateInbound('Group', body);
    const displayName = typeof inbound.displayName === 'string' ? inbound.displayName.trim() : '';
    const groups = await this.groupRows(principal.organizationId);
    const group = groups.find((g) => groupName(g).toLowerCase() === displayName.toLowerCase());
    if (!group) {
      const names = groups.map(groupName).slice(0, 10);
      throw new ScimError(
        400,
        'invalidValue',
        `no program has the group "${displayName.slice(0, 200)}": a group is named "<program> coaches" or "<program> coachees"${names.length ? `, such as ${names.map((n) => `"${n}"`).join(', ')}` : '; create the program in Tandem first'}`,
      );
    }
    await this.setMembers(principal, group, memberIds(inbound.members), 'add');
    return this.groupResource(group);
  }

  /** PUT /Groups/{id}: the members become exactly those sent. */
  async replaceGroup(principal: ScimPrincipal, id: string, body: unknown, ifMatch: string | undefined) {
    const group = await this.groupRow(principal.organizationId, id);
    const current = await this.groupResource(group);
    checkIfMatch(ifMatch, versionOf(current));
    const inbound = await validateInbound('Group', body);
    this.sameName(group, inbound.displayName);
    await this.setMembers(principal, group, memberIds(inbound.members), 'replace');
    return this.groupResource(group);
  }

  /** PATCH /Groups/{id}: scimmy applies the operations to the group as it is; the members added and removed are acted on. */
  async patchGroup(principal: ScimPrincipal, id: string, body: unknown, ifMatch: string | undefined) {
    const group = await this.groupRow(principal.organizationId, id);
    const current = await this.groupResource(group);
    checkIfMatch(ifMatch, versionOf(current));
    const after = await applyPatch('Group', current, body);
    this.sameName(group, after.displayName);
    await this.setMembers(principal, group, memberIds(after.members), 'replace');
    return this.groupResource(group);
  }

  private sameName(group: GroupRow, displayName: unknown): void {
    if (
      displayName !== undefined &&
      (typeof displayName !== 'string' || displayName.trim().toLowerCase() !== groupName(group).toLowerCase())
    ) {
      throw new ScimError(
        400,
        'mutability',
        `a program's group keeps its name ("${groupName(group)}"); rename the program in Tandem`,
      );
    }
  }

  /** Enrolls the members added (intake's rules) and withdraws the members removed (the leave path), one by one. */
  private async setMembers(
    principal: ScimPrincipal,
    group: GroupRow,
    wanted: string[],
    mode: 'add' | 'replace',
  ): Promise<void> {
    const actor = actorOf(principal);
    const unique = [...new Set(wanted)];
    const bad = unique.filter((id) => !isUuid(id));
    const known = await rawQuery<{ id: string; active: boolean }>(
      this.em.fork(),
      `select p.id, p.active from person p where p.organization_id = ? and p.id = any(?::uuid[]) and ${VISIBLE}`,
      [principal.organizationId, unique.filter((id) => isUuid(id))],
    );
    const unknown = [...bad, ...unique.filter((id) => isUuid(id) && !known.some((k) => k.id === id))];
    if (unknown.length > 0)
      throw new ScimError(
        400,
        'invalidValue',
        `members must be users of this organization; unknown: ${unknown
          .slice(0, 5)
          .map((u) => u.slice(0, 64))
          .join(', ')}`,
      );
    const members = await this.memberRows(group);
    const present = new Set(members.map((m) => m.person_id));
    for (const person of known) {
      // A deactivated person stays out of programs until the identity provider activates them.
      if (present.has(person.id) || !person.active) continue;
      try {
        await this.intake.enrollPerson(actor, group.programId, person.id, group.role);
      } catch (err) {
        if (err instanceof DomainError && err.code === 'enrolled_in_other_role')
          throw new ScimError(409, 'uniqueness', err.message);
        throw err;
      }
    }
    if (mode === 'replace') {
      const keep = new Set(unique);
      for (const member of members) {
        if (!keep.has(member.person_id))
          await this.people.withdraw(
            actor,
            member.enrollment_id,
            `withdrawn: the identity provider removed the person from ${groupName(group)}`,
          );
      }
    }
  }

  private async groupRows(organizationId: string): Promise<GroupRow[]> {
    const programs = await rawQuery<{ id: string; name: string; created_at: Date }>(
      this.em.fork(),
      `select id, name, created_at from program where organization_id = ? order by created_at, id`,
      [organizationId],
    );
    return programs.flatMap((p) =>
      (['coach', 'coachee'] as const).map((role) => ({
        programId: p.id,
        programName: p.name,
        role,
        createdAt: p.created_at,
      })),
    );
  }

  private async groupRow(organizationId: string, id: string): Promise<GroupRow> {
    const match = GROUP_ID.exec(id);
    const group = match
      ? (await this.groupRows(organizationId)).find((g) => g.programId === match[2] && ROLE_WORD[g.role] === match[1])
      : undefined;
    if (!group) throw new ScimError(404, undefined, `group ${id.slice(0, 80)} was not found`);
    return group;
  }

  /** The group's members: enrollments of the role that are not withdrawn, of people SCIM shows. */
  private async memberRows(group: GroupRow) {
    return rawQuery<{ person_id: string; enrollment_id: string; name: string; updated_at: Date }>(
      this.em.fork(),
      `select e.person_id, e.id as enrollment_id, p.name, e.updated_at from enrollment e join person p on p.id = e.person_id
        where e.program_id = ? and e.role = ?::enrollment_role and e.status <> 'withdrawn' and ${VISIBLE} order by p.email`,
      [group.programId, group.role],
    );
  }

  private async groupResource(group: GroupRow): Promise<Record<string, unknown>> {
    const members = await this.memberRows(group);
    const id = `${ROLE_WORD[group.role]}-${group.programId}`;
    const resource: Record<string, unknown> = {
      schemas: [SCIM.group],
      id,
      displayName: groupName(group),
      members: members.map((m) => ({
        value: m.person_id,
        $ref: `${this.base()}/Users/${m.person_id}`,
        display: m.name,
      })),
    };
    const lastModified = members.reduce(
      (latest, m) => Math.max(latest, new Date(m.updated_at).getTime()),
      new Date(group.createdAt).getTime(),
    );
    resource.meta = {
      resourceType: 'Group',
      created: new Date(group.createdAt).toISOString(),
      lastModified: new Date(lastModified).toISOString(),
      location: `${this.base()}/Groups/${id}`,
      version: versionOf(resource),
    };
    return resource;
  }

  /** The names of the organization's groups, as an identity provider must spell them. */
  async groupNames(organizationId: string): Promise<string[]> {
    return (await this.groupRows(organizationId)).map(groupName);
  }

  /** What the console shows: the people SCIM created or claimed, and the organization's audit of SCIM's changes. */
  async provisioned(organizationId: string, limit = 100) {
    const em = this.em.fork();
    const people = await rawQuery<{
      id: string;
      name: string;
      email: string;
      active: boolean;
      deleted: boolean;
      provisioned_at: Date;
      enrollments: number;
    }>(
      em,
      `select p.id, p.name, p.email, p.active, p.scim_deleted_at is not null as deleted, p.scim_provisioned_at as provisioned_at,
              (select count(*)::int from enrollment e where e.person_id = p.id and e.status = 'active') as enrollments
         from person p where p.organization_id = ? and p.scim_provisioned_at is not null and p.email not like '%@erased.invalid'
        order by p.scim_provisioned_at desc, p.id limit ?`,
      [organizationId, limit],
    );
    const [{ total }] = await rawQuery<{ total: number }>(
      em,
      `select count(*)::int as total from person where organization_id = ? and scim_provisioned_at is not null`,
      [organizationId],
    );
    const changes = await rawQuery<{ action: string; subject_type: string; subject_id: string; created_at: Date }>(
      em,
      `select action, subject_type, subject_id, created_at from audit_event where organization_id = ? and actor like 'scim:%' order by created_at desc, id desc limit 50`,
      [organizationId],
    );
    return { people, total, changes };
  }
}

function actorOf(principal: ScimPrincipal): Actor {
  return { organizationId: principal.organizationId, actor: `scim:${principal.tokenId}` };
}

function storedUserName(input: PersonInput): string | null {
  return input.userName.toLowerCase() === input.email ? null : input.userName;
}

function changedFields(current: PersonRow, input: PersonInput): string[] {
  const pairs: [string, unknown, unknown][] = [
    ['email', current.email, input.email],
    ['userName', current.scim_user_name, storedUserName(input)],
    ['name', current.name, input.name],
    ['department', current.department, input.department],
    ['manager', current.manager_email, input.managerEmail],
    ['timezone', current.timezone, input.timezone],
    ['preferredLanguage', current.locale, input.locale],
    ['active', current.active, input.active],
    ['externalId', current.scim_external_id, input.externalId],
  ];
  return pairs.filter(([, a, b]) => (a ?? null) !== (b ?? null)).map(([field]) => field);
}

function groupName(group: GroupRow): string {
  return `${group.programName} ${ROLE_WORD[group.role]}`;
}

function memberIds(members: unknown): string[] {
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw new ScimError(400, 'invalidValue', 'members must be a list');
  return members.map((m) => {
    const value = (m as { value?: unknown } | null)?.value;
    if (typeof value !== 'string' || value.trim() === '')
      throw new ScimError(400, 'invalidValue', 'each member needs a value: the id of a user');
    return value.trim();
  });
}

function withoutMembers(group: Record<string, unknown>): Record<string, unknown> {
  const { members: _members, ...rest } = group;
  return rest;
}

function groupMatches(group: Record<string, unknown>, term: FilterTerm): boolean {
  const members = (group.members as { value: string }[]).map((m) => m.value);
  switch (term.path) {
    case 'displayname':
      return matchesTerm(group.displayName, term);
    case 'id':
      return matchesTerm(group.id, term, true);
    case 'externalid':
      return matchesTerm(undefined, term);
    case 'members':
    case 'members.value':
      return matchesTerm(members, term, true);
    default:
      throw new ScimError(
        400,
        'invalidFilter',
        `filtering groups on ${term.path.slice(0, 80)} is not supported; use displayName, id or members.value`,
      );
  }
}
