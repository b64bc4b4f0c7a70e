import { EntityManager } from '@mikro-orm/postgresql';
import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { JobName, QueueName, RECONCILE_SCHEDULER_ID } from '@tandem/queues';
import { ReconcilerService } from '@tandem/workflows';
import type { Queue } from 'bullmq';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

/** How often the reconciler sweeps the database for work Redis does not hold. */
const RECONCILE_EVERY_MS = 60_000;

@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends QueueProcessor<QueueName.Maintenance> implements OnApplicationBootstrap {
  readonly queue = QueueName.Maintenance;
  readonly handlers: QueueHandlers<QueueName.Maintenance> = {
    [JobName.MaintenanceReconcile]: () => this.reconciler.reconcile(),
    [JobName.MaintenancePing]: () => Promise.resolve('pong'),
  };

  constructor(
    em: EntityManager,
    private readonly reconciler: ReconcilerService,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
  ) {
    super(em);
  }

  /** upsertJobScheduler keeps exactly one scheduler however many workers boot, and runs a pass right away. */
  async onApplicationBootstrap(): Promise<void> {
    await this.maintenance.upsertJobScheduler(
      RECONCILE_SCHEDULER_ID,
      { every: RECONCILE_EVERY_MS },
      { name: JobName.MaintenanceReconcile, data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
