import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '@tandem/config';
import { createOrmConfig } from '@tandem/domain';
import { LeaseService } from '@tandem/workflows';

/** What the test sends a contender: run `workMs` of work under the lease `name`, for tick `tick`. */
export interface ContenderTick {
  tick: number;
  name: string;
  workMs: number;
  ttlMs: number;
}

/** What a contender answers: 'started' once it acts (holding the lease), then 'done' with the outcome. */
export type ContenderReport =
  | { kind: 'ready'; process: string }
  | { kind: 'started'; tick: number; holder: string; generation: number; at: number }
  | {
      kind: 'done';
      tick: number;
      acted: boolean;
      holder?: string;
      generation?: number;
      startedAt?: number;
      endedAt: number;
    };

/**
 * A worker-like process for the lease's fault test (run from the build with `fork`): its own ORM and pool, one
 * LeaseService, and work that takes the time the test asks for, so the test can start several at once and kill the
 * holder mid-work.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await MikroORM.init(createOrmConfig(config.databaseUrl));
  const leases = new LeaseService(orm.em, config);
  const send = (report: ContenderReport) => process.send?.(report);
  process.on('message', (message: ContenderTick) => {
    void (async () => {
      let startedAt: number | undefined;
      const outcome = await leases.run(
        message.name,
        async (lease) => {
          startedAt = Date.now();
          send({
            kind: 'started',
            tick: message.tick,
            holder: lease.holder,
            generation: lease.generation,
            at: startedAt,
          });
          await new Promise((resolve) => setTimeout(resolve, message.workMs));
          return lease.holder;
        },
        message.ttlMs,
      );
      send({
        kind: 'done',
        tick: message.tick,
        acted: outcome.acted,
        ...(outcome.acted ? { holder: outcome.result, generation: outcome.generation, startedAt } : {}),
        endedAt: Date.now(),
      });
    })();
  });
  process.on('disconnect', () => void orm.close().finally(() => process.exit(0)));
  send({ kind: 'ready', process: leases.process });
}

void main();
