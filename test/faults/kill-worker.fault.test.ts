import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig, rawQuery } from '@tandem/domain';
import { participantCsv } from '../support/participants';
import { runCli, TandemProcess } from '../support/processes';
import { SmtpSink } from '../support/smtp-sink';
import { createTestEnv, type TestEnv, waitFor } from '../support/test-env';

/**
 * Faults: the api and worker run as real processes from the build; the worker is killed with SIGKILL mid-work and
 * started again. BullMQ hands the killed job to the new worker once its lock expires (30 s), so these tests are slow
 * by design; they check the end state in Postgres and in the SMTP server the test runs.
 */
jest.setTimeout(600_000);

describe('SIGKILL the worker mid-work, then restart it', () => {
  const smtp = new SmtpSink();
  let env: TestEnv;
  let processEnv: Record<string, string>;
  let base: string;
  let api: TandemProcess;
  let orm: MikroORM;
  let headers: Record<string, string>;

  beforeAll(async () => {
    await smtp.start();
    env = await createTestEnv();
    processEnv = { ...env.env, PORT: '0', SMTP_URL: smtp.url, LOG_LEVEL: 'warn', BODY_LIMIT: '20mb' };
    api = new TandemProcess('api', { ...processEnv, LOG_LEVEL: 'info' });
    base = `http://127.0.0.1:${await api.listeningPort()}`;
    orm = await MikroORM.init(createOrmConfig(env.config.databaseUrl));
    await waitFor(async () => {
      try {
        return (await fetch(`${base}/ready`)).status === 200 ? true : undefined;
      } catch {
        return undefined;
      }
    }, 'the api');
    const org = runCli(['org:create', '--name', 'Faults'], processEnv);
    headers = { authorization: `Bearer ${org.json.apiKey}` };
  });

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await orm?.close();
    await env?.destroy();
    await smtp.stop();
  });

  const count = async (sql: string, params: unknown[] = []) => Number((await rawQuery<{ n: string }>(orm.em.fork(), sql, params))[0].n);
  const answer = async (response: Response) => {
    const body = (await response.json()) as any;
    if (response.status >= 400) throw new Error(`${response.url} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  // A dropped keep-alive connection is retried once; a dead api is reported with its last output.
  const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch(`${base}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
      } catch (err) {
        if (attempt >= 2) throw new Error(`${path}: ${(err as Error).message}; api exit ${api.child.exitCode}, output:\n${api.output.join('').slice(-3000)}`);
      }
    }
  };
  const post = async (path: string, body: string, type: string) => answer(await request(path, { method: 'POST', headers: { 'content-type': type }, body }));
  const get = async (path: string) => answer(await request(path));

  it('a 2,000-row import: every enrollment once, each welcome email exactly once', async () => {
    const program = await post('/api/v1/programs', JSON.stringify({ name: 'Import under fire' }), 'application/json');
    let worker = new TandemProcess('worker', processEnv);
    const accepted = await post(`/api/v1/programs/${program.id}/imports`, participantCsv(2000, 'kill.example'), 'text/csv');
    // Kill as soon as the worker has claimed the import: its transaction dies with it.
    await waitFor(async () => ((await get(`/api/v1/imports/${accepted.id}`)).status !== 'queued' ? true : undefined), 'the import to start', 30_000, 5);
    expect(await worker.stop('SIGKILL')).toBe('SIGKILL');
    worker = new TandemProcess('worker', processEnv);
    try {
      const done = await waitFor(async () => {
        const status = await get(`/api/v1/imports/${accepted.id}`);
        return status.status === 'succeeded' || status.status === 'failed' ? status : undefined;
      }, 'the import to finish after the restart', 240_000, 200);
      expect(done).toMatchObject({ status: 'succeeded', rows: 2000 });
      expect(await count(`select count(*) as n from enrollment where program_id = ?`, [program.id])).toBe(2000);
      await waitFor(async () => (smtp.messages.filter((m) => m.to[0].endsWith('@kill.example')).length >= 2000 ? true : undefined), '2,000 welcome emails', 240_000, 200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const recipients = smtp.messages.filter((m) => m.to[0].endsWith('@kill.example')).map((m) => m.to[0]);
      expect(recipients).toHaveLength(2000);
      expect(new Set(recipients).size).toBe(2000);
    } finally {
      await worker.stop('SIGTERM');
    }
  });

  it('a round: it completes once, with no duplicate proposal', async () => {
    const program = await post('/api/v1/programs', JSON.stringify({ name: 'Round under fire' }), 'application/json');
    let worker = new TandemProcess('worker', processEnv);
    try {
      const accepted = await post(`/api/v1/programs/${program.id}/imports`, participantCsv(3000, 'round.example'), 'text/csv');
      await waitFor(async () => ((await get(`/api/v1/imports/${accepted.id}`)).status === 'succeeded' ? true : undefined), 'the import', 120_000, 100);
      const round = await answer(await request(`/api/v1/programs/${program.id}/rounds`, { method: 'POST' }));
      await waitFor(async () => ((await get(`/api/v1/rounds/${round.id}`)).status === 'running' ? true : undefined), 'the round to run', 30_000, 5);
      expect(await worker.stop('SIGKILL')).toBe('SIGKILL');
      worker = new TandemProcess('worker', processEnv);
      const done = await waitFor(async () => {
        const view = await get(`/api/v1/rounds/${round.id}`);
        return view.status === 'proposed' || view.status === 'failed' ? view : undefined;
      }, 'the round to finish after the restart', 240_000, 200);
      expect(done.status).toBe('proposed');
      const proposals = await count(`select count(*) as n from pairing where round_id = ?`, [round.id]);
      expect(proposals).toBe(done.matched);
      expect(await count(`select count(*) as n from (select coachee_id from pairing where round_id = ? group by coachee_id having count(*) > 1) d`, [round.id])).toBe(0);
    } finally {
      await worker.stop('SIGTERM');
    }
  });
});
