import { createHmac } from 'node:crypto';
import { rawQuery } from '@tandem/domain';
import { JobName, JobProducer, QueueName } from '@tandem/queues';
import { ReconcilerService, WEBHOOK_EVENTS } from '@tandem/workflows';
import { Webhook } from 'standardwebhooks';
import { ConsoleClient, consoleOrganization } from './support/console-client';
import { form, mailScenario } from './support/mail-scenario';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { waitFor, waitQueuesIdle } from './support/test-env';
import { WebhookReceiver } from './support/webhook-receiver';

/** A signature checked by hand, as Standard Webhooks specifies it: HMAC-SHA256(base64-decoded secret, `id.timestamp.body`). */
function handSignature(secret: string, id: string, timestamp: string, body: string): string {
  return `v1,${createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'))
    .update(`${id}.${timestamp}.${body}`)
    .digest('base64')}`;
}

describe('webhooks: registered endpoints get signed events, retried, recorded and replayable', () => {
  const receiver = new WebhookReceiver();
  const ctx = mailScenario({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_RETRY_BASE: 'PT0.2S' });
  beforeAll(async () => {
    await receiver.start();
    await ctx.start();
  });
  afterAll(async () => {
    await ctx.stop();
    await receiver.stop();
  });
  const webhooksQueue = () => ctx.tandem.get(JobProducer).queue(QueueName.Webhooks);
  const register = async (json: Record<string, unknown>, key = ctx.key) =>
    ctx.tandem.request('POST', '/api/v1/webhooks', { key, json });
  const deliveries = async (endpointId: string, query = '') =>
    (await ctx.tandem.request('GET', `/api/v1/webhooks/${endpointId}/deliveries${query}`, { key: ctx.key })).body;

  it('refuses bad registrations with the field’s message and keeps nothing; admins only; another organization’s endpoint is 404', async () => {
    const before = await rawQuery<{ n: number }>(ctx.db(), `select count(*)::int as n from webhook_endpoint`);
    const cases: [Record<string, unknown>, string][] = [
      [{ url: receiver.url('/x') }, 'events'],
      [{ url: receiver.url('/x'), events: [] }, 'events'],
      [{ url: receiver.url('/x'), events: ['offer.eaten'] }, 'events.0'],
      [{ url: 'ftp://hooks.example.com/x', events: ['round.published'] }, 'url'],
      [{ url: 'https://user:pw@hooks.example.com/x', events: ['round.published'] }, 'url'],
      [{ url: 'not a url', events: ['round.published'] }, 'url'],
      [{ url: receiver.url('/x'), events: ['round.published'], format: 'discord' }, 'format'],
      [{ url: receiver.url('/x'), events: ['round.published'], secret: 'mine' }, '(body)'],
    ];
    for (const [json, field] of cases) {
      const answer = await register(json);
      expect([answer.status, answer.body.code]).toEqual([422, 'validation_failed']);
      expect(answer.body.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    expect(await rawQuery<{ n: number }>(ctx.db(), `select count(*)::int as n from webhook_endpoint`)).toEqual(before);

    expect((await ctx.tandem.request('GET', '/api/v1/webhooks')).status).toBe(401);
    const operator = await ctx.tandem.request('POST', '/api/v1/api-keys', { key: ctx.key, json: { role: 'operator' } });
    expect((await ctx.tandem.request('GET', '/api/v1/webhooks', { key: operator.body.apiKey })).status).toBe(403);
    expect(
      (await register({ url: receiver.url('/x'), events: ['round.published'] }, operator.body.apiKey)).status,
    ).toBe(403);

    const mine = await register({ url: receiver.url('/mine'), events: ['round.published'] });
    expect(mine.status).toBe(201);
    const other = await ctx.tandem.organization('Other');
    for (const [method, path] of [
      ['GET', ''],
      ['PATCH', ''],
      ['DELETE', ''],
      ['GET', '/deliveries'],
      ['POST', '/test'],
      ['POST', `/deliveries/${mine.body.id}/replay`],
    ]) {
      const answer = await ctx.tandem.request(method, `/api/v1/webhooks/${mine.body.id}${path}`, {
        key: other.apiKey,
        body: '{broken',
        contentType: 'application/json',
      });
      expect([method, path, answer.status]).toEqual([method, path, 404]);
    }
    const bad = await ctx.tandem.request('POST', `/api/v1/webhooks/${mine.body.id}/deliveries/not-an-id/replay`, {
      key: ctx.key,
    });
    expect(bad.status).toBe(404);
    expect(
      (await ctx.tandem.request('GET', `/api/v1/webhooks/${mine.body.id}/deliveries?status=lost`, { key: ctx.key }))
        .status,
    ).toBe(422);
    expect((await ctx.tandem.request('DELETE', `/api/v1/webhooks/${mine.body.id}`, { key: ctx.key })).status).toBe(204);
    expect((await ctx.tandem.request('GET', `/api/v1/webhooks/${mine.body.id}`, { key: ctx.key })).status).toBe(404);
  });

  it('sends a program’s events once each, signed, with ids and no personal data; a Slack endpoint gets its message', async () => {
    const all = await register({ url: receiver.url('/all'), events: [...WEBHOOK_EVENTS], description: 'HRIS' });
    expect(all.status).toBe(201);
    expect(all.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const [stored] = await rawQuery<{ secret_encrypted: string }>(
      ctx.db(),
      `select secret_encrypted from webhook_endpoint where id = ?`,
      [all.body.id],
    );
    expect(stored.secret_encrypted).not.toContain(all.body.secret.slice(6, 20));
    expect(
      (await ctx.tandem.request('GET', `/api/v1/webhooks/${all.body.id}`, { key: ctx.key })).body,
    ).not.toHaveProperty('secret');
    const slack = await register({ url: receiver.url('/slack'), events: ['round.published'], format: 'slack' });
    const teams = await register({ url: receiver.url('/teams'), events: ['pairing.active'], format: 'teams' });

    const people: FixturePerson[] = [
      { role: 'coach', email: 'cora.hook@acme.example', name: 'Cora Hook', capacity: 1 },
      { role: 'coachee', email: 'eli.hook@acme.example', name: 'Eli Hook' },
    ];
    const { programId } = await seedProgram(
      ctx.tandem,
      ctx.key,
      { cadence: { interval: 'PT3S', sessions: 2, sessionDuration: 'PT1S', reminderLead: 'PT2S' } },
      people,
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: ctx.key });
    expect((await roundDone(ctx.tandem, ctx.key, round.body.id)).matched).toBe(1);
    expect((await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key })).status).toBe(
      200,
    );
    const [offer] = await ctx.waitMail('cora.hook@acme.example', 'Coaching offer');
    expect(
      (await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, { body: '', ...form }))
        .status,
    ).toBe(200);
    const [invite] = await ctx.waitMail('cora.hook@acme.example', 'Your coaching sessions');
    // The coach cancels session 2.
    const second = [...invite.text.matchAll(/https?:\/\/\S+(\/sessions\/[A-Za-z0-9_-]{43})/g)][1][1];
    expect((await ctx.tandem.request('POST', `${second}/cancel`, { body: '', ...form })).text).toContain(
      'Session cancelled',
    );
    // The coach answers the first session's feedback.
    const [request] = await ctx.waitMail('cora.hook@acme.example', 'Feedback on coaching session 1');
    expect(
      (
        await ctx.tandem.request('POST', /\/feedback\/[A-Za-z0-9_-]{43}/.exec(request.text)![0], {
          body: 'attendance=held',
          ...form,
        })
      ).status,
    ).toBe(200);

    const expected = [
      'enrollment.created',
      'enrollment.created',
      'round.proposed',
      'round.published',
      'offer.accepted',
      'pairing.active',
      'session.planned',
      'session.planned',
      'session.cancelled',
      'feedback.submitted',
      'pairing.completed',
    ];
    const hooks = await waitFor(async () => {
      const got = receiver.at('/all');
      return got.length >= expected.length ? got : undefined;
    }, 'the program’s events');
    await waitQueuesIdle([webhooksQueue()]);
    expect(
      receiver
        .at('/all')
        .map((h) => h.json.type)
        .sort(),
    ).toEqual([...expected].sort());
    const ids = hooks.map((h) => h.headers['webhook-id']);
    expect(new Set(ids).size).toBe(ids.length);
    for (const hook of hooks) {
      const headers = {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      };
      expect(new Webhook(all.body.secret).verify(hook.body, headers)).toEqual(hook.json);
      expect(headers['webhook-signature']).toBe(
        handSignature(all.body.secret, headers['webhook-id'], headers['webhook-timestamp'], hook.body),
      );
      expect(hook.body).not.toMatch(/@|Cora|Eli|Hook/);
      expect((hook.json.data as { programId?: string }).programId).toBe(programId);
    }
    // A forged body does not verify.
    const tampered = hooks[0].body.replace(programId, '00000000-0000-4000-8000-000000000000');
    expect(() =>
      new Webhook(all.body.secret).verify(tampered, {
        'webhook-id': String(hooks[0].headers['webhook-id']),
        'webhook-timestamp': String(hooks[0].headers['webhook-timestamp']),
        'webhook-signature': String(hooks[0].headers['webhook-signature']),
      }),
    ).toThrow();
    const session = hooks.find((h) => h.json.type === 'session.cancelled')!;
    expect(session.json.data).toMatchObject({
      index: 2,
      status: 'cancelled',
      programId,
      startsAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(session.json.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const [slackHook] = receiver.at('/slack');
    expect(receiver.at('/slack')).toHaveLength(1);
    expect(slackHook.json.text).toBe('A matching round was published in Leaders 2027.');
    expect(JSON.stringify(slackHook.json.blocks)).toContain(
      `<https://tandem.test/console/programs/${programId}|Open in Tandem>`,
    );
    const [teamsHook] = receiver.at('/teams');
    // One event, one id: the Teams endpoint got the same webhook-id as the all-events endpoint for it.
    expect(teamsHook.headers['webhook-id']).toBe(
      hooks.find((h) => h.json.type === 'pairing.active')!.headers['webhook-id'],
    );
    expect(receiver.at('/teams')).toHaveLength(1);
    expect(teamsHook.json).toMatchObject({
      type: 'message',
      attachments: [
        { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4' } },
      ],
    });
    const card = (teamsHook.json as { attachments: { content: { body: { text: string }[] } }[] }).attachments[0]
      .content;
    expect(card.body.map((b) => b.text)).toEqual([
      'A pairing started in Leaders 2027.',
      `pairing.active at ${String(hooks.find((h) => h.json.type === 'pairing.active')!.json.timestamp)}`,
    ]);

    const page = await deliveries(all.body.id);
    expect(page.total).toBe(expected.length);
    expect(
      page.items.every(
        (d: { status: string; attempts: number; responses: { statusCode: number }[] }) =>
          d.status === 'delivered' && d.attempts === 1 && d.responses[0].statusCode === 200,
      ),
    ).toBe(true);
    expect(
      (await ctx.tandem.request('GET', '/api/v1/webhooks', { key: ctx.key })).body.items.find(
        (e: { id: string }) => e.id === all.body.id,
      ).deliveries,
    ).toEqual({ pending: 0, delivered: expected.length, failed: 0 });
    for (const id of [all.body.id, slack.body.id, teams.body.id])
      expect((await ctx.tandem.request('DELETE', `/api/v1/webhooks/${id}`, { key: ctx.key })).status).toBe(204);
  });

  it('retries a refused delivery with backoff under the same webhook-id and records every answer', async () => {
    receiver.answer = (path, before) => (path === '/flaky' && before < 2 ? 500 : 200);
    const flaky = await register({ url: receiver.url('/flaky'), events: ['round.published'] });
    const test = await ctx.tandem.request('POST', `/api/v1/webhooks/${flaky.body.id}/test`, { key: ctx.key });
    expect(test.status).toBe(202);
    const delivered = await waitFor(async () => {
      const [d] = (await deliveries(flaky.body.id)).items;
      return d?.status === 'delivered' ? d : undefined;
    }, 'the delivery after two refusals');
    expect(delivered.attempts).toBe(3);
    expect(
      delivered.responses.map((r: { attempt: number; statusCode: number; response: string }) => [
        r.attempt,
        r.statusCode,
        r.response,
      ]),
    ).toEqual([
      [3, 200, 'ok'],
      [2, 500, 'refused with 500'],
      [1, 500, 'refused with 500'],
    ]);
    const sent = receiver.at('/flaky');
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((h) => h.headers['webhook-id'])).size).toBe(1);
    expect(sent[0].json.type).toBe('webhook.test');
    const times = delivered.responses.map((r: { at: string }) => new Date(r.at).getTime()).reverse();
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(times[1] - times[0]);
    receiver.answer = () => 200;
  });

  it('fails a delivery once its day is over, and a replay sends it again', async () => {
    receiver.answer = (path) => (path === '/down' ? 503 : 200);
    const down = await register({ url: receiver.url('/down'), events: ['round.published'] });
    await ctx.tandem.request('POST', `/api/v1/webhooks/${down.body.id}/test`, { key: ctx.key });
    await waitFor(async () => (receiver.at('/down').length >= 1 ? true : undefined), 'the first attempt');
    // A day passes.
    await rawQuery(
      ctx.db(),
      `update webhook_delivery set give_up_at = now() - interval '1 second' where endpoint_id = ?`,
      [down.body.id],
    );
    const failed = await waitFor(async () => {
      const [d] = (await deliveries(down.body.id)).items;
      return d?.status === 'failed' ? d : undefined;
    }, 'the delivery to fail');
    await waitQueuesIdle([webhooksQueue()]);
    expect((await deliveries(down.body.id, '?status=failed')).total).toBe(1);
    const attemptsBefore = failed.attempts;
    expect(receiver.at('/down')).toHaveLength(attemptsBefore);

    receiver.answer = () => 200;
    const replay = await ctx.tandem.request('POST', `/api/v1/webhooks/${down.body.id}/deliveries/${failed.id}/replay`, {
      key: ctx.key,
    });
    expect(replay.status).toBe(202);
    const replayed = await waitFor(async () => {
      const [d] = (await deliveries(down.body.id)).items;
      return d?.status === 'delivered' ? d : undefined;
    }, 'the replay');
    expect(replayed.attempts).toBe(attemptsBefore + 1);
    expect(receiver.at('/down').at(-1)!.headers['webhook-id']).toBe(receiver.at('/down')[0].headers['webhook-id']);
    const [audit] = await rawQuery<{ n: number }>(
      ctx.db(),
      `select count(*)::int as n from audit_event where action = 'webhook.replayed' and subject_id = ?`,
      [down.body.id],
    );
    expect(audit.n).toBe(1);
  });

  it('loses no delivery when its job is lost: the reconciler queues the next attempt once it is due', async () => {
    const lost = await register({ url: receiver.url('/lost'), events: ['round.published'] });
    await ctx.tandem.withoutWorker(async () => {
      await ctx.tandem.request('POST', `/api/v1/webhooks/${lost.body.id}/test`, { key: ctx.key });
      await webhooksQueue().obliterate({ force: true });
      // The attempt has been due for a while: past the sweep's grace.
      await rawQuery(
        ctx.db(),
        `update webhook_delivery set next_attempt_at = now() - interval '1 minute' where endpoint_id = ?`,
        [lost.body.id],
      );
      const report = await ctx.tandem.get(ReconcilerService).reconcile();
      expect(report.webhooks).toBe(1);
      expect(await webhooksQueue().getJob(`webhook.${(await deliveries(lost.body.id)).items[0].id}.1`)).toBeDefined();
    });
    await waitFor(
      async () => ((await deliveries(lost.body.id)).items[0]?.status === 'delivered' ? true : undefined),
      'the swept delivery',
    );
    await waitQueuesIdle([webhooksQueue()]);
    expect(receiver.at('/lost')).toHaveLength(1);
    // A job run twice sends once: the attempt is claimed in the database.
    const [delivery] = (await deliveries(lost.body.id)).items;
    await ctx.tandem
      .get(JobProducer)
      .enqueue(JobName.WebhooksDeliver, { deliveryId: delivery.id, attempt: 1 }, { jobId: 'again' });
    await waitQueuesIdle([webhooksQueue()]);
    expect(receiver.at('/lost')).toHaveLength(1);
  });

  it('runs from the console: add an endpoint (its secret shown once), see its deliveries with their answers, replay one, switch it off', async () => {
    const org = await consoleOrganization(ctx.tandem, 'Console Hooks', 'hooks.admin@acme.example');
    const browser = new ConsoleClient(ctx.tandem);
    await browser.signIn('hooks.admin@acme.example', ctx.smtp);
    const empty = await browser.get('/console/webhooks');
    expect(empty.status).toBe(200);
    expect(empty.text).toContain('No endpoints yet.');

    const refused = await browser.post('/console/webhooks', { url: 'ftp://nowhere.example' }, empty.text);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('The endpoint was not added');
    expect(refused.text).toContain('Must start with https://.');
    expect(refused.text).toContain('Choose at least one event.');
    expect(refused.text).toContain('value="ftp://nowhere.example"');

    receiver.answer = (path, before) => (path === '/console' && before === 0 ? 502 : 200);
    const added = await browser.post(
      '/console/webhooks',
      {
        url: receiver.url('/console'),
        format: 'standard',
        description: 'People <b>team</b>',
        'event.round.published': 'on',
        'event.pairing.active': 'on',
      },
      empty.text,
    );
    expect(added.status).toBe(201);
    const secret = /<code>(whsec_[^<]+)<\/code>/.exec(added.text)![1];
    expect(added.text).toContain('People &lt;b&gt;team&lt;/b&gt;');
    expect(added.text).toContain('round.published, pairing.active');
    const [endpoint] = (await ctx.tandem.request('GET', '/api/v1/webhooks', { key: org.apiKey })).body.items;
    // The secret is not on the list page once it has been shown.
    expect((await browser.get('/console/webhooks')).text).not.toContain(secret);

    const detail = await browser.get(`/console/webhooks/${endpoint.id}`);
    const tested = await browser.post(`/console/webhooks/${endpoint.id}/test`, {}, detail.text);
    expect(tested.text).toContain('A test event is on its way');
    // The first attempt is refused (502), the retry delivers.
    await waitFor(async () => (receiver.at('/console').length === 2 ? true : undefined), 'the retried test event');
    await waitQueuesIdle([webhooksQueue()]);
    const page = await browser.get(`/console/webhooks/${endpoint.id}`);
    expect(page.text).toContain('1 delivered, 0 retrying, 0 failed');
    expect(page.text).toMatch(/<td>webhook\.test<div class="muted">[0-9a-f-]{36}<\/div><\/td>/);
    expect(page.text).toMatch(/<td>Delivered<\/td><td>2<\/td>\s*<td>200<div class="muted">ok<\/div><\/td>/);
    const deliveryId = /deliveries\/([0-9a-f-]{36})\/replay/.exec(page.text)![1];
    const replayed = await browser.post(
      `/console/webhooks/${endpoint.id}/deliveries/${deliveryId}/replay`,
      {},
      page.text,
    );
    expect(replayed.text).toContain('The delivery is sent again, with the same webhook-id.');
    await waitFor(async () => (receiver.at('/console').length === 3 ? true : undefined), 'the replay');
    expect(new Set(receiver.at('/console').map((h) => h.headers['webhook-id'])).size).toBe(1);
    expect(
      new Webhook(secret).verify(
        receiver.at('/console')[2].body,
        receiver.at('/console')[2].headers as Record<string, string>,
      ),
    ).toMatchObject({ type: 'webhook.test' });

    const off = await browser.post(`/console/webhooks/${endpoint.id}/disable`, {}, page.text);
    expect(off.text).toContain('The endpoint is off');
    expect((await ctx.tandem.request('GET', `/api/v1/webhooks/${endpoint.id}`, { key: org.apiKey })).body.enabled).toBe(
      false,
    );
    // A switched-off endpoint takes no test event either: 409, nothing written.
    const refusedTest = await ctx.tandem.request('POST', `/api/v1/webhooks/${endpoint.id}/test`, { key: org.apiKey });
    expect([refusedTest.status, refusedTest.body.code]).toEqual([409, 'webhook_disabled']);
    expect(
      (await ctx.tandem.request('GET', `/api/v1/webhooks/${endpoint.id}/deliveries`, { key: org.apiKey })).body.total,
    ).toBe(1);
    expect((await browser.get('/console/webhooks/not-an-id')).status).toBe(404);
    const gone = await browser.post(`/console/webhooks/${endpoint.id}/remove`, {}, page.text);
    expect([gone.status, gone.headers.location]).toEqual([303, '/console/webhooks']);
    expect((await browser.get('/console/webhooks')).text).toContain('No endpoints yet.');
    receiver.answer = () => 200;
  });
});
