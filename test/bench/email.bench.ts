/**
 * bench:email: the same N messages through Tandem's path (outbox row, email.send job, claim, SMTP, mark sent) and
 * through a bare pooled nodemailer transport, to one local SMTP server; prints messages per second for both.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { writeOutbox } from '@tandem/mail';
import { JobName, JobProducer } from '@tandem/queues';
import { createTransport } from 'nodemailer';
import { SmtpSink } from '../support/smtp-sink';
import { TestTandem } from '../support/tandem';

const N = Number(process.env.BENCH_MESSAGES ?? 2000);

async function main() {
  const smtp = new SmtpSink({ parse: false });
  await smtp.start();
  const tandem = await TestTandem.start({ env: { SMTP_URL: smtp.url } });
  try {
    const { organizationId } = await tandem.organization('Mail');
    // Bare: nodemailer's pool straight to the server, 10 sends in flight like the worker's concurrency.
    const transport = createTransport(smtp.url, { pool: true, maxConnections: 5 } as never);
    let started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < N) {
          const i = next++;
          await transport.sendMail({ from: 'a@x.example', to: `bare${i}@x.example`, subject: `Bare ${i}`, text: 'Hello' });
        }
      }),
    );
    const bareMs = performance.now() - started;
    transport.close();

    const em = tandem.get(EntityManager).fork();
    started = performance.now();
    const ids = await em.transactional((tem) =>
      writeOutbox(
        tem,
        Array.from({ length: N }, (_, i) => ({ organizationId, idempotencyKey: `bench:${i}`, to: `tandem${i}@x.example`, subject: `Tandem ${i}`, text: 'Hello' })),
      ),
    );
    await tandem.get(JobProducer).enqueueMany(JobName.EmailSend, ids.map((messageId) => ({ messageId })));
    for (;;) {
      const [row] = await rawQuery<{ n: string }>(em, `select count(*) as n from outbox_message where status = 'sent'`);
      if (Number(row.n) >= N) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const tandemMs = performance.now() - started;
    const result = {
      messages: N,
      cores: cpus().length,
      bareMs: Math.round(bareMs),
      barePerSecond: Math.round((N / bareMs) * 1000),
      tandemMs: Math.round(tandemMs),
      tandemPerSecond: Math.round((N / tandemMs) * 1000),
      ratio: Math.round((bareMs / tandemMs) * 100) / 100,
    };
    console.table([
      { path: 'bare nodemailer pool', ms: result.bareMs, 'msg/s': result.barePerSecond },
      { path: 'Tandem outbox + email.send jobs', ms: result.tandemMs, 'msg/s': result.tandemPerSecond },
    ]);
    console.log(`ratio ${result.ratio} (target 0.5 or more)`);
    const out = join(process.cwd(), 'bench-results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'email.json'), JSON.stringify(result, null, 2));
  } finally {
    await tandem.stop();
    await smtp.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
