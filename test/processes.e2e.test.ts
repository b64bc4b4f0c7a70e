import { dropDatabase } from '@tandem/domain';
import { MIGRATIONS } from '../libs/domain/src/migrations';
import { participantCsv } from './support/participants';
import { runCli, TandemProcess } from './support/processes';
import { SmtpSink } from './support/smtp-sink';
import { createTestEnv, type TestEnv, waitFor } from './support/test-env';

describe('api and worker as real processes from the build', () => {
  const smtp = new SmtpSink();
  let env: TestEnv;
  let processEnv: Record<string, string>;
  let api: TandemProcess;
  let worker: TandemProcess;
  let base: string;

  beforeAll(async () => {
    await smtp.start();
    env = await createTestEnv();
    processEnv = { ...env.env, PORT: '0', SMTP_URL: smtp.url, LOG_LEVEL: 'warn' };
    // db:migrate on an already migrated database is a no-op; on a missing one it creates it (checked below).
    expect(runCli(['db:migrate'], processEnv).json).toEqual({ databaseCreated: false, applied: [] });
    api = new TandemProcess('api', { ...processEnv, LOG_LEVEL: 'info' });
    worker = new TandemProcess('worker', processEnv);
    base = `http://127.0.0.1:${await api.listeningPort()}`;
    await waitFor(async () => {
      try {
        const response = await fetch(`${base}/ready`);
        return response.status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    }, 'the api to be ready');
  });

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await env?.destroy();
    await smtp.stop();
  });

  it('creates an organization and keys with the CLI, imports a CSV over HTTP, and the worker sends each welcome once', async () => {
    const org = runCli(['org:create', '--name', 'Initech'], processEnv);
    expect(org.status).toBe(0);
    expect(org.json).toEqual({ organizationId: expect.any(String), apiKey: expect.stringMatching(/^tdm_/) });
    const operator = runCli(['apikey:create', '--org', org.json.organizationId, '--role', 'operator'], processEnv);
    expect(operator.status).toBe(0);
    expect(runCli(['apikey:create', '--org', org.json.organizationId, '--role', 'root'], processEnv).status).toBe(2);

    const headers = { authorization: `Bearer ${org.json.apiKey}` };
    const program: any = await (
      await fetch(`${base}/api/v1/programs`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Leads' }),
      })
    ).json();
    const forbidden = await fetch(`${base}/api/v1/programs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator.json.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nope' }),
    });
    expect(forbidden.status).toBe(403);

    const accepted = await fetch(`${base}/api/v1/programs/${program.id}/imports`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: participantCsv(200),
    });
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const done = await waitFor(async () => {
      const status: any = await (await fetch(`${base}/api/v1/imports/${id}`, { headers })).json();
      return status.status === 'succeeded' || status.status === 'failed' ? status : undefined;
    }, 'the import');
    expect(done).toMatchObject({ status: 'succeeded', rows: 200, created: 200 });
    await waitFor(async () => (smtp.messages.length >= 200 ? true : undefined), '200 welcome emails');
    const recipients = smtp.messages.map((m) => m.to[0]);
    expect(new Set(recipients).size).toBe(200);

    const outbox: any = await (await fetch(`${base}/api/v1/outbox?limit=1000`, { headers })).json();
    expect(outbox.items).toHaveLength(200);
    expect(outbox.items.every((m: { status: string }) => m.status === 'sent')).toBe(true);
    // Three CLI processes, each booting the app, then 200 emails: about 15 s idle, over a minute on a loaded machine.
  }, 180_000);

  it('worker:ping answers once the worker has run a no-op job through the queue', () => {
    const ping = runCli(['worker:ping', '--timeout', '20'], processEnv);
    expect(ping.stderr).toBe('');
    expect(ping.status).toBe(0);
    expect(ping.json).toEqual({ ok: true, ms: expect.any(Number) });
    expect(runCli(['worker:ping', '--timeout', 'soon'], processEnv).status).toBe(2);
  });

  it('stops both processes on SIGTERM after closing down, without an error', async () => {
    // Nest's shutdown hooks close the app, then re-raise the signal: a graceful stop ends "by SIGTERM".
    expect([0, 'SIGTERM']).toContain(await worker.stop('SIGTERM'));
    expect([0, 'SIGTERM']).toContain(await api.stop('SIGTERM'));
    expect([...worker.output, ...api.output].join('')).not.toMatch(/Error|ERROR/);
    // With no worker left, a ping times out (exit 1) and is taken back off the queue.
    const ping = runCli(['worker:ping', '--timeout', '1'], processEnv);
    expect(ping.status).toBe(1);
    expect(ping.json).toEqual({ ok: false, state: 'waiting', error: expect.any(String) });
  });

  it('db:migrate creates a missing database, then migrates it', async () => {
    const url = new URL(env.config.databaseUrl);
    url.pathname = `${url.pathname}_fresh`;
    const fresh = { ...processEnv, DATABASE_URL: url.toString() };
    try {
      const first = runCli(['db:migrate'], fresh);
      expect(first.status).toBe(0);
      expect(first.json).toEqual({ databaseCreated: true, applied: MIGRATIONS.map((m) => m.name) });
      expect(runCli(['db:migrate'], fresh).json).toEqual({ databaseCreated: false, applied: [] });
    } finally {
      await dropDatabase(url.toString());
    }
  });
});
