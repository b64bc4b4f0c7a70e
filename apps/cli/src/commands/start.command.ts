import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type CliCommand, parseFlags } from '../cli-command';

/** Runs the api and the worker together (the local default); Ctrl-C stops both gracefully. */
export const startCommand: CliCommand = {
  name: 'start',
  summary: 'run the api and the worker together',
  async run(args) {
    parseFlags(args, []);
    const dist = join(__dirname, '..', '..', '..');
    const children: ChildProcess[] = [
      spawn(process.execPath, [join(dist, 'api', 'src', 'main.js')], { stdio: 'inherit' }),
      spawn(process.execPath, [join(dist, 'worker', 'src', 'main.js')], { stdio: 'inherit' }),
    ];
    const stop = (signal: NodeJS.Signals) => children.forEach((child) => child.exitCode === null && child.kill(signal));
    process.on('SIGINT', () => stop('SIGTERM'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    const codes = await Promise.all(
      children.map(
        (child) => new Promise<number>((resolve) => child.on('exit', (code) => (stop('SIGTERM'), resolve(code ?? 0)))),
      ),
    );
    return Math.max(...codes);
  },
};
