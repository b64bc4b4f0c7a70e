import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePort } from './processes';

/** The newest PostgreSQL server binaries installed (Debian layout), or PG_BIN. */
function pgBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql; set PG_BIN');
  return join(root, versions[0], 'bin');
}

/**
 * A PostgreSQL cluster of the test's own in a temporary directory, on a free port, which the test may stop and start
 * under load (the machine's shared server is never restarted). initdb refuses to run as root, so as root the cluster
 * runs as the `postgres` OS user.
 */
export class PrivatePostgres {
  private readonly bin = pgBin();
  private readonly asRoot = process.getuid?.() === 0;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-pg-'));
    // The cluster is made once; only the port it starts on is chosen (again, if pg_ctl fails on a taken one).
    const cluster = new PrivatePostgres(0, dir);
    if (cluster.asRoot)
      chownSync(
        dir,
        Number(cluster.run('id', ['-u', 'postgres']).trim()),
        Number(cluster.run('id', ['-g', 'postgres']).trim()),
      );
    cluster.run(
      join(cluster.bin, 'initdb'),
      ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
      true,
    );
    try {
      return await onFreePort(async (port) => {
        const pg = new PrivatePostgres(port, dir);
        await pg.up();
        return pg;
      });
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** A URL for a database on this cluster. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts the server and waits until it accepts connections. */
  async up(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
    this.run(
      join(this.bin, 'pg_ctl'),
      ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'log'), '-o', options, '-w', '-t', '60', 'start'],
      true,
    );
  }

  /** Stops the server: `fast` rolls back open transactions and closes every connection, `immediate` is a crash. */
  async down(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    this.run(join(this.bin, 'pg_ctl'), ['-D', join(this.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop'], true);
  }

  async destroy(): Promise<void> {
    try {
      await this.down('immediate');
    } catch {
      // Already stopped.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(command: string, args: string[], asPostgres = false): string {
    const [cmd, argv] =
      asPostgres && this.asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
    return result.stdout;
  }
}
