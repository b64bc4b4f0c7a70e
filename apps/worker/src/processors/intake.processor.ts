import { Processor } from '@nestjs/bullmq';
import { IntakeService } from '@tandem/workflows';
import { JobName, QueueName } from '@tandem/queues';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Intake)
export class IntakeProcessor extends QueueProcessor<QueueName.Intake> {
  readonly queue = QueueName.Intake;
  readonly handlers: QueueHandlers<QueueName.Intake> = {
    [JobName.IntakeImportBatch]: ({ importId }) => this.intake.runImport(importId),
  };

  constructor(private readonly intake: IntakeService) {
    super();
  }
}
