/**
 * bench:round: a program of N coachees and N/5 coaches in Postgres; a round launched through the API and timed to
 * `proposed` (load the pool, score, solve, store proposals with breakdowns), with the time the solver reports for itself
 * beside it. BENCH_SIZES=1000,2000,5000,10000 prints the growth table (time and memory per size).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { importedProgram, poolCsv, proposedRound } from './bench-pool';
import { TestTandem } from '../support/tandem';

const SIZES = (process.env.BENCH_SIZES ?? '10000').split(',').map(Number);
async function main() {
  const tandem = await TestTandem.start({ env: { BODY_LIMIT: '50mb' } });
  const rows: Record<string, number | string>[] = [];
  try {
    const { apiKey: key } = await tandem.organization('Scale');
    for (const size of SIZES) {
      const programId = await importedProgram(tandem, key, `Scale ${size}`, poolCsv(size));
      const rssBefore = process.memoryUsage().rss;
      let peakRss = rssBefore;
      const started = performance.now();
      const round = await proposedRound(tandem, key, programId, () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)));
      const totalMs = performance.now() - started;
      rows.push({
        coachees: size,
        coaches: Math.round(size / 5),
        'round ms (API to proposed)': Math.round(totalMs),
        'scoring ms': round.stats.scoringMs,
        'solve ms': round.stats.solveMs,
        'load ms': round.stats.loadMs,
        'store ms': round.stats.storeMs,
        // Queueing, progress updates, the final update and commit, and this script's 20 ms polling.
        'other ms': Math.round(totalMs - round.stats.scoringMs - round.stats.solveMs - round.stats.loadMs - round.stats.storeMs),
        matched: round.matched,
        'peak RSS MB': Math.round(peakRss / 2 ** 20),
      });
    }
  } finally {
    await tandem.stop();
  }
  console.table(rows);
  console.log(`cores: ${cpus().length}; target at 10,000 x 2,000: under 5000 ms from launch to proposed`);
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'round.json'), JSON.stringify({ cores: cpus().length, rows }, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
