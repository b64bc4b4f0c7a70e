import type { LoggerService, LogLevel } from '@nestjs/common';
import type { TandemConfig } from '@tandem/config';
import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/** How long a buffered logger holds a line at most. */
const BUFFERED_FLUSH_MS = 100;

/**
 * One JSON line per event on stdout. Nothing sensitive is logged by design (callers pass ids, never people); the
 * redact list is the safety net for objects that slip through, and `redactText` cleans free text such as errors.
 *
 * Lines are written synchronously, so one logged just before an exit is never lost, unless `buffered`: then lines
 * are collected up to 4 KB (or 100 ms) and written in the background, and what is left is written when the process
 * exits (pino flushes on 'exit', so a process stopped by a signal must leave through `process.exit`, as Nest's
 * shutdown hooks do with `useProcessExit`). Only a SIGKILL loses the last lines, up to 100 ms of them. The worker
 * logs buffered: it logs a line per job, and written one at a time into a pipe a line took 135 µs, more than a job.
 */
export function createLogger(
  config: Pick<TandemConfig, 'logLevel'> & Partial<Pick<TandemConfig, 'logStream'>>,
  service: 'api' | 'worker',
  { buffered = false }: { buffered?: boolean } = {},
): Logger {
  const destination = pino.destination({
    fd: config.logStream === 'stderr' ? 2 : 1,
    ...(buffered ? { sync: false, minLength: 4096, periodicFlush: BUFFERED_FLUSH_MS } : { sync: true }),
  });
  return pino(
    {
      level: config.logLevel,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'authorization',
          'headers.authorization',
          'headers.cookie',
          'req.headers.authorization',
          'req.headers.cookie',
          'apiKey',
          'key',
          'token',
          'email',
          'to',
          'name',
        ],
        censor: '[redacted]',
      },
    },
    // Whole lines either way: lines never interleave.
    destination,
  );
}

const EMAIL = /[^\s<>"'@,;:()]+@[^\s<>"'@,;:()]+\.[^\s<>"'@,;:()]+/g;
const SECRET = /\b(tdm|tok|ops)_[A-Za-z0-9_-]{16,}/g;
const BEARER = /Bearer\s+\S+/gi;

/** Free text (an error message) with email addresses, bearer credentials and Tandem secrets taken out. */
export function redactText(text: string): string {
  return text.replace(BEARER, 'Bearer [redacted]').replace(SECRET, '[secret]').replace(EMAIL, '[email]');
}

const NEST_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** Nest's own messages (boot, route mapping, the exception filter) as pino lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]) {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }

  private write(level: LogLevel, message: unknown, rest: unknown[]) {
    // Nest passes the context (a class name) last, and for errors a stack before it.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = level === 'error' && typeof rest[0] === 'string' && rest.length > 1 ? (rest[0] as string) : undefined;
    const text =
      message instanceof Error
        ? (message.stack ?? message.message)
        : typeof message === 'string'
          ? message
          : JSON.stringify(message);
    this.logger[NEST_LEVEL[level]]({ context, ...(stack ? { stack: redactText(stack) } : {}) }, redactText(text ?? ''));
  }
}
