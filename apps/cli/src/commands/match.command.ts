import { readFileSync } from 'node:fs';
import { InstanceError, MatchingError, OBJECTIVES, Objective, solveInstance } from '@tandem/matching';
import { CliCommand, parseFlags, printJson, requireFlag, UsageError } from '../cli-command';

/** `match --input FILE [--objective O] [--no-explain]`: solves a matching instance file and prints the result JSON. */
export const matchCommand: CliCommand = {
  name: 'match',
  summary: 'solve a matching instance file (scores, edges or program profiles) and print the result',
  async run(args: string[]): Promise<number> {
    const flags = parseFlags(args, ['input', 'objective', 'no-explain']);
    const file = requireFlag(flags, 'input');
    let objective: Objective | undefined;
    if (flags.objective !== undefined) {
      if (typeof flags.objective !== 'string' || !OBJECTIVES.includes(flags.objective as Objective)) {
        throw new UsageError(`--objective must be one of ${OBJECTIVES.join(', ')}`);
      }
      objective = flags.objective as Objective;
    }
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`);
    }
    try {
      printJson(solveInstance(json, { objective, explain: flags['no-explain'] !== true }));
      return 0;
    } catch (err) {
      // A malformed or unsolvable file is the caller's mistake: name the place, exit 2 like a usage error.
      if (err instanceof InstanceError || err instanceof MatchingError) {
        process.stderr.write(`error: ${file}: ${err.message}\n`);
        return 2;
      }
      throw err;
    }
  },
};
