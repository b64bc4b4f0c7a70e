/**
 * bench:intake: generates a 10,000-row participant CSV, imports it through the API with a worker running, and prints
 * rows per second from the request to `succeeded`. Beside it, the bare write: the same rows inserted by one multi-row
 * INSERT (unnest) into a scratch table, measured in the same run.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { participantCsv } from '../support/participants';
import { TestTandem } from '../support/tandem';

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function main() {
  const tandem = await TestTandem.start();
  try {
    const { apiKey: key } = await tandem.organization('Bench');
    const timings: number[] = [];
    const bare: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const program = await tandem.request('POST', '/api/v1/programs', { key, json: { name: `Bench ${run}` } });
      const csv = participantCsv(ROWS, `run${run}.example`);
      const started = performance.now();
      const accepted = await tandem.request('POST', `/api/v1/programs/${program.body.id}/imports`, { key, body: csv });
      if (accepted.status !== 202) throw new Error(`import refused: ${accepted.text}`);
      for (;;) {
        const status = await tandem.request('GET', `/api/v1/imports/${accepted.body.id}`, { key });
        if (status.body.status === 'succeeded') break;
        if (status.body.status === 'failed')
          throw new Error(`import failed: ${JSON.stringify(status.body.errors.slice(0, 3))}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      timings.push(performance.now() - started);
      await drainOutbox(tandem);
      bare.push(await bareInsert(tandem, ROWS));
    }
    const best = Math.min(...timings);
    const bareBest = Math.min(...bare);
    const result = {
      rows: ROWS,
      cores: cpus().length,
      runsMs: timings.map(Math.round),
      bestMs: Math.round(best),
      rowsPerSecond: Math.round((ROWS / best) * 1000),
      bareInsertBestMs: Math.round(bareBest),
      bareRowsPerSecond: Math.round((ROWS / bareBest) * 1000),
      target: `${ROWS} rows in under 2000 ms`,
      met: best < 2000,
    };
    console.table([
      { what: 'Tandem import (request to succeeded)', ms: result.bestMs, 'rows/s': result.rowsPerSecond },
      {
        what: 'bare multi-row INSERT of the same rows',
        ms: result.bareInsertBestMs,
        'rows/s': result.bareRowsPerSecond,
      },
    ]);
    console.log(`cores: ${result.cores}; target: ${result.target}: ${result.met ? 'met' : 'MISSED'}`);
    const out = join(process.cwd(), 'bench-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'intake.json'), JSON.stringify(result, null, 2));
  } finally {
    await tandem.stop();
  }
}

/** Waits until the worker has handled every welcome email, so one run's email jobs do not slow the next. */
async function drainOutbox(tandem: TestTandem): Promise<void> {
  const em = tandem.get(EntityManager).fork();
  for (;;) {
    const [row] = await rawQuery<{ n: string }>(
      em,
      `select count(*) as n from outbox_message where status in ('pending', 'sending')`,
    );
    if (Number(row.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The floor: person-shaped rows written by one unnest INSERT into a scratch table, no validation, no upsert. */
async function bareInsert(tandem: TestTandem, rows: number): Promise<number> {
  const em = tandem.get(EntityManager).fork();
  await rawQuery(
    em,
    'create temp table if not exists bench_person (id uuid, email text, name text, timezone text, skills jsonb)',
  );
  const emails = Array.from({ length: rows }, (_, i) => `bare${i}@example.com`);
  const started = performance.now();
  await em.transactional(async (tem) => {
    await rawQuery(tem, 'truncate bench_person');
    await rawQuery(
      tem,
      `insert into bench_person select gen_random_uuid(), e, n, 'Europe/Paris', '{"empathy":3}'::jsonb from unnest(?::text[], ?::text[]) as r(e, n)`,
      [emails, emails],
    );
  });
  return performance.now() - started;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
