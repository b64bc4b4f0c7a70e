import { Processor } from '@nestjs/bullmq';
import { JobName, QueueName } from '@tandem/queues';
import { OffersService } from '@tandem/workflows';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Pairing)
export class PairingProcessor extends QueueProcessor<QueueName.Pairing> {
  readonly queue = QueueName.Pairing;
  readonly handlers: QueueHandlers<QueueName.Pairing> = {
    [JobName.PairingExpireOffers]: ({ programId }) => this.offers.expireDue(programId),
    [JobName.PairingRemindOffers]: ({ programId }) => this.offers.remindDue(programId),
  };

  constructor(private readonly offers: OffersService) {
    super();
  }
}
