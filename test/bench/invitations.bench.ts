/**
 * bench:invitations: inviting N people to a program's questionnaire through the API (one JSON roster), timed until the
 * local SMTP server has accepted every invitation email (the invite request, then `intake.send-invitations` writing
 * the outbox in batches of 1,000, then the worker's claim, SMTP send and mark sent per message); beside it, in the same
 * run and before it, a bare script sending N messages with a pooled nodemailer transport to the same server, 10 sends
 * in flight like the worker's concurrency. Both use 5 pooled SMTP connections.
 * BENCH_MESSAGES (default 10,000), BENCH_RUNS (default 1; each run invites into a program of its own).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { SmtpSink } from '../support/smtp-sink';
import { TestTandem } from '../support/tandem';
import { sendBare, until } from './bench-pool';

const N = Number(process.env.BENCH_MESSAGES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);

async function main() {
  const smtp = new SmtpSink({ parse: false });
  await smtp.start();
  const tandem = await TestTandem.start({ env: { BODY_LIMIT: '50mb', SMTP_URL: smtp.url } });
  const rows: Record<string, number | string>[] = [];
  try {
    const { apiKey: key } = await tandem.organization('Invitations');
    for (let run = 1; run <= RUNS; run++) {
      const program = await tandem.request('POST', '/api/v1/programs', { key, json: { name: `Invitations ${run}` } });
      const people = Array.from({ length: N }, (_, i) => ({
        role: i % 5 === 0 ? 'coach' : 'coachee',
        name: `Person ${i}`,
        email: `p${i}.r${run}@bench.example`,
      }));

      // Bare: nodemailer's pool straight to the server.
      smtp.messages.length = 0;
      const bareCpu = process.cpuUsage();
      const bareMs = await sendBare(smtp.url, N);
      const bareCpuMs = cpuMs(process.cpuUsage(bareCpu));

      smtp.messages.length = 0;
      const tandemCpu = process.cpuUsage();
      const started = performance.now();
      const invited = await tandem.request('POST', `/api/v1/programs/${program.body.id}/invitations`, {
        key,
        json: { people },
      });
      if (invited.status !== 202 || invited.body.invited !== N)
        throw new Error(`invite refused: ${invited.text.slice(0, 300)}`);
      const inviteMs = performance.now() - started;
      await until(async () => (smtp.messages.length >= N ? true : undefined));
      const tandemMs = performance.now() - started;
      rows.push({
        run,
        messages: N,
        'bare ms': Math.round(bareMs),
        'bare msg/s': Math.round((N / bareMs) * 1000),
        'bare cpu ms': Math.round(bareCpuMs),
        'invite request ms': Math.round(inviteMs),
        'Tandem ms (invite to last accepted)': Math.round(tandemMs),
        'Tandem msg/s': Math.round((N / tandemMs) * 1000),
        'Tandem cpu ms (api, worker and SMTP server in this process)': Math.round(cpuMs(process.cpuUsage(tandemCpu))),
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
  writeFileSync(join(out, 'invitations.json'), JSON.stringify({ cores: cpus().length, messages: N, rows }, null, 2));
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
