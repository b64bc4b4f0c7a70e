import { Client } from 'pg';
import { FaultRig } from '../support/fault-rig';
import { participantCsv } from '../support/participants';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * Fault 8: SIGTERM while an import is in the middle of its transaction, with a grace of one second. The import is held
 * mid-write by a row lock the test takes on one of its people (a long import made certain), so it cannot finish in the
 * grace. When the grace ends the worker rolls the import back and exits within seconds, leaving no lock behind and no
 * failure recorded; another worker then writes the import once.
 */
jest.setTimeout(120_000);

const ROWS = 500;

describe('a worker whose grace runs out mid-transaction', () => {
  const smtp = new SmtpSink();
  let rig: FaultRig;
  let blocker: Client | undefined;

  beforeAll(async () => {
    rig = await FaultRig.start({ SMTP_URL: await smtp.start(), SHUTDOWN_GRACE: 'PT1S' });
  });

  afterAll(async () => {
    await blocker?.end().catch(() => undefined);
    await rig?.stop();
    await smtp.stop();
  });

  it('rolls back, exits at once, and the import is written once by another worker', async () => {
    // Person 7 already exists (from another program), and the test holds their row locked.
    const other = await rig.post('/api/v1/programs', { name: 'Earlier program' });
    const seed = participantCsv(8, 'grace.example')
      .split('\n')
      .filter((line, i) => i === 0 || i === 8)
      .join('\n')
      .replace('Person 7', 'Person Seven');
    let worker = rig.startWorker({ LOG_LEVEL: 'info' });
    await rig.importDone((await rig.post(`/api/v1/programs/${other.id}/imports`, seed, 'text/csv')).id, 60_000);
    blocker = new Client({ connectionString: rig.testEnv.config.databaseUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query(
      `select id from person where organization_id = $1 and email = 'person7@grace.example' for update`,
      [rig.organizationId],
    );

    const program = await rig.post('/api/v1/programs', { name: 'Grace ends' });
    const accepted = await rig.post(
      `/api/v1/programs/${program.id}/imports`,
      participantCsv(ROWS, 'grace.example'),
      'text/csv',
    );
    // The import's upsert waits on the test's lock, inside its transaction.
    await waitFor(
      async () =>
        (await rig.count(
          `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into person%'`,
        )) > 0
          ? true
          : undefined,
      'the import to wait on the row lock',
      60_000,
      50,
    );

    const signalled = Date.now();
    const exit = await Promise.race([
      worker.stop('SIGTERM'),
      new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000)),
    ]);
    const exitMs = Date.now() - signalled;
    expect(worker.output.join('')).toContain('grace period over');
    expect(exit).toBe(0);
    expect(exitMs).toBeLessThan(8000);
    // Its transaction was rolled back: no connection of it is left, nor the program's write lock.
    // (Ended by the worker before it exited; the server takes a moment to reap the backend.)
    await waitFor(
      async () =>
        (await rig.count(
          `select count(*) as n from pg_stat_activity where datname = current_database() and query like 'insert into person%' and pid <> pg_backend_pid()`,
        )) === 0
          ? true
          : undefined,
      "the import's session to end",
      3000,
      20,
    );
    expect(
      await rig.count(
        `select count(*) as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`,
      ),
    ).toBe(0);
    expect(await rig.count(`select count(*) as n from enrollment where program_id = ?`, [program.id])).toBe(0);

    await blocker.query('rollback');
    worker = rig.startWorker({ LOG_LEVEL: 'info' });
    const done = await rig.importDone(accepted.id, 90_000);
    expect(done).toMatchObject({ status: 'succeeded', rows: ROWS, created: ROWS });
    expect(await rig.count(`select count(*) as n from enrollment where program_id = ?`, [program.id])).toBe(ROWS);
    expect(await rig.count(`select count(*) as n from job_failure`)).toBe(0);
    process.stdout.write(
      `grace end: worker exited ${exitMs} ms after SIGTERM (grace 1 s) with its import mid-transaction; the next worker wrote all ${ROWS} rows once\n`,
    );
    await worker.stop('SIGTERM');
  });
});
