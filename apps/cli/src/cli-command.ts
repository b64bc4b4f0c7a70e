/** A CLI command: parses its own flags, writes machine output (JSON) to stdout, logs to stderr. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Raised for a usage mistake; main prints the message and exits with code 2. */
export class UsageError extends Error {}

/** Parses `--flag value` pairs; a flag without a value is `true`. */
export function parseFlags(args: string[], allowed: readonly string[]): Record<string, string | true> {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const name = arg.slice(2);
    if (!allowed.includes(name))
      throw new UsageError(`unknown option --${name} (allowed: ${allowed.map((a) => `--${a}`).join(', ')})`);
    const next = args[i + 1];
    if (next === undefined || next.startsWith('--')) flags[name] = true;
    else {
      flags[name] = next;
      i++;
    }
  }
  return flags;
}

/** Reads a required string flag. */
export function requireFlag(flags: Record<string, string | true>, name: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} is required`);
  return value;
}

/** Prints one JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
