import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { CSV_HEADER, participantCsv } from './support/participants';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';
import { tableCounts as countRows } from './support/table-counts';

type Send = () => ReturnType<TestTandem['request']>;
/** A case: its name, the request, and the status expected ('4xx' where any client error is right). */
type Case = [string, Send, number | '4xx', string?];

const HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>';
const SQL = "'); drop table person; --";

/**
 * Bad input, as a table: every route given wrong types, missing and unknown fields, huge numbers, negative capacities,
 * very long strings, invalid UTF-8, wrong content types, oversized bodies, path traversal and SQL in ids. Each answers
 * a 4xx with a JSON error code and leaves every table's row count as it was. Then HTML, SQL and spreadsheet formulas in
 * every text field are stored as text and come back escaped in pages and emails.
 */
describe('bad input: a 4xx with a JSON code, and nothing changed', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let key: string;
  let otherKey: string;
  let programId: string;
  let roundId: string;
  let coacheeId: string;
  let coachId: string;
  let personId: string;
  let scimToken: string;

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({
      env: { SMTP_URL: smtp.url, BODY_LIMIT: '64kb', PUBLIC_URL: 'https://tandem.test', PAGE_RATE_LIMIT: '1000' },
    });
    ({ apiKey: key } = await tandem.organization('Acme'));
    ({ apiKey: otherKey } = await tandem.organization('Globex'));
    const seeded = await seedProgram(tandem, key, {}, [
      { role: 'coach', email: 'coach@bad.example', name: 'Cora Coach', capacity: 2 },
      { role: 'coachee', email: 'coachee@bad.example', name: 'Eli Coachee' },
    ]);
    programId = seeded.programId;
    coacheeId = seeded.idOf('coachee@bad.example');
    coachId = seeded.idOf('coach@bad.example');
    personId = (
      await rawQuery<{ person_id: string }>(
        tandem.get(EntityManager).fork(),
        `select person_id from enrollment where id = ?`,
        [coacheeId],
      )
    )[0].person_id;
    roundId = (await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key })).body.id;
    await roundDone(tandem, key, roundId);
    scimToken = (await tandem.request('POST', '/api/v1/scim-tokens', { key, json: { name: 'Bad-input IdP' } })).body
      .token;
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  });

  const db = () => tandem.get(EntityManager).fork();
  const tableCounts = () => countRows(db());

  const req =
    (method: string, url: string, options: Parameters<TestTandem['request']>[2] = {}) =>
    () =>
      tandem.request(method, url, { key, ...options });
  const foreign = (method: string, url: string, options: Parameters<TestTandem['request']>[2] = {}) =>
    tandem.request(method, url, { ...options, key: otherKey });
  const post = (url: string, json: unknown) => req('POST', url, { json });
  const raw = (method: string, url: string, body: string | Buffer, contentType: string) =>
    req(method, url, { body, contentType });
  const csv = (...rows: string[]) => [CSV_HEADER, ...rows].join('\n');
  const row = 'coachee,a@x.example,A,,,,Europe/Paris,en,,1,2,3,4,5,,';
  const skills = {
    active_listening: 1,
    empathy: 1,
    emotional_intelligence: 1,
    trust_building: 1,
    clear_communication: 1,
  };
  const person = { role: 'coach', email: 'new@x.example', name: 'New', timezone: 'UTC', capacity: 2, skills };
  const importUrl = () => `/api/v1/programs/${programId}/imports`;
  const enrollUrl = () => `/api/v1/programs/${programId}/enrollments`;
  const pin = (json: unknown) => () => tandem.request('POST', `/api/v1/rounds/${roundId}/pins`, { key, json });

  /** Single sign-on settings that would pass but for the one field a case changes (nothing answers at this issuer). */
  const sso = {
    issuer: 'https://login.acme.example',
    clientId: 'tandem',
    clientSecret: 'a-client-secret',
    allowedDomains: ['acme.example'],
  };

  const cases: Case[] = [
    // POST /api/v1/programs
    [
      'program: malformed JSON',
      () => raw('POST', '/api/v1/programs', '{"name":', 'application/json')(),
      400,
      'invalid_json',
    ],
    ['program: empty JSON body', () => raw('POST', '/api/v1/programs', '', 'application/json')(), '4xx'],
    ['program: a JSON array', () => post('/api/v1/programs', [{ name: 'X' }])(), 422, 'validation_failed'],
    ['program: a JSON string', () => post('/api/v1/programs', 'X')(), 422],
    ['program: name missing', () => post('/api/v1/programs', {})(), 422, 'validation_failed'],
    ['program: name a number', () => post('/api/v1/programs', { name: 42 })(), 422, 'validation_failed'],
    ['program: name null', () => post('/api/v1/programs', { name: null })(), 422, 'validation_failed'],
    ['program: name blank', () => post('/api/v1/programs', { name: '   ' })(), 422, 'validation_failed'],
    [
      'program: name of 5,000 characters',
      () => post('/api/v1/programs', { name: 'x'.repeat(5000) })(),
      422,
      'validation_failed',
    ],
    ['program: name with a NUL byte', () => post('/api/v1/programs', { name: 'a\u0000b' })(), 400, 'invalid_encoding'],
    [
      'program: a NUL byte deep in a setting',
      () => post('/api/v1/programs', { name: 'X', skills: [{ key: 'a\u0000', label: 'A', weight: 1 }] })(),
      400,
      'invalid_encoding',
    ],
    [
      'import: a NUL byte in a CSV cell',
      () => raw('POST', importUrl(), csv(row.replace(',A,', ',A\u0000B,')), 'text/csv')(),
      400,
      'invalid_encoding',
    ],
    [
      'import: a NUL byte in a JSON participant',
      () => post(importUrl(), { participants: [{ ...person, name: 'N\u0000' }] })(),
      400,
      'invalid_encoding',
    ],
    [
      'program: unknown field',
      () => post('/api/v1/programs', { name: 'X', colour: 'red' })(),
      422,
      'validation_failed',
    ],
    [
      'program: __proto__ field',
      () => raw('POST', '/api/v1/programs', '{"name":"X","__proto__":{"admin":true}}', 'application/json')(),
      '4xx',
    ],
    [
      'program: offerTtl not a duration',
      () => post('/api/v1/programs', { name: 'X', offerTtl: '7 days' })(),
      422,
      'validation_failed',
    ],
    [
      'program: negative offerTtl',
      () => post('/api/v1/programs', { name: 'X', offerTtl: 'P-1D' })(),
      422,
      'validation_failed',
    ],
    [
      'program: zero sessions',
      () => post('/api/v1/programs', { name: 'X', cadence: { sessions: 0 } })(),
      422,
      'validation_failed',
    ],
    [
      'program: a billion sessions',
      () => post('/api/v1/programs', { name: 'X', cadence: { sessions: 1e9 } })(),
      422,
      'validation_failed',
    ],
    [
      'program: 2.5 sessions',
      () => post('/api/v1/programs', { name: 'X', cadence: { sessions: 2.5 } })(),
      422,
      'validation_failed',
    ],
    [
      'program: unknown cadence field',
      () => post('/api/v1/programs', { name: 'X', cadence: { every: 'P1D' } })(),
      422,
      'validation_failed',
    ],
    [
      'program: skill weight 1e308',
      () => post('/api/v1/programs', { name: 'X', skills: [{ key: 'a', label: 'A', weight: 1e308 }] })(),
      422,
      'validation_failed',
    ],
    ['program: no skills', () => post('/api/v1/programs', { name: 'X', skills: [] })(), 422, 'validation_failed'],
    [
      'program: unknown objective',
      () => post('/api/v1/programs', { name: 'X', policy: { objective: 'best' } })(),
      422,
      'validation_failed',
    ],
    [
      'program: negative time-zone gap',
      () => post('/api/v1/programs', { name: 'X', policy: { maxTimezoneGapHours: -1 } })(),
      422,
      'validation_failed',
    ],
    [
      'program: a policy rule by its former name',
      () => post('/api/v1/programs', { name: 'X', policy: { allowSameDepartment: false } })(),
      422,
      'validation_failed',
    ],
    [
      'program: bad admin email',
      () => post('/api/v1/programs', { name: 'X', adminEmail: 'not-an-email' })(),
      422,
      'validation_failed',
    ],
    [
      'organization: a language Tandem does not write',
      () => req('PATCH', '/api/v1/organization', { json: { defaultLocale: 'fr' } })(),
      422,
      'validation_failed',
    ],
    [
      'organization: an unknown field',
      () => req('PATCH', '/api/v1/organization', { json: { plan: 'enterprise' } })(),
      422,
      'validation_failed',
    ],
    [
      'organization: a blank name',
      () => req('PATCH', '/api/v1/organization', { json: { name: '  ' } })(),
      422,
      'validation_failed',
    ],
    [
      'organization: a list for a body',
      () => req('PATCH', '/api/v1/organization', { json: [{ defaultLocale: 'de' }] })(),
      422,
      'validation_failed',
    ],
    [
      'program: autoPublish a string',
      () => post('/api/v1/programs', { name: 'X', autoPublish: 'yes' })(),
      422,
      'validation_failed',
    ],
    [
      'program: feedback.enabled a string',
      () => post('/api/v1/programs', { name: 'X', feedback: { enabled: 'true' } })(),
      422,
      'validation_failed',
    ],
    [
      'program: text/plain body',
      () => raw('POST', '/api/v1/programs', 'name=X', 'text/plain')(),
      415,
      'unsupported_media_type',
    ],
    [
      'program: CSV to a JSON route',
      () => raw('POST', '/api/v1/programs', 'name\nX', 'text/csv')(),
      415,
      'unsupported_media_type',
    ],
    [
      'program: body over the limit',
      () => post('/api/v1/programs', { name: 'x'.repeat(70_000) })(),
      413,
      'body_too_large',
    ],
    [
      'program: invalid UTF-8 in JSON',
      () =>
        raw(
          'POST',
          '/api/v1/programs',
          Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
          'application/json',
        )(),
      400,
      'invalid_encoding',
    ],
    // PATCH /api/v1/programs/:id
    [
      'program update: version a string',
      () => req('PATCH', `/api/v1/programs/${programId}`, { json: { version: 'one', name: 'Y' } })(),
      422,
      'validation_failed',
    ],
    [
      'program update: version negative',
      () => req('PATCH', `/api/v1/programs/${programId}`, { json: { version: -1, name: 'Y' } })(),
      '4xx',
    ],
    [
      'program update: unknown field',
      () => req('PATCH', `/api/v1/programs/${programId}`, { json: { owner: 'me' } })(),
      422,
      'validation_failed',
    ],
    [
      'program update: name null',
      () => req('PATCH', `/api/v1/programs/${programId}`, { json: { name: null } })(),
      422,
      'validation_failed',
    ],
    [
      'program update: id not a uuid',
      () => req('PATCH', '/api/v1/programs/42', { json: { name: 'Y' } })(),
      404,
      'not_found',
    ],
    ['program: path traversal as id', () => req('GET', '/api/v1/programs/..%2F..%2Fetc%2Fpasswd')(), 404, 'not_found'],
    [
      'program: SQL as id',
      () => req('GET', `/api/v1/programs/${encodeURIComponent("1' or '1'='1")}`)(),
      404,
      'not_found',
    ],
    // POST /api/v1/programs/:id/imports (CSV and JSON)
    [
      'import: unbalanced quotes',
      () => raw('POST', importUrl(), csv('coachee,"a@x.example,A,,,,Europe/Paris,en,,1,2,3,4,5,,'), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: ragged row',
      () => raw('POST', importUrl(), csv(row, 'coachee,b@x.example,B'), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: missing columns',
      () => raw('POST', importUrl(), 'role,email,name\ncoach,a@x.example,A', 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: unknown column',
      () => raw('POST', importUrl(), csv(row).replace('bio', 'shoe_size'), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: unknown role',
      () => raw('POST', importUrl(), csv(row.replace('coachee', 'mentor')), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: skill above 5',
      () => raw('POST', importUrl(), csv(row.replace(',5,,', ',6,,')), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: skill not a number',
      () => raw('POST', importUrl(), csv(row.replace(',5,,', ',five,,')), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: negative capacity',
      () => raw('POST', importUrl(), csv('coach,c@x.example,C,,,,UTC,en,-1,1,2,3,4,5,,'), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: huge capacity',
      () =>
        raw('POST', importUrl(), csv('coach,c@x.example,C,,,,UTC,en,100000000000000000000,1,2,3,4,5,,'), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: bad email',
      () => raw('POST', importUrl(), csv(row.replace('a@x.example', 'a@@x')), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: unknown time zone',
      () => raw('POST', importUrl(), csv(row.replace('Europe/Paris', 'Europe/Atlantis')), 'text/csv')(),
      422,
      'import_invalid',
    ],
    [
      'import: name of 10,000 characters',
      () => raw('POST', importUrl(), csv(row.replace(',A,', `,${'A'.repeat(10_000)},`)), 'text/csv')(),
      422,
      'import_invalid',
    ],
    ['import: duplicate email', () => raw('POST', importUrl(), csv(row, row), 'text/csv')(), 422, 'import_invalid'],
    ['import: empty CSV', () => raw('POST', importUrl(), '', 'text/csv')(), 422, 'import_invalid'],
    ['import: header only', () => raw('POST', importUrl(), CSV_HEADER, 'text/csv')(), 422, 'import_invalid'],
    ['import: text/plain', () => raw('POST', importUrl(), 'hello', 'text/plain')(), 415, 'unsupported_media_type'],
    ['import: no content type and no body', () => req('POST', importUrl())(), 415, 'unsupported_media_type'],
    ['import: no content type and no body, no key', () => tandem.request('POST', importUrl()), 401, 'unauthenticated'],
    [
      'import: CSV over the limit',
      () => raw('POST', importUrl(), participantCsv(2000), 'text/csv')(),
      413,
      'body_too_large',
    ],
    [
      'import: invalid UTF-8 in CSV',
      () =>
        raw('POST', importUrl(), Buffer.concat([Buffer.from(csv(row)), Buffer.from([0xff, 0xfe, 0x0a])]), 'text/csv')(),
      400,
      'invalid_encoding',
    ],
    ['import: JSON participants not a list', () => post(importUrl(), { participants: 'everyone' })(), 422],
    [
      'import: JSON with an unknown field',
      () => post(importUrl(), { participants: [{ ...person, shoeSize: 44 }] })(),
      422,
    ],
    ['import: JSON with no participants', () => post(importUrl(), { participants: [] })(), 422],
    [
      'import: JSON skill of -1',
      () => post(importUrl(), { participants: [{ ...person, skills: { ...skills, empathy: -1 } }] })(),
      422,
    ],
    [
      'import: into an unknown program',
      () => raw('POST', '/api/v1/programs/00000000-0000-4000-8000-000000000000/imports', csv(row), 'text/csv')(),
      404,
      'not_found',
    ],
    [
      'import status: traversal as id',
      () => req('GET', '/api/v1/imports/..%2F..%2F..%2Fetc%2Fpasswd')(),
      404,
      'not_found',
    ],
    // POST/GET /api/v1/programs/:id/enrollments
    ['enrollment: negative capacity', () => post(enrollUrl(), { ...person, capacity: -1 })(), 422, 'validation_failed'],
    ['enrollment: capacity 1e12', () => post(enrollUrl(), { ...person, capacity: 1e12 })(), 422, 'validation_failed'],
    [
      'enrollment: capacity a string',
      () => post(enrollUrl(), { ...person, capacity: 'two' })(),
      422,
      'validation_failed',
    ],
    [
      'enrollment: email of 300 characters',
      () => post(enrollUrl(), { ...person, email: `${'a'.repeat(290)}@x.example` })(),
      422,
      'validation_failed',
    ],
    [
      'enrollment: skills missing',
      () => post(enrollUrl(), { ...person, skills: undefined })(),
      422,
      'validation_failed',
    ],
    ['enrollment: role admin', () => post(enrollUrl(), { ...person, role: 'admin' })(), 422, 'validation_failed'],
    [
      'enrollment: unknown time zone',
      () => post(enrollUrl(), { ...person, timezone: 'Mars/Olympus_Mons' })(),
      422,
      'validation_failed',
    ],
    [
      'enrollment: skill "high"',
      () => post(enrollUrl(), { ...person, skills: { ...skills, empathy: 'high' } })(),
      422,
      'validation_failed',
    ],
    ['enrollment: unknown field', () => post(enrollUrl(), { ...person, salary: 1 })(), 422, 'validation_failed'],
    ['enrollments: negative limit', () => req('GET', `${enrollUrl()}?limit=-5`)(), 422, 'validation_failed'],
    ['enrollments: limit not a number', () => req('GET', `${enrollUrl()}?limit=ten`)(), 422, 'validation_failed'],
    [
      'enrollments: offset 1e30',
      () => req('GET', `${enrollUrl()}?offset=1000000000000000000000000000000`)(),
      422,
      'validation_failed',
    ],
    // Rounds
    ['pin: revision missing', () => pin({ coacheeId, coachId })(), 422, 'validation_failed'],
    ['pin: coacheeId not a uuid', () => pin({ coacheeId: 'x', coachId, revision: 1 })(), 422, 'validation_failed'],
    ['pin: revision 1e20', () => pin({ coacheeId, coachId, revision: 1e20 })(), '4xx'],
    ['pin: revision a string', () => pin({ coacheeId, coachId, revision: '1' })(), 422, 'validation_failed'],
    ['pin: unknown field', () => pin({ coacheeId, coachId, revision: 1, force: true })(), 422, 'validation_failed'],
    ['pin: a coach as the coachee', () => pin({ coacheeId: coachId, coachId, revision: 1 })(), '4xx'],
    [
      'exclusion: body a string',
      () => req('POST', `/api/v1/rounds/${roundId}/exclusions`, { json: 'everyone' })(),
      422,
      'validation_failed',
    ],
    [
      'unpin: revision missing',
      () => req('DELETE', `/api/v1/rounds/${roundId}/pins/${coacheeId}`, { json: {} })(),
      422,
      'validation_failed',
    ],
    [
      'round: SQL as id',
      () => req('GET', `/api/v1/rounds/${encodeURIComponent('1; select pg_sleep(10)')}`)(),
      404,
      'not_found',
    ],
    [
      'publish: unknown round',
      () => req('POST', '/api/v1/rounds/00000000-0000-4000-8000-000000000000/publish')(),
      404,
      'not_found',
    ],
    ['launch: unknown program', () => req('POST', '/api/v1/programs/not-a-program/rounds')(), 404, 'not_found'],
    // Pairings, keys, outbox, report
    ['pairings: programId missing', () => req('GET', '/api/v1/pairings')(), 422, 'validation_failed'],
    [
      'pairings: unknown status',
      () => req('GET', `/api/v1/pairings?programId=${programId}&status=dancing`)(),
      422,
      'validation_failed',
    ],
    [
      'pairings: programId SQL',
      () => req('GET', `/api/v1/pairings?programId=${encodeURIComponent("' or 1=1 --")}`)(),
      '4xx',
    ],
    [
      'pairing: traversal as id',
      () => req('GET', '/api/v1/pairings/%2e%2e%2f%2e%2e%2fetc%2fpasswd')(),
      404,
      'not_found',
    ],
    ['api key: role root', () => post('/api/v1/api-keys', { role: 'root' })(), 422, 'validation_failed'],
    [
      'api key: unknown field',
      () => post('/api/v1/api-keys', { role: 'admin', scopes: ['*'] })(),
      422,
      'validation_failed',
    ],
    ['api key: revoke a malformed id', () => req('DELETE', '/api/v1/api-keys/not-a-key')(), 404, 'not_found'],
    ['scim token: name missing', () => post('/api/v1/scim-tokens', {})(), 422, 'validation_failed'],
    ['scim token: name a number', () => post('/api/v1/scim-tokens', { name: 7 })(), 422, 'validation_failed'],
    [
      'scim token: name of 500 characters',
      () => post('/api/v1/scim-tokens', { name: 'x'.repeat(500) })(),
      422,
      'validation_failed',
    ],
    [
      'scim token: unknown field',
      () => post('/api/v1/scim-tokens', { name: 'Okta', scopes: ['*'] })(),
      422,
      'validation_failed',
    ],
    ['scim token: revoke a malformed id', () => req('DELETE', '/api/v1/scim-tokens/not-a-token')(), 404, 'not_found'],
    ['outbox: negative limit', () => req('GET', '/api/v1/outbox?limit=-1')(), 422, 'validation_failed'],
    [
      'report: unknown format',
      () => req('GET', `/api/v1/programs/${programId}/report?format=xml`)(),
      422,
      'validation_failed',
    ],
    [
      'feedback summary: unknown program',
      () => req('GET', '/api/v1/programs/00000000-0000-4000-8000-000000000000/feedback-summary')(),
      404,
      'not_found',
    ],
    // Single sign-on (no settings yet: each refusal leaves none behind)
    ['sso: read before any is set', () => req('GET', '/api/v1/sso')(), 404, 'not_found'],
    ['sso: remove before any is set', () => req('DELETE', '/api/v1/sso')(), 404, 'not_found'],
    ['sso: body a list', () => req('PUT', '/api/v1/sso', { json: [] })(), 422, 'validation_failed'],
    [
      'sso: broken JSON',
      () => req('PUT', '/api/v1/sso', { body: '{"issuer":', contentType: 'application/json' })(),
      400,
    ],
    [
      'sso: a form instead of JSON',
      () => req('PUT', '/api/v1/sso', { body: 'issuer=x', contentType: 'application/x-www-form-urlencoded' })(),
      415,
    ],
    [
      'sso: issuer on http',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, issuer: 'http://login.acme.example' } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: issuer on loopback',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, issuer: 'https://127.0.0.1:8443' } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: issuer with a query',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, issuer: 'https://login.acme.example/?x=1' } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: issuer that does not answer',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, issuer: 'https://login.tandem.invalid' } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: no client secret the first time',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, clientSecret: undefined } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: client id empty',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, clientId: '' } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: a URL as a domain',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, allowedDomains: ['https://acme.example'] } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: no domains',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, allowedDomains: [] } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: 21 domains',
      () =>
        req('PUT', '/api/v1/sso', {
          json: { ...sso, allowedDomains: Array.from({ length: 21 }, (_, i) => `d${i}.example`) },
        })(),
      422,
      'validation_failed',
    ],
    [
      'sso: an admin claim without a value',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, adminClaim: 'groups' } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: scope without openid',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, scope: 'email profile' } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: fallback as text',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, magicLinkFallback: 'no' } })(),
      422,
      'validation_failed',
    ],
    [
      'sso: unknown field',
      () => req('PUT', '/api/v1/sso', { json: { ...sso, clientSecretEncrypted: 'v1.a.b.c' } })(),
      422,
      'validation_failed',
    ],
    // Another organization's admin with a malformed body: the id is not theirs, so 404 before the body is looked at.
    [
      'foreign program: settings with a bad body',
      () => foreign('PATCH', `/api/v1/programs/${programId}`, { json: { policy: { objective: 'best' } } }),
      404,
      'not_found',
    ],
    [
      'foreign program: settings with broken JSON',
      () => foreign('PATCH', `/api/v1/programs/${programId}`, { body: '{"name":', contentType: 'application/json' }),
      404,
      'not_found',
    ],
    [
      'foreign program: an import of a wrong type',
      () => foreign('POST', `/api/v1/programs/${programId}/imports`, { body: '<x/>', contentType: 'application/xml' }),
      404,
      'not_found',
    ],
    [
      'foreign program: a bad CSV',
      () => foreign('POST', `/api/v1/programs/${programId}/imports`, { body: 'role\nwizard', contentType: 'text/csv' }),
      404,
      'not_found',
    ],
    [
      'foreign program: an enrollment without fields',
      () => foreign('POST', `/api/v1/programs/${programId}/enrollments`, { json: {} }),
      404,
      'not_found',
    ],
    ['foreign program: a round', () => foreign('POST', `/api/v1/programs/${programId}/rounds`), 404, 'not_found'],
    [
      'foreign round: a pin without a revision',
      () => foreign('POST', `/api/v1/rounds/${roundId}/pins`, { json: { coacheeId } }),
      404,
      'not_found',
    ],
    [
      'foreign round: an exclusion with broken JSON',
      () => foreign('POST', `/api/v1/rounds/${roundId}/exclusions`, { body: '[', contentType: 'application/json' }),
      404,
      'not_found',
    ],
    [
      'foreign round: an unpin with a wrong type',
      () => foreign('DELETE', `/api/v1/rounds/${roundId}/pins/${coacheeId}`, { body: 'x', contentType: 'text/plain' }),
      404,
      'not_found',
    ],
    ['foreign round: publish', () => foreign('POST', `/api/v1/rounds/${roundId}/publish`), 404, 'not_found'],
    [
      'foreign enrollment: return to pool',
      () => foreign('POST', `/api/v1/enrollments/${coacheeId}/return-to-pool`),
      404,
      'not_found',
    ],
    [
      'foreign person: erase with broken JSON',
      () =>
        foreign('POST', `/api/v1/people/${personId}/erase`, { body: '{"confirm":', contentType: 'application/json' }),
      404,
      'not_found',
    ],
    // POST /api/v1/programs/{id}/invitations, PUT /api/v1/programs/{id}/registration
    [
      'invitations: malformed JSON',
      () => raw('POST', `/api/v1/programs/${programId}/invitations`, '{"people":', 'application/json')(),
      400,
      'invalid_json',
    ],
    [
      'invitations: no people list',
      () => post(`/api/v1/programs/${programId}/invitations`, { people: 'everyone' })(),
      422,
      'roster_invalid',
    ],
    [
      'invitations: an empty list',
      () => post(`/api/v1/programs/${programId}/invitations`, { people: [] })(),
      422,
      'roster_invalid',
    ],
    [
      'invitations: a person without an email',
      () => post(`/api/v1/programs/${programId}/invitations`, { people: [{ role: 'coachee', name: 'N' }] })(),
      422,
      'roster_invalid',
    ],
    [
      'invitations: the same email twice',
      () =>
        post(`/api/v1/programs/${programId}/invitations`, {
          people: [
            { role: 'coachee', name: 'A', email: 'twice@x.example' },
            { role: 'coach', name: 'B', email: 'twice@x.example' },
          ],
        })(),
      422,
      'roster_invalid',
    ],
    [
      'invitations: a coach invited as a coachee',
      () =>
        post(`/api/v1/programs/${programId}/invitations`, {
          people: [{ role: 'coachee', name: 'Cora', email: 'coach@bad.example' }],
        })(),
      422,
      'roster_invalid',
    ],
    [
      'invitations: a roster CSV without the email column',
      () => raw('POST', `/api/v1/programs/${programId}/invitations`, 'role,name\ncoachee,A', 'text/csv')(),
      422,
      'roster_invalid',
    ],
    [
      'invitations: an unknown column in a full CSV',
      () =>
        raw(
          'POST',
          `/api/v1/programs/${programId}/invitations`,
          'role,name,email,shoe_size\ncoachee,A,a@x.example,9',
          'text/csv',
        )(),
      422,
      'roster_invalid',
    ],
    [
      'invitations: a wrong content type',
      () => raw('POST', `/api/v1/programs/${programId}/invitations`, 'role,name,email', 'text/plain')(),
      415,
    ],
    [
      'registration: a deadline that is no date',
      () => req('PUT', `/api/v1/programs/${programId}/registration`, { json: { deadline: 'soon' } })(),
      422,
      'validation_failed',
    ],
    [
      'registration: a deadline in the year 0000 (PostgreSQL stores no such date)',
      () => req('PUT', `/api/v1/programs/${programId}/registration`, { json: { deadline: '0000-01-01T00:00:00Z' } })(),
      422,
      'validation_failed',
    ],
    [
      'registration: reminder days out of order',
      () => req('PUT', `/api/v1/programs/${programId}/registration`, { json: { reminderDays: [7, 3] } })(),
      422,
      'validation_failed',
    ],
    [
      'registration: an unknown setting',
      () => req('PUT', `/api/v1/programs/${programId}/registration`, { json: { open: true } })(),
      422,
      'validation_failed',
    ],
    [
      'foreign program: invitations with broken JSON',
      () =>
        foreign('POST', `/api/v1/programs/${programId}/invitations`, {
          body: '{"people":',
          contentType: 'application/json',
        }),
      404,
      'not_found',
    ],
  ];

  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    process.stdout.write(`bad input: ${cases.length} malformed api requests\n`);
  });

  // Every row gets all four values: jest would take a missing last one for a done callback.
  it.each(cases.map(([name, send, status, code]) => [name, send, status, code ?? ''] as const))(
    '%s: a 4xx with a JSON code, nothing written',
    async (_name, send, status, code) => {
      const before = await tableCounts();
      const answer = await send();
      if (status === '4xx') {
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      } else {
        expect(answer.status).toBe(status);
      }
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(typeof answer.body.code).toBe('string');
      if (code) expect(answer.body.code).toBe(code);
      expect(await tableCounts()).toEqual(before);
    },
  );

  it('names the rule to use when a policy rule comes by its former name', async () => {
    const answer = await post('/api/v1/programs', {
      name: 'X',
      policy: { avoidReportingLine: true, allowSameDepartment: false },
    })();
    expect(answer.status).toBe(422);
    expect(answer.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'policy.avoidReportingLine',
          message: expect.stringContaining('use forbidReportingLine'),
        }),
        expect.objectContaining({
          field: 'policy.allowSameDepartment',
          message: expect.stringContaining('use forbidSameDepartment (with the opposite value)'),
        }),
      ]),
    );
  });

  const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
  const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
  const scim =
    (method: string, url: string, options: Parameters<TestTandem['request']>[2] = {}) =>
    () =>
      tandem.request(method, `/scim/v2${url}`, { key: scimToken, ...options });
  const scimJson = (method: string, url: string, json: unknown) =>
    scim(method, url, { json, contentType: 'application/scim+json' });
  const user = {
    schemas: [USER],
    userName: 'new.user@bad.example',
    emails: [{ value: 'new.user@bad.example', type: 'work', primary: true }],
    active: true,
  };
  const patch = (...Operations: unknown[]) =>
    scimJson('PATCH', `/Users/${personId}`, { schemas: [PATCH_OP], Operations });
  const groupPatch = (...Operations: unknown[]) =>
    scimJson('PATCH', `/Groups/coachees-${programId}`, { schemas: [PATCH_OP], Operations });
  /** A case: its name, the request, the status and the scimType expected. */
  const scimCases: [string, Send, number, string?][] = [
    [
      'scim user: malformed JSON',
      () => scim('POST', '/Users', { body: '{"userName":', contentType: 'application/scim+json' })(),
      400,
      'invalidSyntax',
    ],
    [
      'scim user: malformed JSON and no token',
      () => tandem.request('POST', '/scim/v2/Users', { body: '{"userName":', contentType: 'application/scim+json' }),
      401,
    ],
    ['scim user: a CSV body', () => scim('POST', '/Users', { body: 'userName\nx', contentType: 'text/csv' })(), 415],
    [
      'scim user: invalid UTF-8',
      () =>
        scim('POST', '/Users', {
          body: Buffer.concat([Buffer.from('{"userName":"'), Buffer.from([0xff]), Buffer.from('"}')]),
          contentType: 'application/scim+json',
        })(),
      400,
      'invalidSyntax',
    ],
    [
      'scim user: body over the limit',
      () => scimJson('POST', '/Users', { ...user, displayName: 'x'.repeat(70_000) })(),
      413,
    ],
    ['scim user: a list for a body', () => scimJson('POST', '/Users', [user])(), 400, 'invalidSyntax'],
    [
      'scim user: userName missing',
      () => scimJson('POST', '/Users', { ...user, userName: undefined })(),
      400,
      'invalidValue',
    ],
    [
      'scim user: userName a number',
      () => scimJson('POST', '/Users', { ...user, userName: 42 })(),
      400,
      'invalidValue',
    ],
    [
      'scim user: no email anywhere',
      () => scimJson('POST', '/Users', { schemas: [USER], userName: 'not-an-email', active: true })(),
      400,
      'invalidValue',
    ],
    [
      'scim user: a bad email',
      () => scimJson('POST', '/Users', { ...user, emails: [{ value: 'a@@b', primary: true }] })(),
      400,
      'invalidValue',
    ],
    [
      'scim user: unknown time zone',
      () => scimJson('POST', '/Users', { ...user, timezone: 'Mars/Olympus_Mons' })(),
      400,
      'invalidValue',
    ],
    [
      'scim user: active "maybe"',
      () => scimJson('POST', '/Users', { ...user, active: 'maybe' })(),
      400,
      'invalidValue',
    ],
    [
      'scim user: a name of 5,000 characters',
      () => scimJson('POST', '/Users', { ...user, displayName: 'x'.repeat(5000) })(),
      400,
      'invalidValue',
    ],
    [
      'scim user: the email of a provisioned user',
      () =>
        scimJson('PUT', `/Users/${personId}`, {
          ...user,
          userName: 'coach@bad.example',
          emails: [{ value: 'coach@bad.example', primary: true }],
        })(),
      409,
      'uniqueness',
    ],
    ['scim user: an unknown id', () => scim('GET', '/Users/00000000-0000-4000-8000-000000000000')(), 404],
    ['scim user: SQL as id', () => scim('GET', `/Users/${encodeURIComponent("1' or '1'='1")}`)(), 404],
    [
      'scim users: a malformed filter',
      () => scim('GET', `/Users?filter=${encodeURIComponent('userName zz "x"')}`)(),
      400,
      'invalidFilter',
    ],
    [
      'scim users: filter on an unknown attribute',
      () => scim('GET', `/Users?filter=${encodeURIComponent('password eq "x"')}`)(),
      400,
      'invalidFilter',
    ],
    [
      'scim users: active compared with a string',
      () => scim('GET', `/Users?filter=${encodeURIComponent('active eq "yes"')}`)(),
      400,
      'invalidFilter',
    ],
    [
      'scim users: SQL in a filter value',
      () => scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "x' or 1=1 --"`)}&count=-1`)(),
      200,
    ],
    ['scim users: startIndex not a number', () => scim('GET', '/Users?startIndex=first')(), 400, 'invalidValue'],
    [
      'scim users: count 1e30',
      () => scim('GET', '/Users?count=1000000000000000000000000000000')(),
      400,
      'invalidValue',
    ],
    [
      'scim patch: the wrong schema',
      () =>
        scimJson('PATCH', `/Users/${personId}`, {
          schemas: [USER],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        })(),
      400,
      'invalidSyntax',
    ],
    [
      'scim patch: no operations',
      () => scimJson('PATCH', `/Users/${personId}`, { schemas: [PATCH_OP], Operations: [] })(),
      400,
      'invalidValue',
    ],
    ['scim patch: an unknown op', () => patch({ op: 'merge', path: 'active', value: false })(), 400, 'invalidSyntax'],
    ['scim patch: an unknown path', () => patch({ op: 'replace', path: 'salary', value: 1 })(), 400, 'invalidPath'],
    [
      'scim patch: the id',
      () => patch({ op: 'replace', path: 'id', value: '00000000-0000-4000-8000-000000000000' })(),
      400,
      'mutability',
    ],
    [
      'scim patch: active "perhaps"',
      () => patch({ op: 'replace', path: 'active', value: 'perhaps' })(),
      400,
      'invalidValue',
    ],
    [
      'scim patch: an unknown time zone',
      () => patch({ op: 'replace', path: 'timezone', value: 'Europe/Atlantis' })(),
      400,
      'invalidValue',
    ],
    [
      'scim patch: a stale If-Match',
      () =>
        scim('PATCH', `/Users/${personId}`, {
          json: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
          contentType: 'application/scim+json',
          headers: { 'if-match': 'W/"stale"' },
        })(),
      412,
    ],
    [
      'scim delete: a stale If-Match',
      () => scim('DELETE', `/Users/${personId}`, { headers: { 'if-match': 'W/"stale"' } })(),
      412,
    ],
    [
      'scim group: an unknown program',
      () => scimJson('POST', '/Groups', { displayName: 'Astronauts coachees', members: [] })(),
      400,
      'invalidValue',
    ],
    [
      'scim group: an unknown member',
      () => groupPatch({ op: 'add', path: 'members', value: [{ value: '00000000-0000-4000-8000-000000000000' }] })(),
      400,
      'invalidValue',
    ],
    [
      'scim group: a member that is not an id',
      () => groupPatch({ op: 'add', path: 'members', value: [{ value: "'; drop table person; --" }] })(),
      400,
      'invalidValue',
    ],
    [
      'scim group: a member without a value',
      () => groupPatch({ op: 'add', path: 'members', value: [{ display: 'x' }] })(),
      400,
    ],
    [
      'scim group: renamed',
      () => groupPatch({ op: 'replace', path: 'displayName', value: 'Someone else' })(),
      400,
      'mutability',
    ],
    [
      'scim group: the coach added as a coachee',
      () => groupPatch({ op: 'add', path: 'members', value: [{ value: '__coach__' }] })(),
      409,
      'uniqueness',
    ],
    ['scim group: deleted', () => scim('DELETE', `/Groups/coachees-${programId}`)(), 400, 'mutability'],
    ['scim group: an unknown id', () => scim('GET', '/Groups/coachees-00000000-0000-4000-8000-000000000000')(), 404],
    ['scim group: traversal as id', () => scim('GET', '/Groups/..%2F..%2Fetc%2Fpasswd')(), 404],
    [
      'scim group: a bad filter',
      () => scim('GET', `/Groups?filter=${encodeURIComponent('owner eq "me"')}`)(),
      400,
      'invalidFilter',
    ],
  ];

  it.each(scimCases.map(([name, send, status, scimType]) => [name, send, status, scimType ?? ''] as const))(
    '%s: a SCIM error, nothing written',
    async (name, send, status, scimType) => {
      const state = async () => [
        await tableCounts(),
        await rawQuery(db(), `select to_jsonb(p) - 'updated_at' as p from person p order by id`),
        await rawQuery(db(), `select id, status from enrollment order by id`),
      ];
      const before = await state();
      let answer: Awaited<ReturnType<Send>>;
      if (name.includes('coach added as a coachee')) {
        // The coach's person id is only known once the SCIM user list is read.
        const coach = await tandem.request(
          'GET',
          `/scim/v2/Users?filter=${encodeURIComponent('userName eq "coach@bad.example"')}`,
          { key: scimToken },
        );
        answer = await groupPatch({ op: 'add', path: 'members', value: [{ value: coach.body.Resources[0].id }] })();
      } else answer = await send();
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toMatch(/^application\/scim\+json/);
      if (status >= 400) {
        expect(answer.body).toMatchObject({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: String(status),
        });
        expect(typeof answer.body.detail).toBe('string');
        if (scimType) expect(answer.body.scimType).toBe(scimType);
      }
      expect(await state()).toEqual(before);
    },
  );

  it('stores HTML, SQL and formulas in every text field as text, and escapes them in pages and emails', async () => {
    const nasty = (what: string) => `${what} ${HTML} ${SQL} =HYPERLINK("http://evil.example","x")`;
    const people: FixturePerson[] = [
      { role: 'coach', email: 'xss-coach@xss.example', name: nasty('Coach'), capacity: 1, department: nasty('Dept') },
      {
        role: 'coachee',
        email: 'xss-coachee@xss.example',
        name: nasty('Coachee'),
        goals: nasty('Goals'),
        department: nasty('Dept2'),
      },
    ];
    const { programId: xssProgram } = await seedProgram(
      tandem,
      key,
      { name: nasty('Program'), adminEmail: 'admin@xss.example' },
      people,
    );
    const [stored] = await rawQuery<{ name: string }>(
      db(),
      `select name from person where email = 'xss-coachee@xss.example'`,
    );
    expect(stored.name).toBe(nasty('Coachee'));
    expect(Number((await rawQuery<{ n: string }>(db(), `select count(*) as n from person`))[0].n)).toBeGreaterThan(0);
    const launched = await tandem.request('POST', `/api/v1/programs/${xssProgram}/rounds`, { key });
    expect((await roundDone(tandem, key, launched.body.id)).matched).toBe(1);
    await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/publish`, { key });
    const offer = await waitFor(
      async () =>
        smtp.messages.find((m) => m.to[0] === 'xss-coach@xss.example' && m.subject.startsWith('Coaching offer')),
      'the offer',
    );
    const welcome = smtp.messages.find((m) => m.to[0] === 'xss-coachee@xss.example')!;
    for (const markup of [offer.html, welcome.html]) {
      expect(markup.length).toBeGreaterThan(0);
      expect(markup).not.toMatch(/<script|<img/i);
      expect(markup).toContain('&lt;script&gt;');
    }
    // A form carrying a NUL character (percent-encoded) is refused before any page handler sees it.
    const nul = await tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/decline`, {
      body: 'reason=a%00b',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(nul.status).toBe(400);
    const page = await tandem.request('GET', new URL(offerLink(offer.text)).pathname);
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/<script|<img src=x/i);
    expect(page.text).toContain('&lt;script&gt;');
    // JSON answers carry the text as data; the report's CSV neutralizes the formula.
    const enrollments = await tandem.request('GET', `/api/v1/programs/${xssProgram}/enrollments`, { key });
    expect(enrollments.body.items.map((e: { name: string }) => e.name)).toContain(nasty('Coachee'));
    const report = await tandem.request('GET', `/api/v1/programs/${xssProgram}/report?format=csv`, { key });
    expect(report.status).toBe(200);
    expect(
      report.text
        .split(/\r?\n/)
        .flatMap((line) => line.split(','))
        .filter((cell) => /^"?[=+@]/.test(cell)),
    ).toEqual([]);
  });
});
