import { Processor } from '@nestjs/bullmq';
import { EmailSender } from '@tandem/mail';
import { JobName, QueueName } from '@tandem/queues';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

/**
 * Sends outbox messages. A message the SMTP server refuses for good (5xx) is marked failed by the sender; one whose job
 * ran out of attempts on a passing fault stays pending, and the reconciler retries its job later.
 */
@Processor(QueueName.Email)
export class EmailProcessor extends QueueProcessor<QueueName.Email> {
  readonly queue = QueueName.Email;
  readonly handlers: QueueHandlers<QueueName.Email> = {
    [JobName.EmailSend]: ({ messageId }) => this.sender.send(messageId),
  };

  constructor(private readonly sender: EmailSender) {
    super();
  }
}
