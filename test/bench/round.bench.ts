/**
 * bench:round: a program of N coachees and N/5 coaches in Postgres; a round launched through the API and timed to
 * `proposed` (load the pool, score, solve, store proposals with breakdowns), with the time the solver reports for itself
 * beside it. BENCH_SIZES=1000,2000,5000,10000 prints the growth table (time and memory per size). BENCH_LEMON=1 also
 * solves each round's allowed pairs (all of them, 18.8 million at 10,000 x 2,000) with LEMON's NetworkSimplex and
 * checks it finds the same number matched and total score (needs liblemon-dev and g++, about 2 GB and a few minutes).
 * Every coach has person-level estimates in every skill (coach_learning, as feedback would leave them), so the round
 * loads and calibrates them; BENCH_LEARNING=0 leaves them out. BENCH_COMPARE_RUNS=N (default 3 at 10,000 x 2,000
 * and below) then times N more rounds of the same program without estimates and N with them, interleaved, and prints
 * both medians and their ratio: the cost of person-level learning, measured in the same run. 0 skips it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { Program, rawQuery } from '@tandem/domain';
import { scoreProgram, SCORE_SCALE } from '@tandem/matching';
import { loadProgramPool } from '@tandem/workflows';
import { TestTandem } from '../support/tandem';
import { importedProgram, poolCsv, proposedRound, seedLearning } from './bench-pool';

const SIZES = (process.env.BENCH_SIZES ?? '10000').split(',').map(Number);
const LEMON = process.env.BENCH_LEMON === '1';
const LEARNING = process.env.BENCH_LEARNING !== '0';
const COMPARE_RUNS = Number(process.env.BENCH_COMPARE_RUNS ?? 3);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The round's time to proposed without and with person-level estimates, runs interleaved (without, with, without,
 * ...) so that a slow patch of the machine touches both: the estimates are deleted and seeded again between runs.
 */
async function learningCost(tandem: TestTandem, key: string, programId: string, runs: number) {
  const without: number[] = [];
  const withEstimates: number[] = [];
  const em = () => tandem.get(EntityManager).fork();
  for (let r = 0; r < runs; r++) {
    await rawQuery(
      em(),
      `delete from coach_learning where person_id in (select person_id from enrollment where program_id = ?)`,
      [programId],
    );
    let started = performance.now();
    await proposedRound(tandem, key, programId);
    without.push(performance.now() - started);
    await seedLearning(tandem, programId);
    started = performance.now();
    await proposedRound(tandem, key, programId);
    withEstimates.push(performance.now() - started);
  }
  return { without, withEstimates };
}

/** Compiles test/bench/lemon (LEMON's NetworkSimplex) once; null when liblemon-dev or g++ is missing. */
function lemonHarness(): string | null {
  const source = resolve(__dirname, '../../../test/bench/lemon/network-simplex.cpp');
  if (!existsSync('/usr/include/lemon/network_simplex.h') || !existsSync(source)) return null;
  const binary = join(tmpdir(), 'tandem-lemon-network-simplex');
  const built = spawnSync('g++', ['-O2', '-std=c++17', '-o', binary, source], { encoding: 'utf8' });
  return built.status === 0 ? binary : null;
}

/**
 * Solves the round's pairs with LEMON: the pool loaded and scored again as the round did, every allowed pair (at or
 * above the program's minimum score) written out, and LEMON's own timing of NetworkSimplex.run() read back.
 */
async function lemonSolve(
  tandem: TestTandem,
  programId: string,
): Promise<{ solveMs: number; matched: number; totalWeight: number; pairs: number } | null> {
  const harness = lemonHarness();
  if (!harness) return null;
  const em = tandem.get(EntityManager).fork();
  const program = await em.findOneOrFail(Program, { id: programId });
  const pool = await loadProgramPool(em, program, { now: new Date() });
  const { pairs } = scoreProgram(pool.instance);
  const n = pairs.coacheeIds.length;
  const m = pairs.coachIds.length;
  // A large pool has no dense matrix (ScoredPairs.rows): each row is scored when written.
  const row = new Int32Array(m);
  const rowOf = (i: number): Int32Array => {
    if (pairs.dense) return pairs.dense.subarray(i * m, i * m + m);
    pairs.rows!.scoreRow(i, row, 0);
    return row;
  };
  const minWeight = Math.round(pool.instance.policy.minScore * SCORE_SCALE);
  const file = join(tmpdir(), `tandem-bench-round-${process.pid}.txt`);
  const lines: string[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const weights = rowOf(i);
    for (let k = 0; k < m; k++) if (weights[k] >= 0 && weights[k] >= minWeight) count++;
  }
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, `${n} ${m} ${count}\n${Array.from(pairs.capacities).join(' ')}\n`);
    for (let i = 0; i < n; i++) {
      const weights = rowOf(i);
      for (let k = 0; k < m; k++) {
        const w = weights[k];
        if (w >= 0 && w >= minWeight) lines.push(`${i} ${k} ${w}`);
      }
      if (lines.length > 100_000) writeSync(fd, lines.splice(0).join('\n') + '\n');
    }
    if (lines.length > 0) writeSync(fd, lines.join('\n') + '\n');
  } finally {
    closeSync(fd);
  }
  try {
    return { ...JSON.parse(execFileSync(harness, [file], { encoding: 'utf8', maxBuffer: 1 << 20 })), pairs: count };
  } finally {
    unlinkSync(file);
  }
}

async function main() {
  const tandem = await TestTandem.start({ env: { BODY_LIMIT: '50mb' } });
  const rows: Record<string, number | string>[] = [];
  const costs: Record<string, number | string>[] = [];
  try {
    const { apiKey: key } = await tandem.organization('Scale');
    for (const size of SIZES) {
      const programId = await importedProgram(tandem, key, `Scale ${size}`, poolCsv(size));
      if (LEARNING) await seedLearning(tandem, programId);
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      const started = performance.now();
      const round = await proposedRound(
        tandem,
        key,
        programId,
        () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
      );
      const totalMs = performance.now() - started;
      const lemon = LEMON ? await lemonSolve(tandem, programId) : undefined;
      if (
        lemon &&
        (lemon.matched !== round.matched || lemon.totalWeight !== Math.round(round.totalScore * SCORE_SCALE))
      ) {
        throw new Error(
          `LEMON disagrees: ${JSON.stringify(lemon)} vs matched ${round.matched}, total score ${round.totalScore}`,
        );
      }
      rows.push({
        coachees: size,
        coaches: Math.round(size / 5),
        'allowed pairs': round.stats.allowedPairs,
        'round ms (API to proposed)': Math.round(totalMs),
        'scoring ms': round.stats.scoringMs,
        'solve ms': round.stats.solveMs,
        'load ms': round.stats.loadMs,
        'store ms': round.stats.storeMs,
        // Queueing, progress updates, the final update and commit, and this script's 20 ms polling.
        'other ms': Math.round(
          totalMs - round.stats.scoringMs - round.stats.solveMs - round.stats.loadMs - round.stats.storeMs,
        ),
        ...(lemon
          ? {
              'LEMON solve ms': Math.round(lemon.solveMs),
              'solve / LEMON': Math.round((round.stats.solveMs / lemon.solveMs) * 100) / 100,
            }
          : {}),
        matched: round.matched,
        'total score': round.totalScore,
        'peak RSS MB': Math.round(peakRss / 2 ** 20),
      });
      if (COMPARE_RUNS > 0 && size <= 10_000) {
        const { without, withEstimates } = await learningCost(tandem, key, programId, COMPARE_RUNS);
        costs.push({
          coachees: size,
          runs: COMPARE_RUNS,
          'without estimates ms (median)': Math.round(median(without)),
          'with estimates ms (median)': Math.round(median(withEstimates)),
          'with / without': Math.round((median(withEstimates) / median(without)) * 1000) / 1000,
          'all without': without.map(Math.round).join(' '),
          'all with': withEstimates.map(Math.round).join(' '),
        });
      }
    }
  } finally {
    await tandem.stop();
  }
  console.table(rows);
  console.log(`cores: ${cpus().length}; target at 10,000 x 2,000: under 5000 ms from launch to proposed`);
  if (costs.length > 0) {
    console.log('The cost of person-level estimates (the same program, rounds interleaved without and with them):');
    console.table(costs);
    console.log('target: with / without at most 1.10');
  }
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'round.json'), JSON.stringify({ cores: cpus().length, rows, learningCost: costs }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
