import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, parseRedisUrl, type TandemConfig } from '@tandem/config';
import { createOrmConfig, dropDatabase, ensureDatabaseExists, migrate } from '@tandem/domain';
import IORedis from 'ioredis';

const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@localhost:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://localhost:6379';

/** A database and a Redis prefix of the test's own, so tests never touch a running Tandem or each other. */
export interface TestEnv {
  config: TandemConfig;
  env: Record<string, string>;
  /** Drops the database and deletes the prefix's Redis keys. */
  destroy(): Promise<void>;
}

/** Creates a fresh, migrated database and a unique queue prefix. */
export async function createTestEnv(overrides: Record<string, string> = {}): Promise<TestEnv> {
  const id = randomBytes(5).toString('hex');
  const url = new URL(BASE_DATABASE_URL);
  url.pathname = `/tandem_test_${id}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    REDIS_URL,
    QUEUE_PREFIX: `tandem-test-${id}`,
    LOG_LEVEL: 'silent',
    APP_SECRET: `test-secret-${id}-${id}`,
    PORT: '0',
    // A worker stopped at a test's end waits at most this for jobs still running (25 s by default), so a teardown
    // stays well inside jest's hook timeout; the tests of the grace period set their own.
    SHUTDOWN_GRACE: 'PT5S',
    // Durations below the production minimums: in-process tests run sessions every PT12H of the test clock, and the
    // tests of the built processes (on the real clock) whole series in seconds.
    ALLOW_SHORT_DURATIONS: 'true',
    ...overrides,
  };
  const config = loadConfig(env);
  await ensureDatabaseExists(config.databaseUrl);
  const orm = await MikroORM.init(createOrmConfig(config.databaseUrl));
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
  return {
    config,
    env,
    async destroy() {
      await dropDatabase(config.databaseUrl);
      await deleteRedisPrefix(config.redisUrl, config.queuePrefix);
    },
  };
}

async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  // A Redis Cluster in a test is the test's own, and goes away with it.
  if (parseRedisUrl(redisUrl).cluster) return;
  const redis = new IORedis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** What a queue can say about its jobs (a BullMQ Queue). */
interface CountingQueue {
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/**
 * Waits until no queue holds a job that is waiting or running (delayed jobs not yet due are left alone): what a test
 * asserts "nothing more happens" after, instead of sleeping. Two looks in a row, so a job that one job queues as it
 * ends is seen.
 */
export async function waitQueuesIdle(queues: CountingQueue[], timeoutMs = 30_000): Promise<void> {
  const busy = async () => {
    for (const queue of queues) {
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      if (Object.values(counts).some((n) => n > 0)) return true;
    }
    return false;
  };
  let idleLooks = 0;
  await waitFor(
    async () => {
      idleLooks = (await busy()) ? 0 : idleLooks + 1;
      return idleLooks >= 2 ? true : undefined;
    },
    'the queues to be idle',
    timeoutMs,
    100,
  );
}
