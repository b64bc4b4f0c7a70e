import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { OrganizationsService } from '@tandem/workflows';
import IORedis from 'ioredis';
import { participantCsv } from './support/participants';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { linkPath } from './support/mail-scenario';
import { appRoutes } from './support/routes';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';
import { tableCounts as countRows } from './support/table-counts';

const PUBLIC_URL = 'https://tandem.test';
const PAGE_RATE_LIMIT = 40;
const form = { contentType: 'application/x-www-form-urlencoded' };

/**
 * Security: every /api/v1 route (read from Nest's router metadata, so a new route is covered without being listed)
 * refuses a missing or revoked key, an operator's write and another organization's ids; link tokens are stored only
 * as hashes and each opens only its own page; Redis job data holds no personal data.
 */
describe('security: authorization matrix, tokens, ops access, Redis payloads', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let admin: string;
  let operator: string;
  let revoked: string;
  let otherAdmin: string;
  const mine: Record<string, string> = {};
  const theirs: Record<string, string> = {};

  const people = (tag: string): FixturePerson[] => [
    { role: 'coach', email: `coach1@${tag}.example`, name: `Corinne ${tag}`, capacity: 2 },
    { role: 'coach', email: `coach2@${tag}.example`, name: `Cedric ${tag}`, capacity: 2 },
    { role: 'coachee', email: `coachee1@${tag}.example`, name: `Esther ${tag}` },
    { role: 'coachee', email: `coachee2@${tag}.example`, name: `Emile ${tag}` },
  ];

  /** A program with a published round: ids of each kind a route may take. */
  const world = async (key: string, tag: string, out: Record<string, string>) => {
    // One short session, so an accepted pair soon has feedback and closing-survey links as well.
    const fast = {
      offerTtl: 'PT5M',
      cadence: { interval: 'PT2S', sessions: 1, sessionDuration: 'PT1S', reminderLead: 'PT1S' },
    };
    const { programId, idOf } = await seedProgram(tandem, key, fast, people(tag));
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    await roundDone(tandem, key, launched.body.id);
    expect((await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/publish`, { key })).status).toBe(200);
    const pairings = await tandem.request('GET', `/api/v1/pairings?programId=${programId}`, { key });
    const [{ id: importId }] = await rawQuery<{ id: string }>(
      tandem.get(EntityManager).fork(),
      `select id from import_batch where program_id = ?`,
      [programId],
    );
    const keys = await tandem.request('GET', '/api/v1/api-keys', { key });
    const webhook = await tandem.request('POST', '/api/v1/webhooks', {
      key,
      json: { url: `https://hooks.${tag}.example/tandem`, events: ['round.published'] },
    });
    const delivery = await tandem.request('POST', `/api/v1/webhooks/${webhook.body.id}/test`, { key });
    const scimToken = await tandem.request('POST', '/api/v1/scim-tokens', { key, json: { name: `${tag} IdP` } });
    expect(scimToken.status).toBe(201);
    Object.assign(out, {
      'scim-tokens': scimToken.body.id,
      scimToken: scimToken.body.token,
      scimGroup: `coachees-${programId}`,
      webhooks: webhook.body.id,
      deliveryId: delivery.body.id,
      programs: programId,
      imports: importId,
      rounds: launched.body.id,
      pairings: pairings.body.items[0].id,
      'api-keys': keys.body.items[0].id,
      enrollments: idOf(`coachee1@${tag}.example`),
      coacheeId: idOf(`coachee1@${tag}.example`),
      coachId: idOf(`coach1@${tag}.example`),
      people: (
        await rawQuery<{ id: string }>(
          tandem.get(EntityManager).fork(),
          `select person_id as id from enrollment where id = ?`,
          [idOf(`coachee1@${tag}.example`)],
        )
      )[0].id,
    });
  };

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({
      env: { SMTP_URL: smtp.url, PUBLIC_URL, PAGE_RATE_LIMIT: String(PAGE_RATE_LIMIT) },
    });
    let organizationId: string;
    ({ apiKey: admin, organizationId } = await tandem.organization('Acme'));
    ({ apiKey: operator } = await tandem.get(OrganizationsService).createApiKey(organizationId, 'operator' as never));
    ({ apiKey: otherAdmin } = await tandem.organization('Globex'));
    const issued = await tandem.request('POST', '/api/v1/api-keys', { key: admin, json: { role: 'admin' } });
    revoked = issued.body.apiKey;
    expect((await tandem.request('DELETE', `/api/v1/api-keys/${issued.body.id}`, { key: admin })).status).toBe(204);
    await world(admin, 'acme', mine);
    await world(otherAdmin, 'globex', theirs);
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  });

  const db = () => tandem.get(EntityManager).fork();
  const tableCounts = () => countRows(db());

  const routes = () => appRoutes(tandem.api).filter((r) => r.path.startsWith('/api/v1/'));
  /** The route's path with each `:param` replaced by an id of `ids`: the segment before it names the kind. */
  const urlOf = (path: string, ids: Record<string, string>) =>
    path.replace(/:(\w+)/g, (_m, name: string, offset: number) => {
      const kind =
        name === 'id'
          ? path
              .slice(0, offset - 1)
              .split('/')
              .pop()!
          : name;
      if (!ids[kind]) throw new Error(`no test id for ":${name}" in ${path}: add one to the security test's world()`);
      return ids[kind];
    }) + (path === '/api/v1/pairings' ? `?programId=${ids.programs}` : '');
  /** A body good enough to reach the handler, so a refusal comes from authorization, not from validation. */
  const bodyOf = (method: string, path: string, ids: Record<string, string>) => {
    if (method === 'GET') return {};
    if (path.endsWith('/imports')) return { body: participantCsv(2, 'matrix.example') };
    if (path.endsWith('/enrollments')) {
      return {
        json: {
          role: 'coachee',
          email: 'matrix@matrix.example',
          name: 'M',
          timezone: 'UTC',
          skills: {
            active_listening: 1,
            empathy: 1,
            emotional_intelligence: 1,
            trust_building: 1,
            clear_communication: 1,
          },
        },
      };
    }
    if (path.endsWith('/pins') || path.endsWith('/exclusions'))
      return { json: { coacheeId: ids.coacheeId, coachId: ids.coachId, revision: 1 } };
    if (path.includes('/pins/')) return { json: { revision: 1 } };
    if (path.endsWith('/api-keys')) return { json: { role: 'operator' } };
    if (path.endsWith('/invitations'))
      return { json: { people: [{ role: 'coachee', name: 'M', email: 'matrix@matrix.example' }] } };
    if (path.endsWith('/registration')) return { json: { reminderDays: [2, 5] } };
    if (path === '/api/v1/sso')
      return {
        json: {
          issuer: 'https://login.matrix.example',
          clientId: 'matrix',
          clientSecret: 'matrix-secret',
          allowedDomains: ['matrix.example'],
        },
      };
    if (path === '/api/v1/scim-tokens') return { json: { name: 'Matrix IdP' } };
    if (path === '/api/v1/webhooks')
      return { json: { url: 'https://hooks.matrix.example/x', events: ['round.published'] } };
    if (method === 'PATCH') return { json: { name: 'Renamed' } };
    if (method === 'POST' && path === '/api/v1/programs') return { json: { name: 'New' } };
    return {};
  };

  it('finds the api routes from the router (so new routes are covered)', () => {
    const found = routes().map((r) => `${r.method} ${r.path}`);
    expect(found.length).toBeGreaterThanOrEqual(20);
    process.stdout.write(
      `authorization matrix: ${found.length} /api/v1 routes, ${found.filter((r) => !r.startsWith('GET')).length} writes, ${routes().filter((r) => r.path.includes(':') || r.path === '/api/v1/pairings').length} taking ids\n`,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'GET /api/v1/sso',
        'PUT /api/v1/sso',
        'DELETE /api/v1/sso',
        'GET /api/v1/programs',
        'POST /api/v1/programs/:id/imports',
        'DELETE /api/v1/rounds/:id/pins/:coacheeId',
        'GET /api/v1/outbox',
        'GET /api/v1/pairings/:id/sessions',
        'POST /api/v1/programs/:id/invitations',
        'PUT /api/v1/programs/:id/registration',
        'POST /api/v1/programs/:id/registration/close',
      ]),
    );
  });

  it('answers 401 on every /api/v1 route without a key, with a malformed key, and with a revoked key', async () => {
    const before = await tableCounts();
    const wrong: string[] = [];
    for (const route of routes()) {
      for (const key of [undefined, 'not-a-key', revoked]) {
        const answer = await tandem.request(route.method, urlOf(route.path, mine), {
          key,
          ...bodyOf(route.method, route.path, mine),
        });
        if (answer.status !== 401 || answer.body?.code !== 'unauthenticated')
          wrong.push(`${route.method} ${route.path} key=${key?.slice(0, 6)}: ${answer.status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });

  it('answers 403 to an operator key on every write route', async () => {
    const before = await tableCounts();
    const writes = routes().filter((r) => r.method !== 'GET');
    expect(writes.length).toBeGreaterThanOrEqual(8);
    const wrong: string[] = [];
    for (const route of writes) {
      const answer = await tandem.request(route.method, urlOf(route.path, mine), {
        key: operator,
        ...bodyOf(route.method, route.path, mine),
      });
      if (answer.status !== 403 || answer.body?.code !== 'forbidden')
        wrong.push(`${route.method} ${route.path}: ${answer.status}`);
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });

  it("answers 404 on every route that takes an id when the id is another organization's", async () => {
    const before = await tableCounts();
    const withIds = routes().filter((r) => r.path.includes(':') || r.path === '/api/v1/pairings');
    expect(withIds.length).toBeGreaterThanOrEqual(14);
    const wrong: string[] = [];
    for (const route of withIds) {
      const answer = await tandem.request(route.method, urlOf(route.path, theirs), {
        key: admin,
        ...bodyOf(route.method, route.path, theirs),
      });
      if (answer.status !== 404 || answer.body?.code !== 'not_found')
        wrong.push(`${route.method} ${route.path}: ${answer.status} ${answer.text.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts()).toEqual(before);
    // Lists show only the caller's own rows.
    expect(
      (await tandem.request('GET', '/api/v1/programs', { key: admin })).body.items.map((p: { id: string }) => p.id),
    ).toEqual([mine.programs]);
    expect(
      (await tandem.request('GET', '/api/v1/api-keys', { key: admin })).body.items.map((k: { id: string }) => k.id),
    ).not.toContain(theirs['api-keys']);
    const outbox = await tandem.request('GET', '/api/v1/outbox?limit=200', { key: admin });
    expect(JSON.stringify(outbox.body)).not.toContain('globex.example');
  });

  /** Every SCIM route, with ids of `ids`' organization and a body good enough to reach the handler. */
  const scimRequests = (ids: Record<string, string>) =>
    appRoutes(tandem.api)
      .filter((r) => r.path.startsWith('/scim/v2/'))
      .map((route) => {
        const url = route.path
          .replace('Users/:id', `Users/${ids.people}`)
          .replace('Groups/:id', `Groups/${ids.scimGroup}`)
          .replace(':name', 'User')
          .replace(':urn', 'urn:ietf:params:scim:schemas:core:2.0:User');
        const json =
          route.method === 'PATCH'
            ? {
                schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
                Operations: [{ op: 'replace', path: 'active', value: false }],
              }
            : route.path.includes('Groups')
              ? {
                  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
                  displayName: 'Leaders 2027 coachees',
                  members: [],
                }
              : {
                  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
                  userName: 'matrix@matrix.example',
                  active: false,
                };
        return {
          route: `${route.method} ${route.path}`,
          method: route.method,
          url,
          ...(route.method === 'GET' || route.method === 'DELETE'
            ? {}
            : { json, contentType: 'application/scim+json' }),
        };
      });

  it('answers 401 with a SCIM error on every /scim/v2 route without a SCIM token (an API key is not one), and 404 for another organization', async () => {
    const requests = scimRequests(mine);
    expect(requests.length).toBeGreaterThanOrEqual(16);
    const revokedScim = await tandem.request('POST', '/api/v1/scim-tokens', { key: admin, json: { name: 'Revoked' } });
    expect((await tandem.request('DELETE', `/api/v1/scim-tokens/${revokedScim.body.id}`, { key: admin })).status).toBe(
      200,
    );
    const before = await tableCounts();
    const wrong: string[] = [];
    for (const request of requests) {
      for (const key of [undefined, 'not-a-token', admin, revokedScim.body.token, `tdmscim_${'A'.repeat(43)}`]) {
        const answer = await tandem.request(request.method, request.url, { ...request, key });
        const scimError =
          answer.body?.schemas?.[0] === 'urn:ietf:params:scim:api:messages:2.0:Error' && answer.body?.status === '401';
        if (
          answer.status !== 401 ||
          !scimError ||
          !String(answer.headers['content-type']).startsWith('application/scim+json')
        )
          wrong.push(`${request.route} key=${key?.slice(0, 9)}: ${answer.status}`);
      }
    }
    // With this organization's token, the other organization's users and groups are not found, whatever the body.
    for (const request of scimRequests(theirs).filter((r) => r.route.includes('/:id'))) {
      const answer = await tandem.request(request.method, request.url, { ...request, key: mine.scimToken });
      if (answer.status !== 404 || answer.body?.status !== '404')
        wrong.push(`${request.route} theirs: ${answer.status} ${answer.text.slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts()).toEqual(before);
    // Lists show only the token's own organization.
    const users = await tandem.request('GET', '/scim/v2/Users?count=200', { key: mine.scimToken });
    expect(users.status).toBe(200);
    expect(users.text).not.toContain('globex.example');
    expect(users.text).toContain('acme.example');
    const groups = await tandem.request('GET', '/scim/v2/Groups', { key: mine.scimToken });
    expect(groups.body.Resources.map((g: { id: string }) => g.id)).toEqual([
      `coaches-${mine.programs}`,
      `coachees-${mine.programs}`,
    ]);
  });

  it('refuses anonymous access to the queue dashboard and metrics', async () => {
    for (const url of ['/ops/queues', '/ops/queues/api/queues', '/metrics']) {
      expect((await tandem.request('GET', url)).status).toBe(401);
      expect((await tandem.request('GET', url, { key: revoked })).status).toBe(401);
    }
  });

  it('opens an offer only with its own token: other kinds of page, altered tokens, used and expired offers change nothing', async () => {
    const offers = smtp.messages.filter(
      (m) => m.subject.startsWith('Coaching offer') && m.to[0].endsWith('@acme.example'),
    );
    expect(offers.length).toBe(2);
    const [first, second] = offers.map((m) => new URL(offerLink(m.text)).pathname);
    const token = first.split('/').pop()!;
    const before = await tableCounts();
    const elsewhere = [
      await tandem.request('GET', `/sessions/${token}`),
      await tandem.request('GET', `/feedback/${token}`),
      await tandem.request('GET', `/surveys/${token}`),
      await tandem.request('GET', `/rematch/${token}`),
      await tandem.request('GET', `/questionnaire/${token}`),
      await tandem.request('POST', `/questionnaire/${token}`, { body: 'name=X', ...form }),
      await tandem.request('POST', `/feedback/${token}`, { body: 'rating=5', ...form }),
      await tandem.request('POST', `/rematch/${token}/accept`, { body: '', ...form }),
      await tandem.request('POST', `/offers/${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}/accept`, {
        body: '',
        ...form,
      }),
    ];
    expect(elsewhere.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404, 404, 404, 404]);
    expect(await tableCounts()).toEqual(before);

    // Used: the first is accepted; pressing decline afterwards, or accept again, changes nothing.
    expect((await tandem.request('POST', `${first}/accept`, { body: '', ...form })).status).toBe(200);
    // The acceptance's follow-up settles first: the session is planned, closed (feedback asked of both), the coach
    // reports it held and the pairing completes (closing survey), every email delivered.
    const request = await waitFor(
      async () =>
        smtp.messages.find(
          (m) => m.to[0] === offers[0].to[0] && m.subject.startsWith('Feedback on coaching session 1'),
        ),
      'the feedback request',
      30_000,
    );
    expect(
      (await tandem.request('POST', linkPath(request.text, 'feedback'), { body: 'attendance=held', ...form })).status,
    ).toBe(200);
    await waitFor(
      async () => {
        const [{ n }] = await rawQuery<{ n: string }>(
          db(),
          `select count(*) as n from outbox_message where idempotency_key like 'closing-survey:%' and status = 'sent'`,
        );
        const [{ p }] = await rawQuery<{ p: string }>(
          db(),
          `select count(*) as p from outbox_message where status <> 'sent'`,
        );
        return Number(n) === 1 && Number(p) === 0 ? true : undefined;
      },
      'the pairing to complete',
      30_000,
    );
    const afterAccept = await tableCounts();
    const state = () =>
      rawQuery<{ status: string; decision: string | null }>(
        db(),
        `select p.status, o.decision from pairing p join offer o on o.pairing_id = p.id where p.program_id = ? order by p.id`,
        [mine.programs],
      );
    const decided = await state();
    expect((await tandem.request('POST', `${first}/decline`, { body: 'reason=changed', ...form })).status).toBe(409);
    expect((await tandem.request('POST', `${first}/accept`, { body: '', ...form })).status).toBe(200);
    expect(await state()).toEqual(decided);
    expect(await tableCounts()).toEqual(afterAccept);

    // Expired: the second offer's time runs out; its buttons change nothing.
    await rawQuery(
      db(),
      `update offer set expires_at = now() - interval '1 minute' where pairing_id in (select id from pairing where program_id = ? and status = 'offered')`,
      [mine.programs],
    );
    const expiredBefore = await state();
    const countsBefore = await tableCounts();
    expect((await tandem.request('POST', `${second}/accept`, { body: '', ...form })).status).toBe(410);
    expect((await tandem.request('GET', second)).status).toBe(410);
    expect(await state()).toEqual(expiredBefore);
    expect(await tableCounts()).toEqual(countsBefore);
  });

  it('keeps no plaintext token or key in the database: a dump of every table holds only their hashes', async () => {
    await waitFor(
      async () => (smtp.messages.some((m) => m.text.includes('/surveys/')) ? true : undefined),
      'the closing survey',
    );
    const links = smtp.messages.flatMap((m) =>
      [...m.text.matchAll(/https?:\/\/\S+\/(offers|sessions|feedback|surveys|rematch)\/([A-Za-z0-9_-]{20,})/g)].map(
        (x) => x[2],
      ),
    );
    // Offer links, and the session, feedback and survey links of the pairing accepted above.
    expect(links.length).toBeGreaterThanOrEqual(4);
    for (const kind of ['feedback', 'surveys'])
      expect(smtp.messages.some((m) => new RegExp(`/${kind}/[A-Za-z0-9_-]{20,}`).test(m.text))).toBe(true);
    // A feedback token opens no other kind of page either.
    const feedbackToken = /\/feedback\/([A-Za-z0-9_-]{20,})/.exec(
      smtp.messages.find((m) => m.text.includes('/feedback/'))!.text,
    )![1];
    for (const path of [`/offers/${feedbackToken}`, `/sessions/${feedbackToken}`, `/surveys/${feedbackToken}`])
      expect((await tandem.request('GET', path)).status).toBe(404);
    expect(
      links.filter((l) => smtp.messages.some((m) => m.text.includes(`/sessions/${l}`))).length,
    ).toBeGreaterThanOrEqual(2);
    const secrets = [...links, admin, operator, revoked, otherAdmin, mine.scimToken, theirs.scimToken];
    const tables = await rawQuery<{ name: string }>(
      db(),
      `select table_name as name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    let dump = '';
    for (const { name } of tables)
      dump += (await rawQuery<{ row: string }>(db(), `select to_jsonb(t)::text as row from "${name}" t`))
        .map((r) => r.row)
        .join('\n');
    expect(dump.length).toBeGreaterThan(10_000);
    expect(secrets.filter((secret) => dump.includes(secret))).toEqual([]);
  });

  it('builds email links from PUBLIC_URL, whatever Host header the request that caused them carried', async () => {
    const { programId } = await seedProgram(tandem, admin, {}, people('forged'));
    const forged = {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'http',
      forwarded: 'host=evil.example',
    };
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, {
      key: admin,
      headers: forged,
    });
    await roundDone(tandem, admin, launched.body.id);
    expect(
      (await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/publish`, { key: admin, headers: forged }))
        .status,
    ).toBe(200);
    const mails = await waitFor(async () => {
      const found = smtp.messages.filter(
        (m) => m.subject.startsWith('Coaching offer') && m.to[0].endsWith('@forged.example'),
      );
      return found.length === 2 ? found : undefined;
    }, 'the offers');
    for (const mail of mails) {
      expect(offerLink(mail.text).startsWith(`${PUBLIC_URL}/offers/`)).toBe(true);
      expect(`${mail.text}${mail.html}`).not.toContain('evil.example');
    }
  });

  it('keeps emails and names out of Redis job data', async () => {
    const redis = new IORedis(tandem.testEnv.config.redisUrl);
    try {
      const prefix = tandem.testEnv.config.queuePrefix;
      let cursor = '0';
      let jobs = 0;
      const leaks: string[] = [];
      const personal = /@[a-z]+\.example|Corinne|Cedric|Esther|Emile/;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          if ((await redis.type(key)) !== 'hash') continue;
          const fields = await redis.hgetall(key);
          if (fields.data === undefined) continue;
          jobs++;
          for (const field of ['data', 'returnvalue', 'failedReason', 'stacktrace'])
            if (fields[field] && personal.test(fields[field])) leaks.push(`${key}.${field}`);
        }
      } while (cursor !== '0');
      expect(jobs).toBeGreaterThanOrEqual(10);
      expect(leaks).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('rate-limits guessing at tokens (429), and a guess never opens a page', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PAGE_RATE_LIMIT + 5; i++) {
      const guess = Buffer.from(`guess-${i}-${'x'.repeat(30)}`)
        .toString('base64url')
        .slice(0, 43);
      statuses.push((await tandem.request('GET', `/offers/${guess}`)).status);
    }
    expect(statuses.every((s) => s === 404 || s === 429)).toBe(true);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  });
});
