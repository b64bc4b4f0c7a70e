import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { freePort } from './processes';
import { waitFor } from './test-env';

type ClusterNode = { port: number; child: ChildProcess };

/**
 * A Redis Cluster of the test's own: `primaries` redis-server processes with one replica each, on free local ports
 * (client and cluster-bus ports both chosen), made with `redis-cli --cluster create`. A primary that stops answering
 * is replaced by its replica after the node timeout (2 s here, 15 s by default).
 */
export class PrivateRedisCluster {
  private readonly nodes: ClusterNode[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'tandem-cluster-'));

  static async start(primaries = 3): Promise<PrivateRedisCluster> {
    const cluster = new PrivateRedisCluster();
    try {
      for (let i = 0; i < primaries * 2; i++) cluster.nodes.push(await cluster.startNode(i));
      const created = spawnSync(
        'redis-cli',
        ['--cluster', 'create', ...cluster.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'],
        { encoding: 'utf8', timeout: 60_000 },
      );
      if (created.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
      // Every node must see the whole cluster, with every slot served, before clients start.
      for (const node of cluster.nodes) {
        await waitFor(async () => {
          const info = String(await cluster.call(node.port, 'CLUSTER', 'INFO'));
          return /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${primaries * 2}\\b`).test(info) ? true : undefined;
        }, `cluster node ${node.port} to see the whole cluster`, 30_000, 100);
      }
      return cluster;
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
  }

  /** REDIS_URL for Tandem: every node as a seed (one would do; the client learns the others from it). */
  get url(): string {
    return `redis+cluster://${this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`;
  }

  /** The port of the primary serving the slot of `key`, as a live node reports it. */
  async ownerOf(key: string): Promise<number> {
    const live = this.live()[0];
    const slot = Number(await this.call(live.port, 'CLUSTER', 'KEYSLOT', key));
    const ranges = (await this.call(live.port, 'CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no node serves slot ${slot}`);
    return Number(range[2][1]);
  }

  /** The role a node gives itself (`master` or `slave`). */
  async role(port: number): Promise<string> {
    return String(((await this.call(port, 'ROLE')) as unknown[])[0]);
  }

  /** Kills a node as a crash would (SIGKILL: nothing flushed, no goodbye to the cluster). */
  async kill(port: number): Promise<void> {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node on ${port}`);
    await stopChild(node.child, 'SIGKILL');
  }

  /** Waits until a live node serves the slot of `key` and every live node says the cluster is whole again. */
  async failedOver(key: string, from: number, timeoutMs = 30_000): Promise<number> {
    return waitFor(async () => {
      try {
        const owner = await this.ownerOf(key);
        if (owner === from) return undefined;
        for (const node of this.live()) if (!/cluster_state:ok/.test(String(await this.call(node.port, 'CLUSTER', 'INFO')))) return undefined;
        return (await this.role(owner)) === 'master' ? owner : undefined;
      } catch {
        return undefined;
      }
    }, `a replica to take over from ${from}`, timeoutMs, 100);
  }

  /** A command on one node. */
  async call(port: number, command: string, ...args: string[]): Promise<unknown> {
    const client = new IORedis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await client.call(command, ...args);
    } finally {
      client.disconnect();
    }
  }

  async destroy(): Promise<void> {
    for (const node of this.nodes) await stopChild(node.child, 'SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private live(): ClusterNode[] {
    return this.nodes.filter((n) => n.child.exitCode === null && n.child.signalCode === null);
  }

  /** One node on a free port and cluster-bus port; tried again on other ports if it could not bind. */
  private async startNode(index: number, attempts = 3): Promise<ClusterNode> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const bus = await freePort();
      const dir = join(this.dir, `node-${index}-${attempt}`);
      mkdirSync(dir);
      const child = spawn(
        'redis-server',
        [
          '--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--dir', dir,
          '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000',
          // A replica may take over however long it was cut off: the test kills primaries on purpose.
          '--cluster-replica-validity-factor', '0', '--save', '', '--appendonly', 'no',
        ],
        { stdio: 'ignore' },
      );
      try {
        await waitFor(async () => {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on ${port} exited (${child.exitCode ?? child.signalCode})`);
          const info = await this.call(port, 'INFO', 'server').catch(() => '');
          return new RegExp(`^process_id:${child.pid}\\r?$`, 'm').test(String(info)) ? true : undefined;
        }, `cluster node on ${port}`, 20_000, 50);
        return { port, child };
      } catch (err) {
        await stopChild(child, 'SIGKILL');
        if (attempt >= attempts) throw err;
      }
    }
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
