import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { OrganizationsService } from '@tandem/workflows';
import { CSV_HEADER, participantCsv } from './support/participants';
import { TestTandem } from './support/tandem';
import { tableCounts as countRows } from './support/table-counts';

describe('api: keys, roles, tenants and bad input', () => {
  let tandem: TestTandem;
  let admin: string;
  let operator: string;
  let otherAdmin: string;
  let organizationId: string;
  let programId: string;
  let otherProgramId: string;

  beforeAll(async () => {
    tandem = await TestTandem.start({ worker: false, env: { BODY_LIMIT: '64kb' } });
    ({ apiKey: admin, organizationId } = await tandem.organization('Acme'));
    ({ apiKey: operator } = await tandem.get(OrganizationsService).createApiKey(organizationId, 'operator' as never));
    ({ apiKey: otherAdmin } = await tandem.organization('Globex'));
    programId = (await tandem.request('POST', '/api/v1/programs', { key: admin, json: { name: 'Acme managers' } })).body
      .id;
    otherProgramId = (
      await tandem.request('POST', '/api/v1/programs', { key: otherAdmin, json: { name: 'Globex managers' } })
    ).body.id;
  });

  afterAll(() => tandem?.stop());

  const tableCounts = () => countRows(tandem.get(EntityManager).fork());

  it('stores only a hash of each key and never the key itself', async () => {
    const rows = await rawQuery<{ key_hash: string; prefix: string }>(
      tandem.get(EntityManager).fork(),
      'select key_hash, prefix from api_key',
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect([admin, operator, otherAdmin]).not.toContain(row.key_hash);
    }
    expect(admin).toMatch(/^tdm_[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 without a key, with an unknown key, and with a revoked key', async () => {
    expect((await tandem.request('GET', '/api/v1/programs')).status).toBe(401);
    const unknown = await tandem.request('GET', '/api/v1/programs', { key: 'tdm_' + 'x'.repeat(43) });
    expect(unknown.status).toBe(401);
    expect(unknown.body.code).toBe('unauthenticated');
    expect(unknown.headers['www-authenticate']).toBe('Bearer');
    const issued = await tandem.request('POST', '/api/v1/api-keys', { key: admin, json: { role: 'operator' } });
    expect(issued.status).toBe(201);
    expect((await tandem.request('GET', '/api/v1/programs', { key: issued.body.apiKey })).status).toBe(200);
    expect((await tandem.request('DELETE', `/api/v1/api-keys/${issued.body.id}`, { key: admin })).status).toBe(204);
    expect((await tandem.request('GET', '/api/v1/programs', { key: issued.body.apiKey })).status).toBe(401);
  });

  it('lets an operator read but not write (403), and keeps the outbox from operators', async () => {
    expect((await tandem.request('GET', `/api/v1/programs/${programId}`, { key: operator })).status).toBe(200);
    const before = await tableCounts();
    const writes = [
      await tandem.request('POST', '/api/v1/programs', { key: operator, json: { name: 'Nope' } }),
      await tandem.request('PATCH', `/api/v1/programs/${programId}`, { key: operator, json: { name: 'Nope' } }),
      await tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key: operator, body: participantCsv(2) }),
      await tandem.request('POST', '/api/v1/api-keys', { key: operator, json: { role: 'admin' } }),
      await tandem.request('GET', '/api/v1/outbox', { key: operator }),
    ];
    expect(writes.map((w) => w.status)).toEqual([403, 403, 403, 403, 403]);
    expect(writes.every((w) => w.body.code === 'forbidden')).toBe(true);
    expect(await tableCounts()).toEqual(before);
  });

  it("answers 404 for another organization's ids, for reads and writes alike", async () => {
    const before = await tableCounts();
    const answers = [
      await tandem.request('GET', `/api/v1/programs/${otherProgramId}`, { key: admin }),
      await tandem.request('PATCH', `/api/v1/programs/${otherProgramId}`, { key: admin, json: { name: 'Mine now' } }),
      await tandem.request('POST', `/api/v1/programs/${otherProgramId}/imports`, {
        key: admin,
        body: participantCsv(2),
      }),
      await tandem.request('GET', `/api/v1/programs/${otherProgramId}/enrollments`, { key: admin }),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    const mine = await tandem.request('GET', '/api/v1/programs', { key: admin });
    expect(mine.body.items.map((p: { id: string }) => p.id)).toEqual([programId]);
    expect(await tableCounts()).toEqual(before);
  });

  it('creates programs with the documented defaults and guards stale updates', async () => {
    const program = (await tandem.request('GET', `/api/v1/programs/${programId}`, { key: admin })).body;
    expect(program.skills.map((s: { key: string }) => s.key)).toEqual([
      'active_listening',
      'empathy',
      'emotional_intelligence',
      'trust_building',
      'clear_communication',
    ]);
    expect(program).toMatchObject({
      offerTtl: 'P7D',
      cadence: { interval: 'P14D', sessions: 6 },
      policy: { objective: 'matched-then-score' },
      version: 1,
    });
    const updated = await tandem.request('PATCH', `/api/v1/programs/${programId}`, {
      key: admin,
      json: { version: 1, cadence: { interval: 'PT5S' } },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, cadence: { interval: 'PT5S', sessions: 6 } });
    const stale = await tandem.request('PATCH', `/api/v1/programs/${programId}`, {
      key: admin,
      json: { version: 1, name: 'Stale' },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_version');
  });

  const csvWith = (...rows: string[]) => [CSV_HEADER, ...rows].join('\n');
  const good = 'coachee,a@x.example,A,,,,Europe/Paris,en,,1,2,3,4,5,,';
  const badRequests: [string, () => Promise<{ status: number; body: { code?: string } }>, number, string?][] = [
    [
      'unbalanced quotes',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith('coachee,"a@x.example,A,,,,Europe/Paris,en,,1,2,3,4,5,,'),
        }),
      422,
      'import_invalid',
    ],
    [
      'ragged row',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith(good, 'coachee,b@x.example,B'),
        }),
      422,
      'import_invalid',
    ],
    [
      'missing column',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: 'role,email,name\ncoach,a@x.example,A',
        }),
      422,
      'import_invalid',
    ],
    [
      'unknown column',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith(good).replace('bio', 'shoe_size'),
        }),
      422,
      'import_invalid',
    ],
    [
      'unknown role',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith(good.replace('coachee', 'mentor')),
        }),
      422,
      'import_invalid',
    ],
    [
      'skill above 5',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith(good.replace(',5,,', ',6,,')),
        }),
      422,
      'import_invalid',
    ],
    [
      'skill not a number',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith(good.replace(',5,,', ',five,,')),
        }),
      422,
      'import_invalid',
    ],
    [
      'bad email',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith(good.replace('a@x.example', 'a@@x')),
        }),
      422,
      'import_invalid',
    ],
    [
      'unknown time zone',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith(good.replace('Europe/Paris', 'Europe/Atlantis')),
        }),
      422,
      'import_invalid',
    ],
    [
      'duplicate email',
      () => tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key: admin, body: csvWith(good, good) }),
      422,
      'import_invalid',
    ],
    [
      'coach and coachee at once',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: csvWith(good, good.replace('coachee', 'coach')),
        }),
      422,
      'import_invalid',
    ],
    [
      'empty CSV',
      () => tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key: admin, body: '' }),
      422,
      'import_invalid',
    ],
    [
      'header only',
      () => tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key: admin, body: CSV_HEADER }),
      422,
      'import_invalid',
    ],
    [
      'wrong content type',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: 'hello',
          contentType: 'text/plain',
        }),
      415,
      'unsupported_media_type',
    ],
    [
      'body over the limit',
      () => tandem.request('POST', `/api/v1/programs/${programId}/imports`, { key: admin, body: participantCsv(2000) }),
      413,
      'body_too_large',
    ],
    [
      'invalid UTF-8',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
          key: admin,
          body: Buffer.concat([Buffer.from(csvWith(good)), Buffer.from([0xff, 0xfe, 0x0a])]),
        }),
      400,
      'invalid_encoding',
    ],
    [
      'malformed JSON',
      () =>
        tandem.request('POST', '/api/v1/programs', { key: admin, body: '{"name":', contentType: 'application/json' }),
      400,
      'invalid_json',
    ],
    [
      'unknown JSON field',
      () => tandem.request('POST', '/api/v1/programs', { key: admin, json: { name: 'X', colour: 'red' } }),
      422,
      'validation_failed',
    ],
    [
      'missing name',
      () => tandem.request('POST', '/api/v1/programs', { key: admin, json: {} }),
      422,
      'validation_failed',
    ],
    [
      'name of the wrong type',
      () => tandem.request('POST', '/api/v1/programs', { key: admin, json: { name: 42 } }),
      422,
      'validation_failed',
    ],
    [
      'very long name',
      () => tandem.request('POST', '/api/v1/programs', { key: admin, json: { name: 'x'.repeat(5000) } }),
      422,
      'validation_failed',
    ],
    [
      'bad duration',
      () => tandem.request('POST', '/api/v1/programs', { key: admin, json: { name: 'X', offerTtl: '7 days' } }),
      422,
      'validation_failed',
    ],
    [
      'huge weight',
      () =>
        tandem.request('POST', '/api/v1/programs', {
          key: admin,
          json: { name: 'X', skills: [{ key: 'a', label: 'A', weight: 1e308 }] },
        }),
      422,
      'validation_failed',
    ],
    [
      'CSV sent to a JSON route',
      () => tandem.request('POST', '/api/v1/programs', { key: admin, body: 'name\nX' }),
      415,
      'unsupported_media_type',
    ],
    [
      'JSON enrollment with negative capacity',
      () =>
        tandem.request('POST', `/api/v1/programs/${programId}/enrollments`, {
          key: admin,
          json: {
            role: 'coach',
            email: 'c@x.example',
            name: 'C',
            timezone: 'UTC',
            capacity: -1,
            skills: {
              active_listening: 1,
              empathy: 1,
              emotional_intelligence: 1,
              trust_building: 1,
              clear_communication: 1,
            },
          },
        }),
      422,
      'validation_failed',
    ],
    [
      'path traversal as an id',
      () => tandem.request('GET', '/api/v1/programs/..%2F..%2Fetc%2Fpasswd', { key: admin }),
      404,
      'not_found',
    ],
    [
      'SQL as an id',
      () => tandem.request('GET', `/api/v1/imports/${encodeURIComponent("1' or '1'='1")}`, { key: admin }),
      404,
      'not_found',
    ],
    [
      'bad limit',
      () => tandem.request('GET', `/api/v1/programs/${programId}/enrollments?limit=-5`, { key: admin }),
      422,
      'validation_failed',
    ],
    [
      'bad key role',
      () => tandem.request('POST', '/api/v1/api-keys', { key: admin, json: { role: 'root' } }),
      422,
      'validation_failed',
    ],
    [
      'revoke a malformed key id',
      () => tandem.request('DELETE', '/api/v1/api-keys/not-a-key', { key: admin }),
      404,
      'not_found',
    ],
  ];

  it.each(badRequests)('answers %s with a clear 4xx and changes nothing', async (_name, send, status, code) => {
    const before = await tableCounts();
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(typeof answer.body.code).toBe('string');
    if (code) expect(answer.body).toMatchObject({ code });
    expect(await tableCounts()).toEqual(before);
  });

  it('sends GET / to the console', async () => {
    const root = await tandem.request('GET', '/', { headers: { accept: 'text/html' } });
    expect(root.status).toBe(303);
    expect(root.headers.location).toBe('/console');
    // Signed out, the console sends on to its programs, and those to the sign-in page.
    const home = await tandem.request('GET', '/console', { headers: { accept: 'text/html' } });
    expect([home.status, home.headers.location]).toEqual([303, '/console/programs']);
    const programs = await tandem.request('GET', '/console/programs', { headers: { accept: 'text/html' } });
    expect([programs.status, programs.headers.location]).toEqual([303, '/console/signin']);
  });

  it("guards a pairing's sessions like the pairing: a key, and the organization's own ids", async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await tandem.request('GET', `/api/v1/pairings/${missing}/sessions`)).status).toBe(401);
    expect(
      (await tandem.request('GET', `/api/v1/pairings/${missing}/sessions`, { key: 'tdm_' + 'x'.repeat(43) })).status,
    ).toBe(401);
    const unknown = await tandem.request('GET', `/api/v1/pairings/${missing}/sessions`, { key: admin });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'not_found']);
    expect((await tandem.request('GET', '/api/v1/pairings/not-a-uuid/sessions', { key: operator })).status).toBe(404);
    const docs = await tandem.request('GET', '/docs-json');
    expect(Object.keys(docs.body.paths)).toContain('/api/v1/pairings/{id}/sessions');
  });

  it('answers every date as ISO 8601 UTC', async () => {
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    const program = (await tandem.request('GET', `/api/v1/programs/${programId}`, { key: admin })).body;
    expect(program.createdAt).toMatch(iso);
    const imported = await tandem.request('POST', `/api/v1/programs/${programId}/imports`, {
      key: admin,
      body: participantCsv(2, 'dates.example'),
    });
    expect(imported.status).toBe(202);
    const batch = (await tandem.request('GET', `/api/v1/imports/${imported.body.id}`, { key: admin })).body;
    for (const [key, value] of Object.entries(batch))
      if (/At$/.test(key) && value !== null) expect([key, value]).toEqual([key, expect.stringMatching(iso)]);
  });

  it('describes every request body of the API in the OpenAPI document, from the schema that validates it', async () => {
    const docs = (await tandem.request('GET', '/docs-json')).body as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema?: Record<string, unknown> }> } }>
      >;
    };
    // Operations that read no body (an action on the path's resource), and the participant files, which the import's
    // own parser validates per program skill framework (docs/people-csv.md describes their columns).
    const noBody = [
      'post /api/v1/programs/{id}/rounds',
      'post /api/v1/rounds/{id}/publish',
      'post /api/v1/enrollments/{id}/return-to-pool',
      'post /api/v1/webhooks/{id}/deliveries/{deliveryId}/replay',
      'post /api/v1/webhooks/{id}/test',
      'post /api/v1/programs/{id}/invitations/remind',
      'post /api/v1/programs/{id}/registration/close',
    ];
    // The roster of invitations is such a file too (or the participant file itself; docs/questionnaires.md).
    const participantFiles = [
      'post /api/v1/programs/{id}/imports',
      'post /api/v1/programs/{id}/enrollments',
      'post /api/v1/programs/{id}/invitations',
    ];
    const described: string[] = [];
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(docs.paths)) {
      if (!path.startsWith('/api/v1/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        const id = `${method} ${path}`;
        const takesBody =
          ['post', 'put', 'patch'].includes(method) || id === 'delete /api/v1/rounds/{id}/pins/{coacheeId}';
        if (!takesBody || noBody.includes(id) || participantFiles.includes(id)) continue;
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (schema && (schema.properties || schema.type)) described.push(id);
        else missing.push(id);
      }
    }
    expect(missing).toEqual([]);
    expect(described).toEqual(
      expect.arrayContaining([
        'post /api/v1/programs',
        'patch /api/v1/programs/{id}',
        'post /api/v1/rounds/{id}/pins',
        'post /api/v1/people/{id}/erase',
        'post /api/v1/webhooks',
      ]),
    );
    // The generated schema is the validating one: its fields and required list.
    const pin = docs.paths['/api/v1/rounds/{id}/pins'].post.requestBody!.content['application/json'].schema!;
    expect(Object.keys(pin.properties as object).sort()).toEqual(['coachId', 'coacheeId', 'revision']);
    expect((pin.required as string[]).sort()).toEqual(['coachId', 'coacheeId', 'revision']);
  });

  it('serves health, readiness and the OpenAPI document without a key', async () => {
    expect((await tandem.request('GET', '/health')).body).toEqual({ status: 'ok' });
    const ready = await tandem.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: { ok: true }, migrations: { ok: true }, redis: { ok: true } });
    const docs = await tandem.request('GET', '/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/programs', '/api/v1/programs/{id}/imports', '/api/v1/imports/{id}']),
    );
  });
});
