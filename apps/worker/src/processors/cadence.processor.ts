import { Processor } from '@nestjs/bullmq';
import { JobName, QueueName } from '@tandem/queues';
import { CadenceService, FeedbackService } from '@tandem/workflows';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Cadence)
export class CadenceProcessor extends QueueProcessor<QueueName.Cadence> {
  readonly queue = QueueName.Cadence;
  readonly handlers: QueueHandlers<QueueName.Cadence> = {
    [JobName.CadenceScheduleSessions]: ({ pairingId }) => this.cadence.scheduleSessions(pairingId),
    [JobName.CadenceRemind]: ({ sessionId }) => this.cadence.remind(sessionId),
    [JobName.CadenceCloseSession]: ({ sessionId }) => this.feedback.closeSession(sessionId),
  };

  constructor(
    private readonly cadence: CadenceService,
    private readonly feedback: FeedbackService,
  ) {
    super();
  }
}
