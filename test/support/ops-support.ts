import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import IORedis from 'ioredis';
import { onFreePort } from './processes';
import { waitFor } from './test-env';

/** A redis-server of the test's own (never the machine's shared one), which the test may stop, wipe and restart. */
export class PrivateRedis {
  private child?: ChildProcess;
  private readonly dir = mkdtempSync(join(tmpdir(), 'tandem-redis-'));

  private constructor(
    readonly port: number,
    private readonly args: string[],
  ) {}

  /** Starts one; `args` are extra redis-server options (`--maxmemory-policy allkeys-lru`). Append-only keeps jobs across a restart. */
  static async start(args: string[] = []): Promise<PrivateRedis> {
    return onFreePort(async (port) => {
      const redis = new PrivateRedis(port, args);
      try {
        await redis.up();
        return redis;
      } catch (err) {
        await redis.destroy();
        throw err;
      }
    });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts the server again (same port and data directory); a no-op while it runs. Waits until this server answers:
   * one that could not bind its port has exited, and another process's server on that port has another pid.
   */
  async up(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return;
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        this.dir,
        ...this.args,
      ],
      {
        stdio: 'ignore',
      },
    );
    this.child = child;
    await waitFor(async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `redis-server on ${this.port} exited (${child.exitCode ?? child.signalCode}): is the port taken?`,
        );
      const client = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        const info = String(await client.info('server'));
        return new RegExp(`^process_id:${child.pid}\\r?$`, 'm').test(info) ? true : undefined;
      } catch {
        return undefined;
      } finally {
        client.disconnect();
      }
    }, `redis-server on ${this.port}`);
  }

  /** Stops the server (SIGTERM: it finishes writing its append-only file). */
  async down(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async command(...args: string[]): Promise<unknown> {
    const client = new IORedis(this.url);
    try {
      return await client.call(args[0], ...args.slice(1));
    } finally {
      client.disconnect();
    }
  }

  async destroy(): Promise<void> {
    await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Writes `count` pending outbox messages for an organization, created `ageSeconds` ago; answers their ids. */
export async function insertOutbox(
  em: EntityManager,
  organizationId: string,
  count: number,
  options: { ageSeconds?: number; status?: string; tag?: string } = {},
): Promise<string[]> {
  const tag = options.tag ?? 'ops';
  const rows = await rawQuery<{ id: string }>(
    em.fork(),
    `insert into outbox_message (id, organization_id, idempotency_key, "to", subject, text, status, created_at)
     select gen_random_uuid(), ?, ? || ':' || i, ? || i || '@ops.example', 'Ops test ' || i, 'Hello', ?::outbox_status, now() - make_interval(secs => ?)
       from generate_series(1, ?) as i
     returning id`,
    [
      organizationId,
      `${tag}-${Math.random().toString(36).slice(2)}`,
      `${tag}-person`,
      options.status ?? 'pending',
      options.ageSeconds ?? 0,
      count,
    ],
  );
  return rows.map((r) => r.id);
}
