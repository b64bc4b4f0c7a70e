/**
 * The solver alone on bench:round's pools, for timing the solve by CPU time without the database.
 *
 *   node dist/test/bench/solver.bench.js dump 50000 /tmp/pool-50000.json
 *     imports bench:round's program of 50,000 coachees (person-level estimates on every coach, as bench:round
 *     seeds them) and writes the pool the round would solve, as a program instance file;
 *   node dist/test/bench/solver.bench.js solve /tmp/pool-50000.json [runs]
 *     scores that instance as a round does (a matrix up to DENSE_PAIR_LIMIT pairs, rows above) and solves it `runs`
 *     times (default 1) in this process, printing each solve's CPU and wall time, passes, matched and total score.
 *     BENCH_LAYOUT=rows or dense forces the layout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { EntityManager } from '@mikro-orm/postgresql';
import { Program } from '@tandem/domain';
import { ProgramInstance, scoreProgram, solve } from '@tandem/matching';
import { loadProgramPool } from '@tandem/workflows';
import { TestTandem } from '../support/tandem';
import { importedProgram, poolCsv, seedLearning } from './bench-pool';

async function dump(size: number, file: string): Promise<void> {
  const tandem = await TestTandem.start({ env: { BODY_LIMIT: '50mb' } });
  try {
    const { apiKey: key } = await tandem.organization('Scale');
    const programId = await importedProgram(tandem, key, `Scale ${size}`, poolCsv(size));
    await seedLearning(tandem, programId);
    const em = tandem.get(EntityManager).fork();
    const program = await em.findOneOrFail(Program, { id: programId });
    const pool = await loadProgramPool(em, program, { now: new Date() });
    writeFileSync(file, JSON.stringify(pool.instance));
  } finally {
    await tandem.stop();
  }
}

function solveFile(file: string, runs: number): void {
  const instance = JSON.parse(readFileSync(file, 'utf8')) as ProgramInstance;
  const layout = process.env.BENCH_LAYOUT as 'dense' | 'rows' | undefined;
  for (let run = 0; run < runs; run++) {
    (globalThis as { gc?: () => void }).gc?.();
    const scored = scoreProgram(instance, layout ? { layout } : {});
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const solution = solve(scored.pairs, {
      objective: instance.objective ?? 'matched-then-score',
      minScore: instance.policy.minScore,
      pins: instance.pins,
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const rowsMs = scored.pairs.rows?.ms ?? 0;
    process.stdout.write(
      JSON.stringify({
        run,
        coachees: solution.stats.coachees,
        coaches: solution.stats.coaches,
        layout: scored.pairs.rows ? 'rows' : 'dense',
        allowedPairs: solution.stats.allowedPairs,
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        wallMs: Math.round(wallMs),
        rowScoringMs: Math.round(rowsMs),
        passes: solution.stats.rounds,
        pivots: solution.stats.searches,
        matched: solution.matched,
        totalWeight: solution.totalWeight,
        maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        load: loadavg()
          .map((x) => x.toFixed(2))
          .join(' '),
      }) + '\n',
    );
  }
}

async function main(): Promise<void> {
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'dump') return dump(Number(a), b);
  if (mode === 'solve') return solveFile(a, Number(b ?? 1));
  throw new Error('usage: solver.bench.js dump SIZE FILE | solve FILE [RUNS]');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
