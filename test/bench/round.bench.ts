/**
 * bench:round: a program of N coachees and N/5 coaches in Postgres; a round launched through the API and timed to
 * `proposed` (load the pool, score, solve, store proposals with breakdowns), with the time the solver reports for itself
 * beside it. BENCH_SIZES=1000,2000,5000,10000 prints the growth table (time and memory per size).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { CSV_HEADER } from '../support/participants';
import { TestTandem } from '../support/tandem';

const SIZES = (process.env.BENCH_SIZES ?? '10000').split(',').map(Number);
const ZONES = ['Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'America/New_York', 'Asia/Kolkata'];

/** A deterministic pool: coaches strong in a few skills, coachees needing a few; a fifth of people are coaches. */
function poolCsv(coachees: number): string {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  const lines = [CSV_HEADER];
  const coaches = Math.round(coachees / 5);
  for (let i = 0; i < coaches + coachees; i++) {
    const coach = i < coaches;
    const skills = Array.from({ length: 5 }, () => String(rand(6)));
    lines.push(
      [
        coach ? 'coach' : 'coachee',
        `p${i}@scale.example`,
        `Person ${i}`,
        `Dept ${rand(40)}`,
        i >= coaches && rand(10) === 0 ? `p${rand(coaches)}@scale.example` : '',
        String(1 + rand(8)),
        ZONES[rand(ZONES.length)],
        rand(3) === 0 ? 'en;fr' : 'en',
        coach ? String(1 + rand(8)) : '',
        ...skills,
        coach ? '' : 'Lead with clarity',
        coach ? 'Experienced coach' : '',
      ].join(','),
    );
  }
  return lines.join('\n');
}

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main() {
  const tandem = await TestTandem.start({ env: { BODY_LIMIT: '50mb' } });
  const rows: Record<string, number | string>[] = [];
  try {
    const { apiKey: key } = await tandem.organization('Scale');
    for (const size of SIZES) {
      const program = await tandem.request('POST', '/api/v1/programs', { key, json: { name: `Scale ${size}` } });
      const imported = await tandem.request('POST', `/api/v1/programs/${program.body.id}/imports`, { key, body: poolCsv(size) });
      if (imported.status !== 202) throw new Error(`import refused: ${imported.text.slice(0, 300)}`);
      await until(async () => {
        const status = (await tandem.request('GET', `/api/v1/imports/${imported.body.id}`, { key })).body;
        if (status.status === 'failed') throw new Error('import failed');
        return status.status === 'succeeded' ? true : undefined;
      });
      const rssBefore = process.memoryUsage().rss;
      const started = performance.now();
      const launched = await tandem.request('POST', `/api/v1/programs/${program.body.id}/rounds`, { key });
      let peakRss = rssBefore;
      const round = await until(async () => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        const view = (await tandem.request('GET', `/api/v1/rounds/${launched.body.id}`, { key })).body;
        if (view.status === 'failed') throw new Error(`round failed: ${view.error}`);
        return view.status === 'proposed' ? view : undefined;
      });
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
