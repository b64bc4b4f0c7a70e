/**
 * bench:email: publishing a round's N proposals through the API, timed until the local SMTP server has accepted every
 * offer email (offers, outbox rows and email.send jobs in the publish, then the worker's claim, SMTP send and mark
 * sent per message); beside it a bare script sending N messages with a pooled nodemailer transport to the same server,
 * 10 sends in flight like the worker's concurrency. Both use 5 pooled SMTP connections.
 *
 * Setup (not timed): N coachees and N/4 coaches of capacity 8 are imported and a round is solved while the worker has
 * no SMTP server (the import's welcome emails are held, not sent); the worker then restarts with the SMTP server.
 * BENCH_MESSAGES (default 10,000: about two minutes per path, as the local smtp-server accepts ~100 messages a second),
 * BENCH_RUNS (default 1; each run publishes a program of its own).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { SmtpSink } from '../support/smtp-sink';
import { TestTandem } from '../support/tandem';
import { importedProgram, poolCsv, proposedRound, sendBare, until } from './bench-pool';

const N = Number(process.env.BENCH_MESSAGES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);

async function main() {
  const smtp = new SmtpSink({ parse: false });
  await smtp.start();
  const tandem = await TestTandem.start({ env: { BODY_LIMIT: '50mb' } });
  const rows: Record<string, number | string>[] = [];
  try {
    const { apiKey: key } = await tandem.organization('Mail');
    for (let run = 1; run <= RUNS; run++) {
      await tandem.stopWorker();
      (tandem.testEnv.config as { smtpUrl?: string }).smtpUrl = undefined;
      await tandem.startWorker();
      const programId = await importedProgram(
        tandem,
        key,
        `Mail ${run}`,
        poolCsv(N, { coaches: Math.ceil(N / 4), capacity: 8 }),
      );
      const round = await proposedRound(tandem, key, programId);
      if (round.matched !== N) throw new Error(`only ${round.matched} of ${N} coachees matched`);
      await tandem.stopWorker();
      (tandem.testEnv.config as { smtpUrl?: string }).smtpUrl = smtp.url;
      await tandem.startWorker();

      // Bare: nodemailer's pool straight to the server.
      smtp.messages.length = 0;
      const bareMs = await sendBare(smtp.url, N);

      smtp.messages.length = 0;
      const started = performance.now();
      const published = await tandem.request('POST', `/api/v1/rounds/${round.id}/publish`, { key });
      if (published.status !== 200) throw new Error(`publish refused: ${published.text.slice(0, 300)}`);
      const publishMs = performance.now() - started;
      await until(async () => (smtp.messages.length >= N ? true : undefined));
      const tandemMs = performance.now() - started;
      rows.push({
        run,
        messages: N,
        'bare ms': Math.round(bareMs),
        'bare msg/s': Math.round((N / bareMs) * 1000),
        'publish request ms': Math.round(publishMs),
        'Tandem ms (publish to last accepted)': Math.round(tandemMs),
        'Tandem msg/s': Math.round((N / tandemMs) * 1000),
        ratio: Math.round((bareMs / tandemMs) * 100) / 100,
      });
    }
  } finally {
    await tandem.stop();
    await smtp.stop();
  }
  console.table(rows);
  console.log(`cores: ${cpus().length}; target: Tandem at 0.5 or more of the bare rate`);
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'email.json'), JSON.stringify({ cores: cpus().length, messages: N, rows }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
