import { Processor } from '@nestjs/bullmq';
import { JobName, QueueName } from '@tandem/queues';
import { CompletionService, EffectivenessService, FeedbackService, RiskService } from '@tandem/workflows';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Feedback)
export class FeedbackProcessor extends QueueProcessor<QueueName.Feedback> {
  readonly queue = QueueName.Feedback;
  readonly handlers: QueueHandlers<QueueName.Feedback> = {
    [JobName.FeedbackRemind]: ({ feedbackId }) => this.feedback.remind(feedbackId),
    [JobName.FeedbackAggregate]: ({ programId }) => this.effectiveness.aggregate(programId),
    [JobName.FeedbackCompletePairing]: ({ pairingId }) => this.completion.complete(pairingId),
    [JobName.FeedbackCheckInactivity]: ({ pairingId }) => this.risk.checkInactivity(pairingId),
  };

  constructor(
    private readonly feedback: FeedbackService,
    private readonly effectiveness: EffectivenessService,
    private readonly completion: CompletionService,
    private readonly risk: RiskService,
  ) {
    super();
  }
}
