import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { freePort } from './processes';
import { waitFor } from './test-env';

type ClusterNode = { port: number; child: ChildProcess };

/**
 * A Redis Cluster of the test's own: `primaries` redis-server processes with one replica each, on free local ports
 * (client and cluster-bus ports both chosen), made with `redis-cli --cluster create`. A primary that stops answering
 * is replaced by its replica after the node timeout (2 s here, 15 s by default). With `tls`, as a managed cluster
 * runs: clients, replication and the cluster bus over TLS (a certificate for 127.0.0.1 from a CA of the test's own,
 * `caFile`), and a password on every node.
 */
export class PrivateRedisCluster {
  private readonly nodes: ClusterNode[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'tandem-cluster-'));

  private constructor(private readonly tls?: { password: string }) {}

  static async start(primaries = 3, options: { tls?: { password: string } } = {}): Promise<PrivateRedisCluster> {
    const cluster = new PrivateRedisCluster(options.tls);
    try {
      if (cluster.tls) cluster.makeCertificates();
      for (let i = 0; i < primaries * 2; i++) cluster.nodes.push(await cluster.startNode(i));
      const created = spawnSync(
        'redis-cli',
        [
          ...cluster.cliTls(),
          '--cluster',
          'create',
          ...cluster.nodes.map((n) => `127.0.0.1:${n.port}`),
          '--cluster-replicas',
          '1',
          '--cluster-yes',
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      if (created.status !== 0)
        throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
      // Every node must see the whole cluster, with every slot served, before clients start.
      for (const node of cluster.nodes) {
        await waitFor(
          async () => {
            const info = String(await cluster.call(node.port, 'CLUSTER', 'INFO'));
            return /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${primaries * 2}\\b`).test(info)
              ? true
              : undefined;
          },
          `cluster node ${node.port} to see the whole cluster`,
          30_000,
          100,
        );
      }
      return cluster;
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
  }

  /** REDIS_URL for Tandem: every node as a seed (one would do; the client learns the others from it). */
  get url(): string {
    const seeds = this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
    return this.tls
      ? `rediss+cluster://:${encodeURIComponent(this.tls.password)}@${seeds}`
      : `redis+cluster://${seeds}`;
  }

  /** The CA that signed the nodes' certificate (for NODE_EXTRA_CA_CERTS). */
  get caFile(): string {
    return join(this.dir, 'ca.crt');
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
    return waitFor(
      async () => {
        try {
          const owner = await this.ownerOf(key);
          if (owner === from) return undefined;
          for (const node of this.live())
            if (!/cluster_state:ok/.test(String(await this.call(node.port, 'CLUSTER', 'INFO')))) return undefined;
          return (await this.role(owner)) === 'master' ? owner : undefined;
        } catch {
          return undefined;
        }
      },
      `a replica to take over from ${from}`,
      timeoutMs,
      100,
    );
  }

  /** A command on one node. */
  async call(port: number, command: string, ...args: string[]): Promise<unknown> {
    const tls = this.tls ? { tls: { ca: readFileSync(this.caFile) }, password: this.tls.password } : {};
    const client = new IORedis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      ...tls,
    });
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

  /** Client, replication and cluster-bus TLS, and the password (the replicas give it to their primaries). */
  private serverTls(port: number): string[] {
    if (!this.tls) return [];
    const file = (name: string) => join(this.dir, name);
    return [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--tls-cluster',
      'yes',
      '--tls-replication',
      'yes',
      '--tls-auth-clients',
      'no',
      '--tls-cert-file',
      file('node.crt'),
      '--tls-key-file',
      file('node.key'),
      '--tls-ca-cert-file',
      file('ca.crt'),
      '--requirepass',
      this.tls.password,
      '--masterauth',
      this.tls.password,
    ];
  }

  private cliTls(): string[] {
    return this.tls ? ['--tls', '--cacert', this.caFile, '-a', this.tls.password, '--no-auth-warning'] : [];
  }

  /** A CA and a certificate for 127.0.0.1 it signed, shared by every node. */
  private makeCertificates(): void {
    const file = (name: string) => join(this.dir, name);
    writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    const steps = [
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-keyout',
        file('ca.key'),
        '-out',
        file('ca.crt'),
        '-subj',
        '/CN=Tandem test CA',
      ],
      [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        file('node.key'),
        '-out',
        file('node.csr'),
        '-subj',
        '/CN=127.0.0.1',
      ],
      [
        'x509',
        '-req',
        '-in',
        file('node.csr'),
        '-CA',
        file('ca.crt'),
        '-CAkey',
        file('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        '-out',
        file('node.crt'),
        '-extfile',
        file('san.ext'),
      ],
    ];
    for (const args of steps) {
      const result = spawnSync('openssl', args, { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
    }
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
          '--port',
          String(port),
          '--cluster-port',
          String(bus),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
          // A replica may take over however long it was cut off: the test kills primaries on purpose.
          '--cluster-replica-validity-factor',
          '0',
          '--save',
          '',
          '--appendonly',
          'no',
          ...this.serverTls(port),
        ],
        { stdio: 'ignore' },
      );
      try {
        await waitFor(
          async () => {
            if (child.exitCode !== null || child.signalCode !== null)
              throw new Error(`redis-server on ${port} exited (${child.exitCode ?? child.signalCode})`);
            const info = await this.call(port, 'INFO', 'server').catch(() => '');
            return new RegExp(`^process_id:${child.pid}\\r?$`, 'm').test(String(info)) ? true : undefined;
          },
          `cluster node on ${port}`,
          20_000,
          50,
        );
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
