import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { writeOutbox } from '@tandem/mail';
import { JOB_ID, JobName, JobProducer, QueueName } from '@tandem/queues';
import { ReconcilerService } from '@tandem/workflows';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

describe('reconciler: work whose job ran out of attempts on a passing fault', () => {
  let tandem: TestTandem;
  let sink: SmtpSink;

  afterAll(async () => {
    await tandem?.stop();
    await sink?.stop();
  });

  it('retries the failed job while the database still says the work is due, and the email goes out once', async () => {
    // The SMTP server is down while the job runs its only attempt.
    const down = new SmtpSink();
    const url = await down.start();
    const port = Number(new URL(url).port);
    await down.stop();
    tandem = await TestTandem.start({ env: { SMTP_URL: url } });
    const { organizationId } = await tandem.organization();
    const em = tandem.get(EntityManager).fork();
    const [messageId] = await em.transactional((tem) =>
      writeOutbox(tem, [
        {
          organizationId,
          idempotencyKey: 'test:revive',
          to: 'revive@example.com',
          subject: 'Hello',
          text: 'Hello again',
        },
      ]),
    );
    const queue = tandem.get(JobProducer).queue(QueueName.Email);
    const jobId = JOB_ID[JobName.EmailSend]({ messageId });
    await queue.add(JobName.EmailSend, { messageId }, { jobId, attempts: 1 });
    await waitFor(
      async () => ((await queue.getJobState(jobId)) === 'failed' ? true : undefined),
      'the job to fail for good',
    );
    const [message] = await rawQuery<{ status: string }>(em, `select status from outbox_message where id = ?`, [
      messageId,
    ]);
    expect(message.status).toBe('pending');

    // The server is back; the reconciler finds the pending message (past its grace period) and revives the job.
    sink = new SmtpSink();
    await sink.start(port);
    await rawQuery(em, `update outbox_message set created_at = now() - interval '5 minutes' where id = ?`, [messageId]);
    const report = await tandem.get(ReconcilerService).reconcile();
    expect(report.revivedJobs).toBe(1);
    await waitFor(async () => (sink.messages.length === 1 ? true : undefined), 'the email');
    await waitFor(async () => {
      const [row] = await rawQuery<{ status: string }>(em, `select status from outbox_message where id = ?`, [
        messageId,
      ]);
      return row.status === 'sent' ? true : undefined;
    }, 'the message to be marked sent');
    // Nothing is revived twice, and nothing is sent twice.
    expect((await tandem.get(ReconcilerService).reconcile()).revivedJobs).toBe(0);
    await tandem.queuesIdle();
    expect(sink.messages).toHaveLength(1);
  });
});
