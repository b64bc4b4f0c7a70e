import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { onFreePort } from './processes';
import { waitFor } from './test-env';

const PGBOUNCER =
  process.env.PGBOUNCER_BIN ?? (existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer');

/**
 * A PgBouncer of the test's own in transaction mode, on a free port, in front of the machine's PostgreSQL: every
 * database there is reachable through it under the same name, as user postgres (trust, listed in its userlist).
 * `poolSize` server connections per database: few, so that consecutive transactions of one client land on different
 * server connections and those of different clients on the same one.
 */
export class PrivatePgBouncer {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(
    options: { poolSize?: number; upstream?: { host: string; port: number } } = {},
  ): Promise<PrivatePgBouncer> {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-pgbouncer-'));
    // PgBouncer refuses to run as root; as root it runs as the postgres OS user (-u), which must read its files.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(dir, Number(run('id', ['-u', 'postgres'])), Number(run('id', ['-g', 'postgres'])));
    const upstream = options.upstream ?? { host: '127.0.0.1', port: 5432 };
    try {
      return await onFreePort(async (port) => {
        writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
        writeFileSync(
          join(dir, 'pgbouncer.ini'),
          [
            '[databases]',
            `* = host=${upstream.host} port=${upstream.port}`,
            '[pgbouncer]',
            'listen_addr = 127.0.0.1',
            `listen_port = ${port}`,
            `unix_socket_dir = ${dir}`,
            'auth_type = trust',
            `auth_file = ${join(dir, 'userlist.txt')}`,
            'admin_users = postgres',
            'pool_mode = transaction',
            `default_pool_size = ${options.poolSize ?? 3}`,
            'max_client_conn = 500',
            `logfile = ${join(dir, 'pgbouncer.log')}`,
            `pidfile = ${join(dir, 'pgbouncer.pid')}`,
            '',
          ].join('\n'),
        );
        if (asRoot)
          for (const file of ['userlist.txt', 'pgbouncer.ini'])
            chownSync(join(dir, file), Number(run('id', ['-u', 'postgres'])), Number(run('id', ['-g', 'postgres'])));
        const bouncer = new PrivatePgBouncer(port, dir);
        await bouncer.up(asRoot);
        return bouncer;
      });
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** A URL for a database through this PgBouncer. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** The same database URL, through this PgBouncer. */
  via(directUrl: string): string {
    const url = new URL(directUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** A SHOW command on PgBouncer's admin console (SHOW STATS, SHOW POOLS...). */
  async show(what: string): Promise<Record<string, unknown>[]> {
    const client = new Client({ connectionString: this.url('pgbouncer') });
    await client.connect();
    try {
      // No parameters: the simple query protocol, the only one the admin console speaks.
      return (await client.query(`SHOW ${what}`)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }

  /** Its log, for diagnostics. */
  log(): string {
    try {
      return readFileSync(join(this.dir, 'pgbouncer.log'), 'utf8');
    } catch {
      return '';
    }
  }

  async destroy(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async up(asRoot: boolean): Promise<void> {
    const child = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), join(this.dir, 'pgbouncer.ini')], {
      stdio: 'ignore',
    });
    this.child = child;
    await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(
            `pgbouncer on ${this.port} exited (${child.exitCode ?? child.signalCode}):\n${this.log().slice(-2000)}`,
          );
        try {
          await this.show('VERSION');
          return true;
        } catch {
          return undefined;
        }
      },
      `pgbouncer on ${this.port}`,
      20_000,
      50,
    );
  }
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}
