import { randomUUID } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { linkToken, rawQuery } from '@tandem/domain';
import { JobName, JobProducer, QueueName } from '@tandem/queues';
import { OrganizationsService } from '@tandem/workflows';
import { Client } from 'pg';
import { parseInvite } from './support/itip';
import { form } from './support/mail-scenario';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { appRoutes } from './support/routes';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { tableCounts as countRows } from './support/table-counts';
import { waitFor } from './support/test-env';

const PUBLIC_URL = 'https://tandem.test';
const offerLinks = (text: string) => [...text.matchAll(/https?:\/\/\S+\/offers\/[A-Za-z0-9_-]{20,}/g)].map((m) => m[0]);

/** A route's path with every `:param` replaced by a fresh UUID (authorization is decided before the id is looked at). */
const anyIds = (path: string) =>
  path.replace(/:\w+/g, () => randomUUID()) + (path === '/api/v1/pairings' ? `?programId=${randomUUID()}` : '');

/** Bodies that cannot be parsed, each with its media type: none may be answered before the caller is authorized. */
const BAD_BODIES: [string, string | Buffer, string][] = [
  ['malformed JSON', '{"name":', 'application/json'],
  ['JSON that is not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'application/json'],
  ['JSON with a lone surrogate', '{"name":"\\ud800"}', 'application/json'],
  ['JSON with a NUL', '{"name":"a\\u0000"}', 'application/json'],
  ['an unknown media type', '<x/>', 'application/xml'],
  ['text/plain', 'hello', 'text/plain'],
  ['a form that is not UTF-8', 'a=%ff', 'application/x-www-form-urlencoded'],
  ['CSV that is not UTF-8', Buffer.from([0x61, 0xff, 0x0a]), 'text/csv'],
];

describe('hostile input: cookies, invites, placeholders, surrogates, authorization before the body', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let admin: string;
  let operator: string;

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({
      env: { SMTP_URL: smtp.url, PUBLIC_URL, PAGE_RATE_LIMIT: '1000', BODY_LIMIT: '64kb' },
    });
    let organizationId: string;
    ({ apiKey: admin, organizationId } = await tandem.organization('Acme'));
    ({ apiKey: operator } = await tandem.get(OrganizationsService).createApiKey(organizationId, 'operator' as never));
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  });

  const db = () => tandem.get(EntityManager).fork();
  const tableCounts = () => countRows(db());

  it('treats a cookie that is not valid percent-encoding as no cookie: sign-in on the console, 401 on /ops (not 500)', async () => {
    for (const cookie of [
      'tandem_console=%zz',
      'tandem_console=%',
      'tandem_console=%E0%A4%A',
      'tandem_console_pre=%zz; tandem_console=%zz',
    ]) {
      const page = await tandem.request('GET', '/console/programs', { headers: { cookie } });
      expect([page.status, page.headers.location]).toEqual([303, '/console/signin']);
      expect((await tandem.request('GET', '/console/signin', { headers: { cookie } })).status).toBe(200);
    }
    const signIn = await tandem.request('POST', '/console/signin', {
      body: 'email=a%40x.example&_csrf=x',
      ...form,
      headers: { cookie: 'tandem_console_pre=%zz' },
    });
    expect(signIn.status).toBeLessThan(500);
    for (const url of ['/ops/queues', '/ops/queues/api/queues', '/metrics']) {
      const answer = await tandem.request('GET', url, { headers: { cookie: 'tandem_ops=%zz' } });
      expect([url, answer.status]).toEqual([url, 401]);
    }
  });

  it('refuses a lone surrogate anywhere in a JSON body (400) and changes nothing; a surrogate pair is text', async () => {
    const before = await tableCounts();
    for (const body of [
      '{"name":"\\ud800"}',
      '{"name":"x\\udc00y"}',
      '{"name":"X","skills":[{"key":"a","label":"\\udbff","weight":1}]}',
      '{"name":"X","\\ud800":1}',
    ]) {
      const answer = await tandem.request('POST', '/api/v1/programs', {
        key: admin,
        body,
        contentType: 'application/json',
      });
      expect([body, answer.status, answer.body?.code]).toEqual([body, 400, 'invalid_encoding']);
    }
    // A form escape that is not UTF-8 is refused too, not read as U+FFFD.
    const login = await tandem.request('POST', '/ops/login', { body: 'key=%ed%a0%80', ...form });
    expect([login.status, login.body?.code]).toEqual([400, 'invalid_encoding']);
    expect(await tableCounts()).toEqual(before);
    const pair = await tandem.request('POST', '/api/v1/programs', {
      key: admin,
      body: '{"name":"Leaders \\ud83d\\ude00"}',
      contentType: 'application/json',
    });
    expect(pair.status).toBe(201);
    expect(pair.body.name).toBe('Leaders 😀');
  });

  it('answers 401 before looking at the body on every /api/v1 route, and 403 to an operator on every write', async () => {
    const routes = appRoutes(tandem.api).filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'GET');
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const before = await tableCounts();
    const wrong: string[] = [];
    for (const route of routes) {
      for (const [what, body, contentType] of BAD_BODIES) {
        const anonymous = await tandem.request(route.method, anyIds(route.path), { body, contentType });
        if (anonymous.status !== 401 || anonymous.body?.code !== 'unauthenticated')
          wrong.push(`${route.method} ${route.path}, no key, ${what}: ${anonymous.status}`);
        const asOperator = await tandem.request(route.method, anyIds(route.path), { key: operator, body, contentType });
        if (asOperator.status !== 403 || asOperator.body?.code !== 'forbidden')
          wrong.push(`${route.method} ${route.path}, operator, ${what}: ${asOperator.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts()).toEqual(before);
    // With a key that may write, the same bodies answer their 4xx (the parse error is kept, not lost).
    const statuses = [];
    for (const [, body, contentType] of BAD_BODIES)
      statuses.push((await tandem.request('POST', '/api/v1/programs', { key: admin, body, contentType })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 415, 415, 400, 400]);
  });

  it("answers 401 (a SCIM error) before looking at the body on every /scim/v2 write, and 404 for an id that is not the organization's", async () => {
    const token = (await tandem.request('POST', '/api/v1/scim-tokens', { key: admin, json: { name: 'Hostile' } })).body
      .token;
    const routes = appRoutes(tandem.api).filter((r) => r.path.startsWith('/scim/v2/') && r.method !== 'GET');
    expect(routes.length).toBeGreaterThanOrEqual(7);
    const before = await tableCounts();
    const wrong: string[] = [];
    for (const route of routes) {
      for (const [what, body, contentType] of BAD_BODIES) {
        const anonymous = await tandem.request(route.method, anyIds(route.path), { body, contentType });
        if (anonymous.status !== 401 || anonymous.body?.status !== '401')
          wrong.push(`${route.method} ${route.path}, no token, ${what}: ${anonymous.status}`);
        if (route.path.includes(':id')) {
          const elsewhere = await tandem.request(route.method, anyIds(route.path), { key: token, body, contentType });
          if (elsewhere.status !== 404 || elsewhere.body?.status !== '404')
            wrong.push(`${route.method} ${route.path}, unknown id, ${what}: ${elsewhere.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts()).toEqual(before);
    // With the token, the same bodies answer their SCIM 4xx (the parse error is kept, not lost).
    const statuses = [];
    for (const [, body, contentType] of BAD_BODIES)
      statuses.push((await tandem.request('POST', '/scim/v2/Users', { key: token, body, contentType })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 415, 415, 400, 400]);
    expect(await tableCounts()).toEqual(before);
  });

  it('sends a console request without a session to sign-in whatever its body', async () => {
    // The sign-in forms (emailed link, single sign-on) need no session: they answer a bad body with a 4xx page.
    const signIn = (path: string) => path.startsWith('/console/signin') || path === '/console/sso';
    const routes = appRoutes(tandem.api).filter(
      (r) => r.path.startsWith('/console') && r.method === 'POST' && !signIn(r.path),
    );
    expect(routes.length).toBeGreaterThanOrEqual(3);
    const wrong: string[] = [];
    for (const route of routes) {
      for (const [what, body, contentType] of BAD_BODIES) {
        const answer = await tandem.request('POST', anyIds(route.path), {
          body,
          contentType,
          headers: { cookie: 'tandem_console=%zz' },
        });
        if (answer.status !== 303 || answer.headers.location !== '/console/signin')
          wrong.push(`${route.path}, ${what}: ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
    for (const [what, body, contentType] of BAD_BODIES) {
      const answer = await tandem.request('POST', '/console/sso', { body, contentType });
      if (answer.status < 400 || answer.status >= 500) wrong.push(`/console/sso, ${what}: ${answer.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('decides the queue dashboard before routing: no key 401, an operator acting (DELETE, clean) 403, only an admin sees 404', async () => {
    const job = '/ops/queues/api/queues/email/some-job';
    for (const method of ['DELETE', 'POST', 'PATCH', 'PUT']) {
      expect([method, (await tandem.request(method, job)).status]).toEqual([method, 401]);
      expect([method, (await tandem.request(method, job, { key: operator })).status]).toEqual([method, 403]);
      expect([
        method,
        (await tandem.request(method, job, { key: operator, body: '{"a":', contentType: 'application/json' })).status,
      ]).toEqual([method, 403]);
    }
    expect(
      (
        await tandem.request('DELETE', '/ops/queues/api/queues/email/some-job', {
          body: '{"a":',
          contentType: 'application/json',
        })
      ).status,
    ).toBe(401);
    expect(
      (await tandem.request('PUT', '/ops/queues/api/queues/email/clean/completed', { key: operator })).status,
    ).toBe(403);
    expect((await tandem.request('DELETE', job, { key: admin })).status).toBe(404);
    expect((await tandem.request('GET', '/ops/queues/no/such/page', { key: admin })).status).toBe(404);
    expect((await tandem.request('GET', '/ops/queues/no/such/page')).status).toBe(401);
  });

  /** A program of one coach and one coachee, matched and published: answers the program and the offer email. */
  async function offered(tag: string, settings: Record<string, unknown>, coachee: Partial<FixturePerson> = {}) {
    const people: FixturePerson[] = [
      { role: 'coach', email: `coach@${tag}.example`, name: `Cora ${tag}`, capacity: 1 },
      { role: 'coachee', email: `coachee@${tag}.example`, name: `Eli ${tag}`, goals: 'Listen better', ...coachee },
    ];
    const { programId } = await seedProgram(tandem, admin, settings, people);
    const round = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: admin });
    expect((await roundDone(tandem, admin, round.body.id)).matched).toBe(1);
    expect((await tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: admin })).status).toBe(200);
    const mail = await waitFor(
      async () =>
        smtp.messages.find((m) => m.to.includes(`coach@${tag}.example`) && m.subject.startsWith('Coaching offer')),
      `the offer to ${tag}`,
    );
    const [{ id: offerId }] = await rawQuery<{ id: string }>(
      db(),
      `select o.id from offer o join pairing p on p.id = o.pairing_id where p.program_id = ?`,
      [programId],
    );
    return { programId, mail, offerId };
  }

  it('escapes every text of an invite: a CR in the program name starts no property, lines fold at 75 octets', async () => {
    const name = `Leaders ${'é🙂,;\\'.repeat(20)}\rX-INJECTED:1`;
    const first = await offered('ics', {
      name,
      cadence: { interval: 'PT30S', sessions: 2, sessionDuration: 'PT1S', reminderLead: 'PT2S' },
    });
    expect(
      (await tandem.request('POST', `${new URL(offerLink(first.mail.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);
    const invite = await waitFor(
      async () => smtp.messages.find((m) => m.to.includes('coach@ics.example') && m.calendars.length > 0),
      'the invite',
    );
    const ics = invite.calendars[0];
    // Every line break of the file is CRLF, and no line is longer than 75 octets.
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(ics.split('\r\n').filter((line) => Buffer.byteLength(line) > 75)).toEqual([]);
    // Parsed by lines (any of CR, LF, CRLF, as a lenient reader would), unfolded: no injected property.
    const lines = ics.replace(/\r\n[ \t]/g, '').split(/\r\n|\r|\n/);
    expect(lines.filter((line) => /^X-/i.test(line))).toEqual([]);
    const description = lines.find((line) => line.startsWith('DESCRIPTION:'))!;
    expect(description).toContain('\\nX-INJECTED:1');
    expect(description).toContain('é🙂\\,\\;\\\\');
    // An independent parser reads each session's invite as one REQUEST, the name back as written, the CR a line break.
    expect(invite.calendars).toHaveLength(2);
    for (const parsed of invite.calendars.map(parseInvite)) {
      expect(parsed.method).toBe('REQUEST');
      expect(parsed.description.startsWith(`${name.replace('\r', '\n')}, session `)).toBe(true);
    }
  });

  it("never expands placeholder text that came from a user: a coachee's goals naming another offer or a sign-in give no link", async () => {
    const victim = await offered('victim', {});
    const goals = `Grow. {{link:offer:${victim.offerId}}} and {{link:signin:${randomUUID()}}} {{link:feedback:${randomUUID()}}}`;
    const attacker = await offered('attacker', {}, { goals });
    const text = `${attacker.mail.text}\n${attacker.mail.html}`;
    // One offer link, the coach's own; none to the victim's offer, no sign-in or feedback link.
    const links = offerLinks(attacker.mail.text);
    expect(links).toHaveLength(1);
    expect(links).not.toContain(offerLink(victim.mail.text));
    expect(text).not.toContain(new URL(offerLink(victim.mail.text)).pathname);
    expect(text).not.toMatch(/\/console\/signin\/|\/feedback\//);
    // The goals are shown as the coachee wrote them, defused.
    expect(attacker.mail.text).toContain(`{{ link:offer:${victim.offerId}}}`);
    // The victim's offer is untouched and still opens for its coach.
    expect((await tandem.request('GET', new URL(offerLink(victim.mail.text)).pathname)).status).toBe(200);
  });
});

/**
 * A sweep of hostile requests beyond the issue's: headers, bodies, huge values, unicode, wrong methods and path tricks,
 * with and without a key. None may answer 5xx or hang; a JSON answer carries an error code.
 */
describe('hostile sweep: no 5xx whatever the request', () => {
  let tandem: TestTandem;
  let admin: string;
  let programId: string;

  beforeAll(async () => {
    tandem = await TestTandem.start({ worker: false, env: { BODY_LIMIT: '256kb', PAGE_RATE_LIMIT: '100000' } });
    ({ apiKey: admin } = await tandem.organization('Acme'));
    programId = (await tandem.request('POST', '/api/v1/programs', { key: admin, json: { name: 'Sweep' } })).body.id;
  });

  afterAll(() => tandem?.stop());

  type Sweep = [string, string, string, Parameters<TestTandem['request']>[2]?];

  const cases = (): Sweep[] => {
    const key = admin;
    const out: Sweep[] = [];
    const json = (name: string, url: string, body: string, method = 'POST', contentType = 'application/json') =>
      out.push([name, method, url, { key, body, contentType }]);
    // Headers.
    for (const authorization of [
      'Bearer',
      'Bearer ',
      `Bearer ${'x'.repeat(10_000)}`,
      'Basic YTpi',
      'bearer  tdm_x',
      'Bearer a b',
      `Bearer tdm_${'A'.repeat(43)}`,
      'Bearer %00',
      'Bearer tdm_\u00ff',
      'Token x',
      'Bearer tdm_; drop table api_key',
    ]) {
      out.push([
        `authorization "${authorization.slice(0, 20)}"`,
        'GET',
        '/api/v1/programs',
        { headers: { authorization } },
      ]);
    }
    for (const cookie of [
      `tandem_ops=${'a'.repeat(7000)}`,
      'tandem_ops=v1.x.9999999999.sig',
      'tandem_ops=v1..1.',
      'tandem_ops',
      '=;=;=',
      'tandem_console="quoted"',
      `tandem_console=${'%41'.repeat(2000)}`,
      'tandem_console=%C0%AF',
    ]) {
      out.push([`cookie ${cookie.slice(0, 24)}`, 'GET', '/ops/queues/api/queues', { headers: { cookie } }]);
      out.push([`console cookie ${cookie.slice(0, 24)}`, 'GET', '/console/programs', { headers: { cookie } }]);
    }
    for (const contentType of [
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/json;;;',
      'application/json, text/csv',
      'multipart/form-data; boundary=x',
      'application/vnd.api+json',
      'application/x-www-form-urlencoded',
      'text/csv; charset=utf-8',
      '*/*',
      'application/json; q="\u00ff"',
    ]) {
      json(`content type ${contentType}`, '/api/v1/programs', '{"name":"Typed"}', 'POST', contentType);
    }
    out.push(['x-request-id of 5,000 characters', 'GET', '/health', { headers: { 'x-request-id': 'r'.repeat(5000) } }]);
    out.push([
      'x-forwarded-for garbage',
      'GET',
      '/offers/x',
      { headers: { 'x-forwarded-for': '999.1.1.1, ::ffff:zz, ' + 'a'.repeat(500) } },
    ]);
    out.push(['accept garbage', 'GET', '/ops/queues', { headers: { accept: 'text/html;q=abc,*/*;q=-1' } }]);
    out.push([
      'content-encoding gzip, not gzipped',
      'POST',
      '/api/v1/programs',
      { key, body: '{"name":"Z"}', contentType: 'application/json', headers: { 'content-encoding': 'gzip' } },
    ]);
    // Bodies.
    json('30,000 nested arrays', '/api/v1/programs', '['.repeat(30_000) + ']'.repeat(30_000));
    json('30,000 nested objects', '/api/v1/programs', '{"a":'.repeat(30_000) + '1' + '}'.repeat(30_000));
    json(
      'nested settings 40 deep',
      '/api/v1/programs',
      `{"name":"N","policy":${'{"weights":'.repeat(40)}{}${'}'.repeat(40)}}`,
    );
    json('name 1e999', '/api/v1/programs', '{"name":1e999}');
    json('sessions 1e999', '/api/v1/programs', '{"name":"X","cadence":{"sessions":1e999}}');
    json('sessions -0', '/api/v1/programs', '{"name":"X","cadence":{"sessions":-0}}');
    json('weight NaN text', '/api/v1/programs', '{"name":"X","skills":[{"key":"a","label":"A","weight":NaN}]}');
    json('duplicate keys', '/api/v1/programs', '{"name":"A","name":"B"}');
    json('constructor key', '/api/v1/programs', '{"name":"X","constructor":{"prototype":{"admin":true}}}');
    json('__proto__ in a setting', '/api/v1/programs', '{"name":"X","policy":{"__proto__":{"objective":"score"}}}');
    json('BOM before the JSON', '/api/v1/programs', '\ufeff{"name":"X"}');
    json('JSON null', '/api/v1/programs', 'null');
    json('JSON number', '/api/v1/programs', '42');
    json('JSON true', '/api/v1/programs', 'true');
    json('whitespace only', '/api/v1/programs', '   ');
    json('trailing garbage', '/api/v1/programs', '{"name":"X"} {}');
    json(
      'interval with 40 characters',
      '/api/v1/programs',
      `{"name":"X","cadence":{"interval":"P${'9'.repeat(38)}D"}}`,
    );
    json('interval P0D', '/api/v1/programs', '{"name":"X","cadence":{"interval":"P0D"}}');
    json('interval PT0.0000001S', '/api/v1/programs', '{"name":"X","cadence":{"interval":"PT0.0000001S"}}');
    json('interval P1Y-1D', '/api/v1/programs', '{"name":"X","cadence":{"interval":"P1Y-1D"}}');
    json('interval P1W2D', '/api/v1/programs', '{"name":"X","cadence":{"interval":"P1W2D"}}');
    json('offerTtl PT9999999999999999999H', '/api/v1/programs', '{"name":"X","offerTtl":"PT9999999999999999999H"}');
    json('weights 1e-400', '/api/v1/programs', '{"name":"X","policy":{"weights":{"skills":1e-400}}}');
    json('working hours reversed', '/api/v1/programs', '{"name":"X","policy":{"workingHours":{"start":17,"end":9}}}');
    json('version 2^53', `/api/v1/programs/${programId}`, '{"version":9007199254740993,"name":"Y"}', 'PATCH');
    json('status unknown', `/api/v1/programs/${programId}`, '{"status":"deleted"}', 'PATCH');
    json('adminEmail with CRLF', '/api/v1/programs', '{"name":"X","adminEmail":"a@x.example\\r\\nBcc: b@y.example"}');
    json(
      '10,000 participants of garbage',
      `/api/v1/programs/${programId}/imports`,
      JSON.stringify({ participants: Array.from({ length: 10_000 }, () => 1) }),
    );
    json(
      'participant with 10,000 skills',
      `/api/v1/programs/${programId}/imports`,
      JSON.stringify({
        participants: [
          {
            role: 'coach',
            email: 'a@x.example',
            name: 'A',
            timezone: 'UTC',
            skills: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`s${i}`, 1])),
          },
        ],
      }),
    );
    out.push([
      'CSV with 5,000 columns',
      'POST',
      `/api/v1/programs/${programId}/imports`,
      {
        key,
        body: Array.from({ length: 5000 }, (_, i) => `c${i}`).join(',') + '\n' + ','.repeat(4999),
        contentType: 'text/csv',
      },
    ]);
    out.push([
      'CSV of one 200 kB cell',
      'POST',
      `/api/v1/programs/${programId}/imports`,
      { key, body: 'role\n"' + 'x'.repeat(200_000) + '"', contentType: 'text/csv' },
    ]);
    out.push([
      'CSV with a BOM and CRLF',
      'POST',
      `/api/v1/programs/${programId}/imports`,
      { key, body: '\ufeffrole,email\r\ncoach,a@x.example\r\n', contentType: 'text/csv' },
    ]);
    out.push([
      'CSV formula injection',
      'POST',
      `/api/v1/programs/${programId}/imports`,
      { key, body: 'role,email,name\n=cmd|calc,=1+1,@SUM(A1)', contentType: 'text/csv' },
    ]);
    // Unicode in names: stored as text (201) or refused (4xx), never 5xx.
    for (const name of [
      '\u202egnirts desrever',
      '\u200b\u200b',
      'Z\u0351\u0352\u0353'.repeat(30),
      '😀'.repeat(100),
      '😀'.repeat(101),
      '\ufffe\uffff',
      '\u0085\u2028\u2029',
      '\u001b[31mred',
      'a\u00adb',
      '\u{10ffff}',
    ]) {
      json(`name ${JSON.stringify(name).slice(0, 24)}`, '/api/v1/programs', JSON.stringify({ name }));
    }
    // Wrong methods.
    for (const [method, url] of [
      ['PUT', '/api/v1/programs'],
      ['DELETE', `/api/v1/programs/${programId}`],
      ['TRACE', '/api/v1/programs'],
      ['OPTIONS', '/api/v1/programs'],
      ['HEAD', '/api/v1/programs'],
      ['HEAD', '/health'],
      ['PATCH', '/health'],
      ['POST', '/metrics'],
      ['PUT', '/ops/login'],
      ['DELETE', '/console/signin'],
      ['POST', '/docs'],
      ['PROPFIND', '/api/v1/programs'],
      ['GET', `/api/v1/programs/${programId}/imports`],
      ['POST', '/api/v1/outbox'],
      ['SEARCH', '/offers/x'],
    ]) {
      out.push([`${method} ${url.replace(programId, ':id')}`, method, url, { key }]);
      out.push([`${method} ${url.replace(programId, ':id')} without a key`, method, url, {}]);
    }
    // Path and query tricks.
    for (const url of [
      '/api/v1/programs/',
      '//api/v1/programs',
      '/api/v1//programs',
      '/api/v1/programs;x=1',
      '/API/V1/PROGRAMS',
      '/api/v1/programs/%00',
      '/api/v1/programs/%ff',
      '/api/v1/programs/%zz',
      '/api/v1/programs/%2e%2e',
      `/api/v1/programs/${'a'.repeat(10_000)}`,
      `/api/v1/programs/${programId}%00`,
      `/api/v1/programs/${programId.toUpperCase()}`,
      `/api/v1/programs/${programId}/../${programId}`,
      '/api/v1/programs?limit=1&limit=2',
      `/api/v1/programs/${programId}/enrollments?limit=1e309`,
      `/api/v1/programs/${programId}/enrollments?limit=0x10`,
      `/api/v1/programs/${programId}/enrollments?limit=%20%205`,
      `/api/v1/programs/${programId}/enrollments?limit[]=5`,
      `/api/v1/programs/${programId}/enrollments?offset=-0`,
      `/api/v1/programs/${programId}/enrollments?${'a=1&'.repeat(2000)}`,
      `/api/v1/pairings?programId=${programId}&programId=${programId}`,
      '/api/v1/pairings?programId[]=x',
      '/api/v1/pairings?programId=%ff',
      '/api/v1/outbox?limit=99999999999999999999999',
      '/api/v1/imports/%ff%fe',
      '/offers/%zz',
      '/offers/%ff',
      `/offers/${'A'.repeat(43)}%00`,
      `/offers/${'A'.repeat(5000)}`,
      '/sessions/..%2f..%2fetc%2fpasswd',
      '/feedback/%2e%2e%2f',
      '/console/%zz',
      '/console/programs/%ff',
      '/console/signin/%zz',
      '/ops/queues/%zz',
      '/ops/queues/static/../../../package.json',
      '/ops/queues/static/%2e%2e/%2e%2e/package.json',
      '/docs/../../etc/passwd',
      '/docs-json?x=%zz',
      '/health?%zz',
      '/metrics?%zz=1',
    ]) {
      out.push([`path ${url.slice(0, 48)}`, 'GET', url, { key }]);
      out.push([`path ${url.slice(0, 48)} without a key`, 'GET', url, {}]);
    }
    return out;
  };

  it('answers every hostile request with a status below 500 (and a JSON error code when it is JSON)', async () => {
    const all = cases();
    const fivexx: string[] = [];
    const noCode: string[] = [];
    const statuses = new Map<number, number>();
    for (const [name, method, url, options] of all) {
      const answer = await tandem.request(method, url, options);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status >= 500) fivexx.push(`${name}: ${answer.status} ${answer.text.slice(0, 100)}`);
      const isJson = String(answer.headers['content-type'] ?? '').includes('json');
      if (process.env.HOSTILE_SWEEP_VERBOSE) process.stdout.write(`${answer.status} ${method} ${name}\n`);
      if (answer.status >= 400 && method !== 'HEAD' && isJson && typeof answer.body?.code !== 'string')
        noCode.push(`${name}: ${answer.status} ${answer.text.slice(0, 100)}`);
    }
    process.stdout.write(
      `hostile sweep: ${all.length} requests; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}\n`,
    );
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(fivexx).toEqual([]);
    expect(noCode).toEqual([]);
    // The api still answers.
    expect((await tandem.request('GET', '/health')).status).toBe(200);
  });

  it('refuses a body it would misread (a charset other than UTF-8, a Content-Encoding) with 415 instead of guessing', async () => {
    const post = (contentType: string, headers: Record<string, string> = {}) =>
      tandem.request('POST', '/api/v1/programs', { key: admin, body: '{"name":"Typed"}', contentType, headers });
    for (const contentType of [
      'application/json; charset=utf-16',
      'application/json; charset="latin1"',
      'application/json;charset=ISO-8859-1',
    ]) {
      expect([contentType, (await post(contentType)).status]).toEqual([contentType, 415]);
    }
    expect((await post('application/json', { 'content-encoding': 'gzip' })).status).toBe(415);
    expect((await post('application/json; charset=UTF-8')).status).toBe(201);
    expect((await post('application/json', { 'content-encoding': 'identity' })).status).toBe(201);
  });
});

describe('hostile settings: bounded durations and counts, and a job time limit', () => {
  let tandem: TestTandem;
  let key: string;
  let programId: string;

  beforeAll(async () => {
    // As in production: no short durations; one job at a time per queue, and a job may run 2 s.
    tandem = await TestTandem.start({
      env: { ALLOW_SHORT_DURATIONS: 'false', WORKER_CONCURRENCY: '1', JOB_TIME_LIMIT: 'PT2S' },
    });
    ({ apiKey: key } = await tandem.organization('Acme'));
    programId = (await tandem.request('POST', '/api/v1/programs', { key, json: { name: 'Defaults' } })).body.id;
  });

  afterAll(() => tandem?.stop());

  const tableCounts = () => countRows(tandem.get(EntityManager).fork());

  const refused: [string, Record<string, unknown>, string][] = [
    ['an interval of 99,999,999 years', { cadence: { interval: 'P99999999Y' } }, 'cadence.interval'],
    ['an interval of two years', { cadence: { interval: 'P2Y' } }, 'cadence.interval'],
    ['an interval of seconds', { cadence: { interval: 'PT3S' } }, 'cadence.interval'],
    ['53 sessions', { cadence: { sessions: 53 } }, 'cadence.sessions'],
    ['sessions of a day', { cadence: { sessionDuration: 'P1D' } }, 'cadence.sessionDuration'],
    ['a reminder a month ahead', { cadence: { reminderLead: 'P30D' } }, 'cadence.reminderLead'],
    ['an offer open 61 days', { offerTtl: 'P61D' }, 'offerTtl'],
    ['an offer open a second', { offerTtl: 'PT1S' }, 'offerTtl'],
    ['an offer open 10,000 years', { offerTtl: 'P10000Y' }, 'offerTtl'],
    ['a feedback reminder after a year', { feedback: { reminderAfter: 'P1Y' } }, 'feedback.reminderAfter'],
    ['an inactivity window of 5 years', { feedback: { inactivityWindow: 'P5Y' } }, 'feedback.inactivityWindow'],
    ['an inactivity grace of 1 year', { feedback: { inactivityGrace: 'P1Y' } }, 'feedback.inactivityGrace'],
  ];

  it.each(refused)(
    'refuses %s with a 422 naming the field, on create and on update, and changes nothing',
    async (_what, settings, field) => {
      const before = await tableCounts();
      const created = await tandem.request('POST', '/api/v1/programs', { key, json: { name: 'Bounded', ...settings } });
      expect(created.status).toBe(422);
      expect(created.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await tableCounts()).toEqual(before);
      const updated = await tandem.request('PATCH', `/api/v1/programs/${programId}`, { key, json: settings });
      expect(updated.status).toBe(422);
      expect(updated.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await tableCounts()).toEqual(before);
    },
  );

  it('accepts the ends of every range', async () => {
    const low = await tandem.request('POST', '/api/v1/programs', {
      key,
      json: {
        name: 'Low',
        offerTtl: 'PT1H',
        cadence: { interval: 'P1D', sessions: 1, sessionDuration: 'PT15M', reminderLead: 'PT5M' },
        feedback: { reminderAfter: 'PT1H', inactivityWindow: 'P1D', inactivityGrace: 'PT1H' },
      },
    });
    expect(low.status).toBe(201);
    const high = await tandem.request('POST', '/api/v1/programs', {
      key,
      json: {
        name: 'High',
        offerTtl: 'P60D',
        cadence: { interval: 'P1Y', sessions: 52, sessionDuration: 'PT8H', reminderLead: 'P14D' },
        feedback: { reminderAfter: 'P30D', inactivityWindow: 'P1Y', inactivityGrace: 'P90D' },
      },
    });
    expect(high.status).toBe(201);
  });

  it('fails the planning of a series past the calendar for good (a program stored before the bounds), and the worker serves on', async () => {
    const { programId } = await seedProgram(tandem, key, {}, [
      { role: 'coach', email: 'coach@far.example', name: 'Cora Far', capacity: 1 },
      { role: 'coachee', email: 'coachee@far.example', name: 'Eli Far' },
    ]);
    const round = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    expect((await roundDone(tandem, key, round.body.id)).matched).toBe(1);
    expect((await tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key })).status).toBe(200);
    // As an old row could hold it: the API refuses this interval now.
    const db = tandem.get(EntityManager).fork();
    await rawQuery(db, `update program set cadence = jsonb_set(cadence, '{interval}', '"P99999999Y"') where id = ?`, [
      programId,
    ]);
    const [{ id: offerId, pairing_id: pairingId }] = await rawQuery<{ id: string; pairing_id: string }>(
      db,
      `select o.id, o.pairing_id from offer o join pairing p on p.id = o.pairing_id where p.program_id = ?`,
      [programId],
    );
    expect(
      (
        await tandem.request('POST', `/offers/${linkToken(tandem.testEnv.config.appSecret, 'offer', offerId)}/accept`, {
          body: '',
          ...form,
        })
      ).status,
    ).toBe(200);
    const failure = await waitFor(
      async () => {
        const [row] = await rawQuery<{ error: string }>(
          tandem.get(EntityManager).fork(),
          `select error from job_failure where job_name = ? and subject_id = ?`,
          [JobName.CadenceScheduleSessions, pairingId],
        );
        return row;
      },
      'the planning to fail',
      15_000,
    );
    expect(failure.error).toMatch(/no session plan can be made/);
    // The worker is free: another organization's import runs.
    const { apiKey: other } = await tandem.organization('Globex');
    await seedProgram(tandem, other, {}, [
      { role: 'coach', email: 'coach@next.example', name: 'Cora Next', capacity: 1 },
    ]);
  });

  it("fails a job that runs past JOB_TIME_LIMIT (recorded in job_failure), so the next tenant's job runs on the freed worker", async () => {
    const program = async (organization: string) => {
      const { organizationId, apiKey } = await tandem.organization(organization);
      const created = await tandem.request('POST', '/api/v1/programs', { key: apiKey, json: { name: 'Time limit' } });
      expect(created.status).toBe(201);
      return { organizationId, programId: created.body.id as string };
    };
    const { organizationId: stuckOrganization, programId: stuck } = await program('Stuck Ltd');
    const { programId: other } = await program('Other Ltd');
    // Hold the lock the learning job takes for `stuck`'s organization: its job waits on it, as on any lock or slow query.
    const holder = new Client({ connectionString: tandem.testEnv.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query(`select pg_advisory_lock(hashtext('coach_learning:' || $1::text))`, [stuckOrganization]);
      const producer = tandem.get(JobProducer);
      await producer.enqueue(JobName.FeedbackAggregate, { programId: stuck, feedbackId: randomUUID() });
      await producer.enqueue(JobName.FeedbackAggregate, { programId: other, feedbackId: randomUUID() });
      const failure = await waitFor(
        async () => {
          const [row] = await rawQuery<{ job_name: string; subject_id: string; error: string }>(
            tandem.get(EntityManager).fork(),
            `select job_name, subject_id, error from job_failure where subject_id = ?`,
            [stuck],
          );
          return row;
        },
        'the stuck job to fail',
        15_000,
      );
      expect(failure).toMatchObject({ job_name: JobName.FeedbackAggregate });
      expect(failure.error).toMatch(/time limit/);
      const queue = producer.queue(QueueName.Feedback);
      await waitFor(
        async () => ((await queue.getCompleted()).some((job) => job.data.programId === other) ? true : undefined),
        "the other tenant's job",
        15_000,
      );
      const failed = await queue.getFailed();
      expect(failed.filter((job) => job.data.programId === stuck).map((job) => job.failedReason)).toEqual([
        expect.stringMatching(/time limit/),
      ]);
    } finally {
      await holder.end();
    }
  });
});
