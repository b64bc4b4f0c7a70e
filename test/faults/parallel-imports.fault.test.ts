import { FaultRig } from '../support/fault-rig';
import { participantCsv } from '../support/participants';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * Fault 7: 150 imports into one program sent at once. Imports of one program are written one at a time, yet none holds
 * a pool connection while it waits for the one before it (the worker's pool has as many connections as the intake
 * queue runs jobs), nor a lock that the api's own inserts would wait on: every request is answered, the queue drains by
 * itself, and an identical import sent while the first is still queued answers 409.
 */
jest.setTimeout(240_000);

const IMPORTS = 150;
const ROWS = 3;

describe('many parallel imports into one program', () => {
  const smtp = new SmtpSink();
  let rig: FaultRig;

  beforeAll(async () => {
    rig = await FaultRig.start({ SMTP_URL: await smtp.start() });
  });

  afterAll(async () => {
    await rig?.stop();
    await smtp.stop();
  });

  it('answers every request, runs them one at a time without wedging the pool, and drains', async () => {
    const program = await rig.post('/api/v1/programs', { name: 'Parallel imports' });
    const url = `/api/v1/programs/${program.id}/imports`;
    const csv = (i: number) => participantCsv(ROWS, `imp${i}.example`);
    const send = async (body: string) => {
      const started = Date.now();
      try {
        const response = await rig.fetch(url, {
          method: 'POST',
          headers: { ...rig.headers, 'content-type': 'text/csv' },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        return {
          status: response.status,
          body: (await response.json()) as { id?: string; code?: string; details?: { importId?: string } },
          ms: Date.now() - started,
        };
      } catch (err) {
        return { status: 0, body: { code: (err as Error).name }, ms: Date.now() - started };
      }
    };

    // No worker yet, so the first import is surely still queued when its twin arrives.
    const first = await send(csv(0));
    expect(first.status).toBe(202);
    const twin = await send(csv(0));
    expect(twin).toMatchObject({ status: 409, body: { code: 'import_running', details: { importId: first.body.id } } });

    rig.startWorker();
    const answers = await Promise.all(Array.from({ length: IMPORTS - 1 }, (_, i) => send(csv(i + 1))));
    const statuses = answers.map((a) => a.status);
    // Every request answered: accepted, or told to come back (429/503), never left hanging or failed with a 5xx.
    expect(statuses.filter((s) => ![202, 429, 503].includes(s))).toEqual([]);
    const accepted = [first, ...answers].filter((a) => a.status === 202).map((a) => a.body.id!);
    expect(accepted.length).toBeGreaterThan(IMPORTS / 2);

    const drainStarted = Date.now();
    await waitFor(
      async () =>
        (await rig.count(
          `select count(*) as n from import_batch where program_id = ? and status in ('queued', 'running')`,
          [program.id],
        )) === 0
          ? true
          : undefined,
      'every import to finish',
      150_000,
      200,
    );
    const drainMs = Date.now() - drainStarted;
    const outcomes = await rig.rows<{ status: string; n: string }>(
      `select status::text as status, count(*) as n from import_batch where program_id = ? group by 1`,
      [program.id],
    );
    expect(outcomes).toEqual([{ status: 'succeeded', n: String(accepted.length) }]);
    expect(await rig.count(`select count(*) as n from enrollment where program_id = ?`, [program.id])).toBe(
      accepted.length * ROWS,
    );
    expect(await rig.count(`select count(*) as n from job_failure`)).toBe(0);
    process.stdout.write(
      `parallel imports: ${IMPORTS} sent at once, ${accepted.length} accepted (${statuses.filter((s) => s !== 202).length} told to retry), ` +
        `slowest answer ${Math.max(...answers.map((a) => a.ms))} ms; all written one at a time in ${drainMs} ms\n`,
    );
  });
});
