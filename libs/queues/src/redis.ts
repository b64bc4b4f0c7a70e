import type { RedisOptions } from 'ioredis';

/** ioredis options from a redis:// URL. */
export function redisOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isFinite(db) ? db : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

/** Producers fail fast while Redis is down (the api answers 503) instead of queueing commands in memory. */
export function producerConnection(redisUrl: string): RedisOptions {
  return { ...redisOptions(redisUrl), enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 };
}

/** Workers wait for Redis to come back and resume by themselves. */
export function workerConnection(redisUrl: string): RedisOptions {
  return { ...redisOptions(redisUrl), maxRetriesPerRequest: null };
}
