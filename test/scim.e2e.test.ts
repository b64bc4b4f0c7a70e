import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { inviteAdmin, PeopleAdminService } from '@tandem/workflows';
import { ConsoleClient } from './support/console-client';
import { fixtureCsv, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * SCIM 2.0 as Microsoft Entra ID and Okta speak it: the request sequences from their public SCIM docs (Entra's
 * provisioning validator, Okta's SCIM 2.0 test plan), replayed against the real api, worker, PostgreSQL, Redis and a
 * local SMTP server. Asserts the people, enrollments, withdrawals and audit in the database and the welcome emails.
 */
describe('SCIM 2.0 provisioning (Entra and Okta sequences)', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let key: string;
  let organizationId: string;
  let token: string;
  let tokenId: string;
  let programId: string;
  const scim = (method: string, url: string, json?: unknown, headers: Record<string, string> = {}) =>
    tandem.request(method, `/scim/v2${url}`, {
      key: token,
      ...(json !== undefined ? { json, contentType: 'application/scim+json' } : {}),
      headers,
    });
  const db = () => tandem.get(EntityManager).fork();
  const person = async (id: string) =>
    (
      await rawQuery<{
        email: string;
        name: string;
        active: boolean;
        timezone: string;
        department: string | null;
        manager_email: string | null;
        scim_external_id: string | null;
        scim_user_name: string | null;
        scim_deleted_at: Date | null;
      }>(
        db(),
        `select email, name, active, timezone, department, manager_email, scim_external_id, scim_user_name, scim_deleted_at from person where id = ?`,
        [id],
      )
    )[0];
  const enrollments = (personId: string) =>
    rawQuery<{ id: string; role: string; status: string; program_id: string }>(
      db(),
      `select id, role::text, status::text, program_id from enrollment where person_id = ? order by role`,
      [personId],
    );
  const welcomes = (to: string) =>
    smtp.messages.filter((m) => m.to[0] === to.toLowerCase() && m.subject === 'Welcome to Leaders 2027');

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://tandem.test' } });
    ({ apiKey: key, organizationId } = await tandem.organization('Acme'));
    ({ programId } = await seedProgram(tandem, key, { offerTtl: 'P2D' }, [
      { role: 'coach', email: 'cora.coach@acme.example', name: 'Cora Coach', capacity: 2 },
      { role: 'coach', email: 'carl.coach@acme.example', name: 'Carl Coach', capacity: 2 },
    ]));
    const created = await tandem.request('POST', '/api/v1/scim-tokens', { key, json: { name: 'Entra ID' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^tdmscim_[A-Za-z0-9_-]{43}$/);
    ({ token, id: tokenId } = created.body);
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  });

  it('keeps only the hash of a token, lists it without the secret, and answers discovery', async () => {
    const [row] = await rawQuery<{ token_hash: string }>(db(), `select token_hash from scim_token where id = ?`, [
      tokenId,
    ]);
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await rawQuery(db(), `select * from scim_token`))).not.toContain(token);
    const listed = await tandem.request('GET', '/api/v1/scim-tokens', { key });
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: tokenId, name: 'Entra ID', prefix: token.slice(0, 14), revokedAt: null }),
    ]);
    expect(listed.text).not.toContain(token);

    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.status).toBe(200);
    expect(config.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(config.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 200 },
      etag: { supported: true },
    });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((t: { id: string }) => t.id)).toEqual(['User', 'Group']);
    expect(types.body.Resources[0].schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER, ENTERPRISE, GROUP]);
    expect((await scim('GET', `/Schemas/${USER}`)).body.attributes.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining(['userName', 'name', 'emails', 'active', 'timezone']),
    );
    // An API key is not a SCIM token, and a SCIM token is not an API key.
    const withKey = await tandem.request('GET', '/scim/v2/Users', { key });
    expect(withKey.status).toBe(401);
    expect(withKey.body).toEqual({ schemas: [ERROR], status: '401', detail: 'the SCIM token is unknown or revoked' });
    expect((await tandem.request('GET', '/api/v1/programs', { key: token })).status).toBe(401);
  });

  it("replays Entra ID's validator: filter, create, get, PATCH replace in Entra's shapes, PATCH active False, groups", async () => {
    const userName = 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1';
    const email = 'Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2b@testuser.com';
    const none = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ schemas: [LIST], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });

    const created = await scim('POST', '/Users', {
      schemas: [USER, ENTERPRISE],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName,
      active: true,
      emails: [{ primary: true, type: 'work', value: email }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
      [ENTERPRISE]: { department: 'Engineering' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.headers.location).toBe(`https://tandem.test/scim/v2/Users/${id}`);
    expect(created.headers.etag).toBe(created.body.meta.version);
    expect(created.body).toMatchObject({
      userName,
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      active: true,
      displayName: 'givenName familyName',
      emails: [{ value: email.toLowerCase(), type: 'work', primary: true }],
    });
    expect(await person(id)).toMatchObject({
      email: email.toLowerCase(),
      name: 'givenName familyName',
      active: true,
      timezone: 'UTC',
      department: 'Engineering',
      scim_user_name: userName,
    });

    const got = await scim('GET', `/Users/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    const found = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`);
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(id);
    // Entra asks again with a duplicate: 409 uniqueness.
    const duplicate = await scim('POST', '/Users', {
      schemas: [USER],
      userName,
      emails: [{ primary: true, type: 'work', value: email }],
      active: true,
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ schemas: [ERROR], status: '409', scimType: 'uniqueness' });

    const cora = (await scim('GET', `/Users?filter=${encodeURIComponent('emails.value eq "cora.coach@acme.example"')}`))
      .body.Resources[0].id;
    const patched = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
        { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
        { op: 'Add', path: 'timezone', value: 'Europe/Berlin' },
        // Entra sends the manager as a bare id.
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: cora },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.meta.version).not.toBe(created.body.meta.version);
    expect(await person(id)).toMatchObject({
      email: 'updatedemail@microsoft.com',
      name: 'givenName updatedFamilyName',
      timezone: 'Europe/Berlin',
      active: true,
      manager_email: 'cora.coach@acme.example',
    });
    expect(patched.body[ENTERPRISE]).toEqual({
      department: 'Engineering',
      manager: { value: cora, $ref: `https://tandem.test/scim/v2/Users/${cora}` },
    });
    // A stale version: 412, nothing written.
    const stale = await scim(
      'PATCH',
      `/Users/${id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Late' }] },
      { 'if-match': created.body.meta.version },
    );
    expect(stale.status).toBe(412);
    expect((await person(id)).name).toBe('givenName updatedFamilyName');
    const current = await scim(
      'PATCH',
      `/Users/${id}`,
      { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'displayName', value: 'Gwen Updated' }] },
      { 'if-match': patched.body.meta.version },
    );
    expect(current.status).toBe(200);
    expect((await person(id)).name).toBe('Gwen Updated');

    // Groups: Entra looks the group up by name, then "creates" it and adds its member.
    const lookup = await scim(
      'GET',
      `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Leaders 2027 coachees"')}`,
    );
    expect(lookup.body.totalResults).toBe(1);
    expect(lookup.body.Resources[0]).not.toHaveProperty('members');
    const group = await scim('POST', '/Groups', {
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Leaders 2027 coachees',
      meta: { resourceType: 'Group' },
      members: [],
    });
    expect(group.status).toBe(201);
    expect(group.body).toMatchObject({
      id: `coachees-${programId}`,
      displayName: 'Leaders 2027 coachees',
      members: [],
    });
    const add = {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: id }] }],
    };
    const added = await scim('PATCH', `/Groups/${group.body.id}`, add);
    expect(added.status).toBe(200);
    expect(added.body.members).toEqual([expect.objectContaining({ value: id, display: 'Gwen Updated' })]);
    // The same add again (Entra retries) enrolls no one twice and welcomes once.
    expect((await scim('PATCH', `/Groups/${group.body.id}`, add)).status).toBe(200);
    const [enrollment] = await enrollments(id);
    expect(enrollment).toMatchObject({ role: 'coachee', status: 'active', program_id: programId });
    await waitFor(
      async () => (welcomes('updatedemail@microsoft.com').length === 1 ? true : undefined),
      'the welcome email',
    );
    // Entra's remove carries the members as a value list; taken out and put back, the same enrollment returns.
    const out = await scim('PATCH', `/Groups/${group.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: id }] }],
    });
    expect(out.body.members).toEqual([]);
    expect(await enrollments(id)).toEqual([expect.objectContaining({ id: enrollment.id, status: 'withdrawn' })]);
    expect((await scim('PATCH', `/Groups/${group.body.id}`, add)).body.members).toHaveLength(1);
    expect(await enrollments(id)).toEqual([expect.objectContaining({ id: enrollment.id, status: 'active' })]);
    const audit = await rawQuery<{ action: string; actor: string }>(
      db(),
      `select action, actor from audit_event where subject_id in (?, ?) order by created_at, action`,
      [id, enrollment.id],
    );
    expect(audit.map((a) => a.action)).toEqual([
      'person.provisioned',
      'person.updated',
      'person.updated',
      'enrollment.created',
      'enrollment.withdrawn',
      'enrollment.resumed',
    ]);
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set([`scim:${tokenId}`]));

    // A coach takes the coachee: a round, published, an offer open to a coach.
    const round = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    await roundDone(tandem, key, round.body.id);
    expect((await tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key })).status).toBe(200);
    const offer = await waitFor(
      async () => smtp.messages.find((m) => m.subject.startsWith('Coaching offer')),
      'the offer email',
    );
    expect(offerLink(offer.text)).toContain('/offers/');
    const [{ status: before }] = await rawQuery<{ status: string }>(
      db(),
      `select status::text from pairing where coachee_id = ?`,
      [enrollment.id],
    );
    expect(before).toBe('offered');

    // Deactivated, in Entra's shape ("False" as a string): out of the pool, the open offer withdrawn, history kept.
    const off = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
    });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect(await person(id)).toMatchObject({ active: false, email: 'updatedemail@microsoft.com' });
    expect(await enrollments(id)).toEqual([expect.objectContaining({ status: 'withdrawn' })]);
    const pairings = await rawQuery<{ status: string; decision: string; decline_reason: string }>(
      db(),
      `select pr.status::text, o.decision::text, o.decline_reason from pairing pr join offer o on o.pairing_id = pr.id where pr.coachee_id = ?`,
      [enrollment.id],
    );
    expect(pairings).toEqual([
      {
        status: 'declined',
        decision: 'declined',
        decline_reason: 'withdrawn: the identity provider deactivated the person',
      },
    ]);
    const actions = (
      await rawQuery<{ action: string }>(
        db(),
        `select action from audit_event where subject_id = ? or subject_id = ? order by created_at`,
        [id, enrollment.id],
      )
    ).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['person.deactivated', 'enrollment.withdrawn']));
    // No re-match offers the withdrawn coachee another coach.
    await waitFor(async () => {
      const [{ n }] = await rawQuery<{ n: number }>(
        db(),
        `select count(*)::int as n from pairing where coachee_id = ?`,
        [enrollment.id],
      );
      const queued = await rawQuery(db(), `select 1 from outbox_message where status not in ('sent', 'failed')`);
      return n === 1 && queued.length === 0 ? true : undefined;
    }, 'the follow-up to settle');
    expect((await scim('GET', `/Groups/${group.body.id}`)).body.members).toEqual([]);
    // While deactivated, an import of the same person does not put them back in the pool, nor does the console's resume.
    const reimport = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key,
      body: fixtureCsv([{ role: 'coachee', email: 'updatedemail@microsoft.com', name: 'Gwen Updated' }]),
    });
    expect(reimport.status).toBe(202);
    await waitFor(
      async () =>
        (await tandem.request('GET', `/api/v1/imports/${reimport.body.id}`, { key })).body.status === 'succeeded'
          ? true
          : undefined,
      'the import',
    );
    expect(await enrollments(id)).toEqual([expect.objectContaining({ id: enrollment.id, status: 'withdrawn' })]);
    await expect(
      tandem.get(PeopleAdminService).resume({ organizationId, actor: 'test' }, enrollment.id),
    ).rejects.toMatchObject({ code: 'deactivated' });
    expect(welcomes('updatedemail@microsoft.com')).toHaveLength(1);
    // Two identity-provider requests creating one new user at once: one 201, one 409, one person.
    const twin = { schemas: [USER], userName: 'twin@acme.example', active: true };
    const both = await Promise.all([scim('POST', '/Users', twin), scim('POST', '/Users', twin)]);
    expect(both.map((b) => b.status).sort()).toEqual([201, 409]);
    expect(await rawQuery(db(), `select id from person where email = 'twin@acme.example'`)).toHaveLength(1);
  });

  it("replays Okta's test plan: filter, create with a password, PUT, PATCH active false, group push and members", async () => {
    const none = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "test.user@okta.local"')}&startIndex=1&count=100`,
    );
    expect(none.body.totalResults).toBe(0);
    const created = await scim('POST', '/Users', {
      schemas: [USER],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).not.toHaveProperty('password');
    expect(JSON.stringify(await rawQuery(db(), `select * from person where id = ?`, [id]))).not.toContain('1mz050nq');
    expect((await person(id)).scim_user_name).toBeNull();
    expect(
      (
        await scim(
          'GET',
          `/Users?filter=${encodeURIComponent('externalId eq "00ujl29u0le5T6Aj10h7" and emails.value eq "TEST.USER@okta.local"')}`,
        )
      ).body.totalResults,
    ).toBe(1);

    const put = await scim('PUT', `/Users/${id}`, {
      schemas: [USER, ENTERPRISE],
      id,
      userName: 'test.user@okta.local',
      name: { givenName: 'Another', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Another User',
      timezone: 'America/Los_Angeles',
      externalId: '00ujl29u0le5T6Aj10h7',
      active: true,
      [ENTERPRISE]: {
        department: 'Sales',
        manager: {
          value: (await scim('GET', `/Users?filter=${encodeURIComponent('displayName eq "Cora Coach"')}`)).body
            .Resources[0].id,
        },
      },
    });
    expect(put.status).toBe(200);
    expect(await person(id)).toMatchObject({
      name: 'Another User',
      timezone: 'America/Los_Angeles',
      department: 'Sales',
      manager_email: 'cora.coach@acme.example',
    });
    expect(put.body[ENTERPRISE]).toMatchObject({ department: 'Sales', manager: { value: expect.any(String) } });

    // Group push: Okta creates the group, renames it to the same name, adds and removes members.
    const pushed = await scim('POST', '/Groups', {
      schemas: [GROUP],
      displayName: 'leaders 2027 COACHEES',
      members: [{ value: id, display: 'test.user@okta.local' }],
    });
    expect(pushed.status).toBe(201);
    expect(pushed.body.members.map((m: { value: string }) => m.value)).toContain(id);
    await waitFor(async () => (welcomes('test.user@okta.local').length === 1 ? true : undefined), 'the welcome email');
    const rename = await scim('PATCH', `/Groups/${pushed.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { id: pushed.body.id, displayName: 'Leaders 2027 coachees' } }],
    });
    expect(rename.status).toBe(200);
    const removed = await scim('PATCH', `/Groups/${pushed.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }],
    });
    expect(removed.status).toBe(200);
    expect(removed.body.members.map((m: { value: string }) => m.value)).not.toContain(id);
    expect(await enrollments(id)).toEqual([expect.objectContaining({ role: 'coachee', status: 'withdrawn' })]);
    // Added back: the same enrollment returns to the pool, no second welcome.
    const back = await scim('PATCH', `/Groups/${pushed.body.id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: id, display: 'test.user@okta.local' }] }],
    });
    expect(back.body.members.map((m: { value: string }) => m.value)).toContain(id);
    expect(await enrollments(id)).toEqual([expect.objectContaining({ role: 'coachee', status: 'active' })]);
    // In the other role of the same program: refused, as an import would.
    const other = await scim('PATCH', `/Groups/coaches-${programId}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: 'members', value: [{ value: id }] }],
    });
    expect(other.status).toBe(409);
    expect(other.body.scimType).toBe('uniqueness');

    const off = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', value: { active: false } }],
    });
    expect(off.status).toBe(200);
    expect(await person(id)).toMatchObject({ active: false });
    expect(await enrollments(id)).toEqual([expect.objectContaining({ status: 'withdrawn' })]);
    expect(welcomes('test.user@okta.local')).toHaveLength(1);

    // DELETE: gone for SCIM (404), the person and their enrollment kept.
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
    expect((await person(id)).scim_deleted_at).not.toBeNull();
    expect(await enrollments(id)).toHaveLength(1);
  });

  it('enrolls once and welcomes once when the same member is added by several requests at once', async () => {
    const user = await scim('POST', '/Users', {
      schemas: [USER],
      userName: 'parallel@acme.example',
      displayName: 'Pat Parallel',
      active: true,
    });
    const add = { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: user.body.id }] }] };
    const answers = await Promise.all([1, 2, 3, 4].map(() => scim('PATCH', `/Groups/coachees-${programId}`, add)));
    // A request that finds the program's write lock held answers 503 with Retry-After; the identity provider retries.
    for (const answer of answers) expect([200, 503]).toContain(answer.status);
    for (const busy of answers.filter((a) => a.status === 503)) expect(busy.headers['retry-after']).toBe('10');
    expect(answers.some((a) => a.status === 200)).toBe(true);
    const retried = await scim('PATCH', `/Groups/coachees-${programId}`, add);
    expect(retried.status).toBe(200);
    expect(await enrollments(user.body.id)).toEqual([expect.objectContaining({ role: 'coachee', status: 'active' })]);
    await waitFor(async () => (welcomes('parallel@acme.example').length === 1 ? true : undefined), 'the welcome email');
    await waitFor(
      async () =>
        (await rawQuery(db(), `select 1 from outbox_message where status not in ('sent', 'failed')`)).length === 0
          ? true
          : undefined,
      'the outbox to drain',
    );
    expect(welcomes('parallel@acme.example')).toHaveLength(1);
    const [{ n }] = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from audit_event where action = 'enrollment.created' and subject_id = ?`,
      [(await enrollments(user.body.id))[0].id],
    );
    expect(n).toBe(1);
  });

  it("takes the person's language from preferredLanguage when Tandem writes it, and keeps it for one it does not", async () => {
    const created = await scim('POST', '/Users', {
      schemas: [USER],
      userName: 'lena.lang@acme.example',
      displayName: 'Lena Lang',
      emails: [{ value: 'lena.lang@acme.example', primary: true }],
      preferredLanguage: 'de-DE',
      active: true,
    });
    expect(created.status).toBe(201);
    const locale = async () =>
      (await rawQuery<{ locale: string | null }>(db(), `select locale from person where id = ?`, [created.body.id]))[0]
        .locale;
    expect(await locale()).toBe('de');
    expect((await scim('GET', `/Users/${created.body.id}`)).body.preferredLanguage).toBe('de');
    const replace = (value: string) =>
      scim('PATCH', `/Users/${created.body.id}`, {
        schemas: [PATCH_OP],
        Operations: [{ op: 'replace', path: 'preferredLanguage', value }],
      });
    expect((await replace('fr-FR')).status).toBe(200);
    expect(await locale()).toBe('de');
    expect((await replace('en-US')).status).toBe(200);
    expect(await locale()).toBe('en');
    const [audit] = await rawQuery<{ data: { fields: string[] } }>(
      db(),
      `select data from audit_event where subject_id = ? and action = 'person.updated' order by created_at desc limit 1`,
      [created.body.id],
    );
    expect(audit.data.fields).toEqual(['preferredLanguage']);
  });

  it('pages with startIndex and count, and claims a person an import created', async () => {
    const all = await scim('GET', '/Users?count=1');
    expect(all.body.itemsPerPage).toBe(1);
    const total = all.body.totalResults;
    expect(total).toBeGreaterThanOrEqual(3);
    const second = await scim('GET', '/Users?startIndex=2&count=1');
    expect(second.body).toMatchObject({ startIndex: 2, itemsPerPage: 1, totalResults: total });
    expect(second.body.Resources[0].id).not.toBe(all.body.Resources[0].id);
    expect((await scim('GET', `/Users?startIndex=${total + 1}`)).body.Resources).toEqual([]);

    // Carl came by CSV: Okta finds him by userName and takes him over; a POST claims him rather than failing.
    const carl = await scim('GET', `/Users?filter=${encodeURIComponent('userName eq "carl.coach@acme.example"')}`);
    expect(carl.body.totalResults).toBe(1);
    const claimed = await scim('POST', '/Users', {
      schemas: [USER],
      userName: 'carl.coach@acme.example',
      displayName: 'Carl Coach',
      externalId: 'okta-carl',
      active: true,
    });
    expect(claimed.status).toBe(201);
    expect(claimed.body.id).toBe(carl.body.Resources[0].id);
    const [{ n }] = await rawQuery<{ n: number }>(
      db(),
      `select count(*)::int as n from person where email = 'carl.coach@acme.example'`,
    );
    expect(n).toBe(1);
    expect((await enrollments(claimed.body.id)).map((e) => e.status)).toEqual(['active']);
  });

  it('runs from the console: the address and groups shown, a token created (shown once) and revoked, the people provisioned listed', async () => {
    await inviteAdmin(tandem.get(EntityManager), organizationId, 'it.admin@acme.example');
    const browser = new ConsoleClient(tandem);
    expect((await browser.get('/console/scim')).status).toBe(303);
    await browser.signIn('it.admin@acme.example', smtp);
    const page = await browser.get('/console/scim');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<code>https://tandem.test/scim/v2</code>');
    expect(page.text).toContain('<li>Leaders 2027 coaches</li>');
    expect(page.text).toContain('<li>Leaders 2027 coachees</li>');
    expect(page.text).toContain('Entra ID');
    expect(page.text).not.toContain(token);
    // The people the sequences above provisioned, with their state in words, and what SCIM did to them.
    expect(page.text).toMatch(
      /<td data-label="Name">Gwen Updated<\/td><td data-label="Email">updatedemail@microsoft.com<\/td><td data-label="State">Deactivated<\/td>/,
    );
    expect(page.text).toContain('<td data-label="State">Deleted by the identity provider</td>');
    expect(page.text).toContain('Withdrawn from a program (open offers withdrawn)');
    expect(page.text).toContain('Enrolled in a program (welcome email sent)');

    const refused = await browser.post('/console/scim/tokens', { name: '' }, page.text);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('The token was not created');
    const created = await browser.post('/console/scim/tokens', { name: 'Okta <b>prod</b>' }, page.text);
    expect(created.status).toBe(201);
    expect(created.text).toContain('Token “Okta &lt;b&gt;prod&lt;/b&gt;” created.');
    const fresh = /<code>(tdmscim_[A-Za-z0-9_-]{43})<\/code>/.exec(created.text)![1];
    expect((await tandem.request('GET', '/scim/v2/Users?count=1', { key: fresh })).status).toBe(200);
    expect((await browser.get('/console/scim')).text).not.toContain(fresh);
    const [{ id }] = await rawQuery<{ id: string }>(db(), `select id from scim_token where name = 'Okta <b>prod</b>'`);
    const revoked = await browser.post(`/console/scim/tokens/${id}/revoke`, {}, created.text);
    expect(revoked.status).toBe(200);
    expect(revoked.text).toContain('is revoked');
    expect((await tandem.request('GET', '/scim/v2/Users?count=1', { key: fresh })).status).toBe(401);
    // Without the form's CSRF token nothing is created.
    const before = await rawQuery(db(), `select id from scim_token`);
    expect(
      (await browser.post('/console/scim/tokens', { name: 'Forged', _csrf: 'forged' })).status,
    ).toBeGreaterThanOrEqual(400);
    expect(await rawQuery(db(), `select id from scim_token`)).toEqual(before);
    const audit = await rawQuery<{ action: string }>(
      db(),
      `select action from audit_event where subject_id = ? order by created_at`,
      [id],
    );
    expect(audit.map((a) => a.action)).toEqual(['scim-token.created', 'scim-token.revoked']);
  });
});
