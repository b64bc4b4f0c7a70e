import { MikroORM } from '@mikro-orm/postgresql';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import { pendingMigrations } from '@tandem/domain';
import { JobProducer, QueueName } from '@tandem/queues';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';

type Check = { ok: boolean; error?: string };

@ApiTags('health')
@Controller()
@Public()
export class HealthController {
  constructor(
    private readonly orm: MikroORM,
    private readonly producer: JobProducer,
  ) {}

  /** The address people type: it sends them to the admin console (which sends the signed-out to its sign-in). */
  @Get()
  @ApiExcludeEndpoint()
  root(@Res() reply: FastifyReply) {
    return reply.status(303).header('location', '/console').header('cache-control', 'no-store').send();
  }

  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  health() {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres answers with every migration applied, and Redis answers' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, migrations, redis] = await Promise.all([
      check(() => this.orm.em.getConnection().execute('select 1')),
      check(async () => {
        const pending = await pendingMigrations(this.orm);
        if (pending.length > 0) throw new Error(`${pending.length} pending: run db:migrate`);
      }),
      check(async () => {
        // A read of a queue key rather than PING: on a Redis Cluster it asks the primary that holds Tandem's slot.
        const queue = this.producer.queue(QueueName.Maintenance);
        const client = (await queue.client) as unknown as { exists(key: string): Promise<number> };
        await client.exists(queue.toKey('meta'));
      }),
    ]);
    const ok = postgres.ok && migrations.ok && redis.ok;
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ready' : 'not_ready', checks: { postgres, migrations, redis } };
  }
}

async function check(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), timeoutMs))),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}
