import { type ChildProcess, spawn } from 'node:child_process';

/** The relay, run in a process of its own: the test process blocks in spawnSync (the CLI), which would stall it. */
const RELAY = `
const net = require('node:net');
const [upstreamPort, upstreamHost] = [Number(process.argv[1]), process.argv[2]];
let cutting = false;
const sockets = new Set();
const server = net.createServer((client) => {
  const upstream = net.connect(upstreamPort, upstreamHost);
  sockets.add(client).add(upstream);
  const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
  client.on('data', (chunk) => (cutting ? end() : upstream.write(chunk)));
  upstream.on('data', (chunk) => client.write(chunk));
  client.on('close', end).on('error', end);
  upstream.on('close', end).on('error', end);
});
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\\n'));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line) => {
  for (const command of line.split('\\n').filter(Boolean)) {
    cutting = command === 'cut';
    process.stdout.write('ok ' + command + '\\n');
  }
});
process.stdin.on('end', () => process.exit(0));
`;

/**
 * A TCP relay in front of PostgreSQL that can cut every connection the moment its client sends anything (a query, a
 * new connection's startup): the client then sees its socket end with no error from the server, pg's "Connection
 * terminated unexpectedly", as when the server goes away under a query. The server itself is never touched.
 */
export class PgCutter {
  private child?: ChildProcess;
  private output = '';
  port = 0;

  constructor(
    private readonly upstreamPort = 5432,
    private readonly upstreamHost = '127.0.0.1',
  ) {}

  async start(): Promise<number> {
    this.child = spawn(process.execPath, ['-e', RELAY, String(this.upstreamPort), this.upstreamHost], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.port = Number((await this.line(/^port (\d+)$/m))[1]);
    return this.port;
  }

  /** A URL for `database` through the relay. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** From now on every connection is cut as soon as its client sends anything. */
  async cut(): Promise<void> {
    await this.command('cut');
  }

  async heal(): Promise<void> {
    await this.command('heal');
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child!.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }

  private async command(command: string): Promise<void> {
    const before = this.output.length;
    this.child!.stdin!.write(`${command}\n`);
    await this.line(new RegExp(`^ok ${command}$`, 'm'), before);
  }

  private async line(pattern: RegExp, from = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const match = pattern.exec(this.output.slice(from));
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`the relay did not answer ${pattern}: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
