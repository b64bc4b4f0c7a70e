import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const DIST = join(__dirname, '..', '..', 'dist');

/** The path of a built entry point; the README's test command builds before jest runs. */
export function distEntry(app: 'api' | 'worker' | 'cli'): string {
  const entry = join(DIST, 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first (npm test does)`);
  return entry;
}

/** A free local TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Starts a server on a free port: another process can take the port between freePort and the server binding it, so a
 * start that fails is tried again on another port (`start` cleans up after its own failure).
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}

/** A Tandem process (api or worker) started from the build, with its output kept for diagnostics. */
export class TandemProcess {
  readonly output: string[] = [];
  readonly child: ChildProcess;
  /** Resolves with the exit code, or the signal's name when a signal ended the process. */
  readonly exited: Promise<number | string | null>;

  constructor(app: 'api' | 'worker', env: Record<string, string>) {
    this.child = spawn(process.execPath, [distEntry(app)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    // 'close', not 'exit': the process has exited and its last output has been read.
    this.exited = new Promise((resolve) => this.child.on('close', (code, signal) => resolve(code ?? signal)));
  }

  /**
   * The port an api started with PORT=0 listens on, read from its "listening" log line (needs LOG_LEVEL info or lower).
   * Letting the system pick the port avoids two test files racing for one "free" port.
   */
  async listeningPort(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.output
        .join('')
        .split('\n')
        .find((l) => l.includes('tandem api listening'));
      const port = line ? Number(/"port":(\d+)/.exec(line)?.[1]) : NaN;
      if (port > 0) return port;
      if (this.child.exitCode !== null)
        throw new Error(`the api exited before listening:\n${this.output.join('').slice(-2000)}`);
      if (Date.now() > deadline)
        throw new Error(`the api did not report its port:\n${this.output.join('').slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends a signal and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Runs the CLI from the build; answers its exit code and parsed stdout. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): { status: number | null; json: any; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [distEntry('cli'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  return { status: result.status, json, stderr: result.stderr, stdout: result.stdout };
}
