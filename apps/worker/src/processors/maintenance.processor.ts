import { EntityManager } from '@mikro-orm/postgresql';
import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { JobName, QueueName, RECONCILE_SCHEDULER_ID } from '@tandem/queues';
import { ReconcilerService } from '@tandem/workflows';
import type { Queue } from 'bullmq';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends QueueProcessor<QueueName.Maintenance> implements OnApplicationBootstrap {
  readonly queue = QueueName.Maintenance;
  readonly handlers: QueueHandlers<QueueName.Maintenance> = {
    [JobName.MaintenanceReconcile]: () => this.reconciler.reconcile(),
  };

  constructor(
    em: EntityManager,
    private readonly reconciler: ReconcilerService,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {
    super(em);
  }

  /**
   * Schedules the reconciler at boot, and again on every reconnection to Redis: a Redis that comes back empty (wiped,
   * or replaced without its data) has lost the scheduler with every other job, and only the reconciler can re-create
   * them. Upserting a scheduler that still exists changes nothing.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.scheduleReconciler();
    (await this.maintenance.client).on('ready', () => void this.scheduleReconciler().catch(() => undefined));
  }

  /** upsertJobScheduler keeps exactly one scheduler however many workers boot, and runs a pass right away. */
  private async scheduleReconciler(): Promise<void> {
    await this.maintenance.upsertJobScheduler(
      RECONCILE_SCHEDULER_ID,
      { every: this.config.reconcileEveryMs },
      { name: JobName.MaintenanceReconcile, data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
