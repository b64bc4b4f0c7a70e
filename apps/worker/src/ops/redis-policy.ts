import type { TandemConfig } from '@tandem/config';
import type { Logger } from '@tandem/observability';
import { primaries, redisClient, workerConnection } from '@tandem/queues';

/** Raised at boot when Redis may evict BullMQ's keys. */
export class EvictionPolicyError extends Error {}

/**
 * BullMQ keeps jobs only under `maxmemory-policy noeviction`: any other policy lets Redis drop job keys under memory
 * pressure, silently. The worker refuses to run on such a Redis unless REDIS_ALLOW_EVICTION=true.
 * Reads INFO (allowed on managed Redis services that disable CONFIG); on a Redis Cluster, every primary's.
 */
export async function checkEvictionPolicy(config: TandemConfig, logger: Logger): Promise<string> {
  const redis = redisClient({ ...workerConnection(config.redisUrl), lazyConnect: true });
  // A cluster client fails its connect with "None of startup nodes is available"; the error it emitted before says why.
  let lastError: (Error & { lastNodeError?: Error }) | undefined;
  redis.on('error', (err: Error) => (lastError = err));
  let policy = 'noeviction';
  try {
    await redis.connect();
    for (const node of primaries(redis)) {
      const info = await node.info('memory');
      const nodePolicy =
        /^maxmemory_policy:(\S+)/m.exec(info)?.[1] ?? ((await node.config('GET', 'maxmemory-policy')) as string[])[1];
      if (nodePolicy !== 'noeviction') policy = nodePolicy;
    }
  } catch (err) {
    const cause = lastError?.lastNodeError ?? lastError;
    throw cause && cause !== err ? new Error(`${(err as Error).message} (${cause.message})`) : err;
  } finally {
    redis.disconnect();
  }
  if (policy === 'noeviction') return policy;
  if (config.redisAllowEviction) {
    logger.warn(
      { policy },
      'redis maxmemory-policy is not noeviction: queued jobs may be evicted (REDIS_ALLOW_EVICTION=true)',
    );
    return policy;
  }
  throw new EvictionPolicyError(
    `redis maxmemory-policy is ${policy}: BullMQ needs noeviction or jobs can silently disappear. ` +
      `Run "CONFIG SET maxmemory-policy noeviction" (and persist it), or set REDIS_ALLOW_EVICTION=true to run anyway.`,
  );
}
