import { parseRedisUrl, type RedisTarget } from '@tandem/config';
import { createIORedisClient, RedisConnection } from 'bullmq';
import IORedis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * ioredis options for REDIS_URL. For a Redis Cluster they also carry its seed nodes (`cluster`): BullMQ builds each of
 * its connections from these options (see useClusterClients), and redisClient() makes a Cluster client from them.
 */
export type TandemRedisOptions = RedisOptions & { cluster?: RedisTarget };

/** ioredis options from REDIS_URL (one server or a cluster; see parseRedisUrl). */
export function redisOptions(redisUrl: string): TandemRedisOptions {
  const target = parseRedisUrl(redisUrl);
  const options: TandemRedisOptions = {
    host: target.nodes[0].host,
    port: target.nodes[0].port,
    username: target.username,
    password: target.password,
    db: target.db,
    tls: target.tls ? {} : undefined,
  };
  if (target.cluster) {
    useClusterClients();
    options.cluster = target;
  }
  return options;
}

/** Producers fail fast while Redis is down (the api answers 503) instead of queueing commands in memory. */
export function producerConnection(redisUrl: string): TandemRedisOptions {
  return { ...redisOptions(redisUrl), enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 };
}

/** Workers wait for Redis to come back and resume by themselves. */
export function workerConnection(redisUrl: string): TandemRedisOptions {
  return { ...redisOptions(redisUrl), maxRetriesPerRequest: null };
}

/** A client of Tandem's own (not BullMQ's) for these options: a Redis, or a Cluster when REDIS_URL names one. */
export function redisClient(options: TandemRedisOptions): IORedis | Cluster {
  const { cluster, ...rest } = options;
  return cluster
    ? new Cluster(
        cluster.nodes.map((node) => ({ ...node })),
        clusterOptions(rest),
      )
    : new IORedis(rest);
}

/** The primaries of a cluster (each holds part of the keys), or the one server. */
export function primaries(client: IORedis | Cluster): IORedis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}

/**
 * Cluster options from one server's: per-node options (credentials, TLS, retries per command) go to every node;
 * the offline queue is the cluster's (a producer fails fast while the cluster has no node for a slot). Node addresses
 * are used as the cluster reports them, unresolved, so a managed cluster's TLS certificates match their host names.
 */
function clusterOptions(options: RedisOptions): ClusterOptions {
  const {
    host: _host,
    port: _port,
    db: _db,
    retryStrategy: _retry,
    enableOfflineQueue,
    lazyConnect,
    ...perNode
  } = options;
  return {
    redisOptions: perNode,
    enableOfflineQueue: enableOfflineQueue ?? true,
    lazyConnect,
    dnsLookup: (address, callback) => callback(null, address),
    // A primary that died is replaced by its replica within the cluster's node timeout: ask for the slots again soon.
    clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
    retryDelayOnClusterDown: 300,
    retryDelayOnFailover: 200,
    slotsRefreshTimeout: 2000,
  };
}

let clusterClientsInstalled = false;

/**
 * BullMQ creates a plain Redis client from connection options; with a cluster's options it must create a Cluster
 * client instead. Its client factory does that, and only for options that name a cluster: every other connection is
 * made exactly as BullMQ makes it. Each queue and worker still owns (and closes) the connections it creates.
 */
function useClusterClients(): void {
  if (clusterClientsInstalled) return;
  clusterClientsInstalled = true;
  RedisConnection.clientFactory = (opts) => {
    const { url, ...rest } = opts as TandemRedisOptions & { url?: string };
    if (rest.cluster) return createIORedisClient(redisClient(rest));
    return createIORedisClient(url ? new IORedis(url, rest) : new IORedis(rest));
  };
}
