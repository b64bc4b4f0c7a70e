import { type EventSubscriber, type TransactionEventArgs } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { JobName, JobProducer } from '@tandem/queues';
import { takeWrittenDeliveries } from './webhook-events';

/**
 * Queues the webhook deliveries a transaction wrote once it has committed (MikroORM's afterTransactionCommit, which
 * runs for the outermost transaction only). If Redis is away, or the process dies between the commit and this, the
 * reconciler's webhook sweep finds the pending deliveries and queues them.
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, EventSubscriber {
  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
  ) {}

  onModuleInit(): void {
    this.em.getEventManager().registerSubscriber(this);
  }

  async afterTransactionCommit(args: TransactionEventArgs): Promise<void> {
    const ids = takeWrittenDeliveries(args.em as EntityManager);
    if (ids.length === 0) return;
    await this.producer.afterCommit('webhook deliveries', () =>
      this.producer.enqueueMany(
        JobName.WebhooksDeliver,
        ids.map((deliveryId) => ({ deliveryId, attempt: 1 })),
      ),
    );
  }

  async afterTransactionRollback(args: TransactionEventArgs): Promise<void> {
    takeWrittenDeliveries(args.em as EntityManager);
  }
}
