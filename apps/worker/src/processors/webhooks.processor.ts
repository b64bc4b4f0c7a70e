import { Processor } from '@nestjs/bullmq';
import { JobName, QueueName } from '@tandem/queues';
import { WebhookDeliveryService } from '@tandem/workflows';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

/** Delivers webhooks: one job per attempt; the retries are the delivery's own (WebhookDeliveryService), kept in PostgreSQL. */
@Processor(QueueName.Webhooks)
export class WebhooksProcessor extends QueueProcessor<QueueName.Webhooks> {
  readonly queue = QueueName.Webhooks;
  readonly handlers: QueueHandlers<QueueName.Webhooks> = {
    [JobName.WebhooksDeliver]: ({ deliveryId, attempt }) => this.deliveries.deliver(deliveryId, attempt),
  };

  constructor(private readonly deliveries: WebhookDeliveryService) {
    super();
  }
}
