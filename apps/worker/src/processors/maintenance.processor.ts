import { InjectQueue, Processor } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, OnApplicationBootstrap } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { JobName, QueueName, RECONCILE_SCHEDULER_ID } from '@tandem/queues';
import { LeaseService, ReconcilerService, RECONCILE_LEASE, RESTORE_LEASE } from '@tandem/workflows';
import { isUnavailableError } from '@tandem/domain';
import { redactText } from '@tandem/observability';
import type { Queue } from 'bullmq';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Maintenance)
export class MaintenanceProcessor
  extends QueueProcessor<QueueName.Maintenance>
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  readonly queue = QueueName.Maintenance;
  readonly handlers: QueueHandlers<QueueName.Maintenance> = {
    [JobName.MaintenanceReconcile]: () => this.reconcileUnlessUnavailable(),
    [JobName.MaintenancePing]: () => Promise.resolve('pong'),
  };

  constructor(
    private readonly reconciler: ReconcilerService,
    private readonly leases: LeaseService,
    @InjectQueue(QueueName.Maintenance) private readonly maintenance: Queue,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {
    super();
  }

  private watch?: NodeJS.Timeout;
  private lastSkipWarning = 0;

  /**
   * One worker at a time runs a pass (the lease): BullMQ's scheduler makes one job a tick, but a pass outlasting its
   * tick, or a stalled job handed on while its first worker still runs it, would otherwise run beside another. A pass
   * that finds the lease held ends at once: the holder is doing the same work.
   *
   * The reconciler is periodic: a pass that finds PostgreSQL or Redis away has nothing to repair that the next pass
   * will not, so it ends quietly (one warning a minute) rather than leave a failed job and a failure record behind.
   */
  private async reconcileUnlessUnavailable(): Promise<unknown> {
    try {
      const outcome = await this.leases.run(RECONCILE_LEASE, (lease) => this.reconciler.reconcile(lease));
      return outcome.acted
        ? { generation: outcome.generation, ...outcome.result }
        : 'skipped: another worker holds the reconciler lease';
    } catch (err) {
      if (!isUnavailableError(err)) throw err;
      if (Date.now() - this.lastSkipWarning > 60_000) {
        this.lastSkipWarning = Date.now();
        this.logger.warn(
          `reconcile pass skipped, a backing service is unavailable: ${redactText((err as Error).message).slice(0, 300)}`,
        );
      }
      return 'skipped: unavailable';
    }
  }
  private checking = false;

  /**
   * Schedules the reconciler at boot, then checks as often as it runs that its scheduler still exists: a Redis that
   * comes back empty (restarted without its data, or wiped while running) has lost the scheduler with every other job,
   * and only the reconciler can re-create them. Upserting a scheduler that still exists changes nothing.
   */
  async onApplicationBootstrap(): Promise<void> {
    const existed = await this.maintenance.getJobScheduler(RECONCILE_SCHEDULER_ID).catch(() => undefined);
    await this.scheduleReconciler();
    // A Redis without the scheduler is new or was emptied: the delayed jobs it held are gone as well.
    if (!existed) void this.restoreDelayed();
    this.watch = setInterval(() => void this.keepScheduled(), this.config.reconcileEveryMs);
    this.watch.unref();
  }

  beforeApplicationShutdown(): void {
    clearInterval(this.watch);
  }

  private async keepScheduled(): Promise<void> {
    // While Redis is away the check waits for it; one at a time.
    if (this.checking) return;
    this.checking = true;
    try {
      if (!(await this.maintenance.getJobScheduler(RECONCILE_SCHEDULER_ID))) {
        await this.scheduleReconciler();
        await this.restoreDelayed();
      }
    } catch {
      // Redis errors are logged by the worker's lifecycle; the next check tries again.
    } finally {
      this.checking = false;
    }
  }

  /**
   * Re-creates the delayed jobs of work due later, with their remaining delays (see ReconcilerService.restoreDelayed),
   * in one worker of those that found the scheduler gone at once (the lease).
   */
  private async restoreDelayed(): Promise<void> {
    try {
      const outcome = await this.leases.run(RESTORE_LEASE, (lease) => this.reconciler.restoreDelayed(lease));
      if (!outcome.acted) return;
      const restored = outcome.result;
      this.logger.log(`redis had lost its jobs: ${restored} delayed job(s) of work due later re-created`);
    } catch (err) {
      // Left to the periodic pass, at each one's due time.
      this.logger.warn(`could not re-create the delayed jobs: ${redactText((err as Error).message).slice(0, 300)}`);
    }
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
