import { EntityManager } from '@mikro-orm/postgresql';
import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { EmailSender } from '@tandem/mail';
import { JobName, type JobPayloads, QueueName } from '@tandem/queues';
import type { Job } from 'bullmq';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Email)
export class EmailProcessor extends QueueProcessor<QueueName.Email> {
  readonly queue = QueueName.Email;
  readonly handlers: QueueHandlers<QueueName.Email> = {
    [JobName.EmailSend]: ({ messageId }) => this.sender.send(messageId),
  };

  constructor(
    em: EntityManager,
    private readonly sender: EmailSender,
  ) {
    super(em);
  }

  /** A message whose job has run out of attempts is marked failed, so it is visible and not re-queued. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<JobPayloads[JobName.EmailSend]> | undefined, error: Error): Promise<void> {
    if (!job || job.name !== JobName.EmailSend) return;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
    if (exhausted) await this.sender.markFailed(job.data.messageId, error.message);
  }
}
