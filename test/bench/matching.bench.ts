/**
 * Matching benchmark (a script, not a timed test): `npm run bench:matching`.
 * Each instance runs in its own child process so peak memory (maxRSS) is per instance. Instances come from a
 * seeded PRNG, so every run solves the same pools. The sparse instance is also solved by LEMON's
 * NetworkSimplex (test/bench/lemon) when liblemon-dev and g++ are present; both time only the solve.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseInstance, ProgramInstance, scoreProgram, ScoredPairs, solve, SolverEngine } from '@tandem/matching';
import { seededRandom as prng } from '@tandem/matching/seeded-random';

const SKILLS = ['active_listening', 'empathy', 'emotional_intelligence', 'trust_building', 'clear_communication'];
const ZONES = [
  'Europe/Paris',
  'Europe/London',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'UTC',
];

const ids = (p: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => `${p}${String(i).padStart(5, '0')}`);

function denseInstance(): unknown {
  const r = prng(1);
  const n = 1500;
  const m = 300;
  return {
    kind: 'scores',
    coachees: ids('e', n),
    coaches: ids('c', m).map((id) => ({ id, capacity: 1 + Math.floor(r() * 8) })),
    scores: Array.from({ length: n }, () =>
      Array.from({ length: m }, () => (r() < 0.1 ? null : Math.round(r() * 100000) / 1000)),
    ),
  };
}

/** 10k coachees, 2k coaches, 50 distinct candidates each drawn with Zipf-like popularity; capacities 1-8. */
function sparseInstance(): unknown {
  const r = prng(2);
  const n = 10000;
  const m = 2000;
  const perm = Array.from({ length: m }, (_, j) => j);
  for (let j = m - 1; j > 0; j--) {
    const x = Math.floor(r() * (j + 1));
    [perm[j], perm[x]] = [perm[x], perm[j]];
  }
  // Popularity ~ 1/(rank+1)^0.8: a few coaches are everyone's candidates.
  const cdf = new Float64Array(m);
  let acc = 0;
  for (let j = 0; j < m; j++) cdf[j] = acc += 1 / Math.pow(j + 1, 0.8);
  const draw = (): number => {
    const u = r() * acc;
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return perm[lo];
  };
  const edges: [number, number, number][] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    seen.clear();
    while (seen.size < 50) {
      const j = draw();
      if (seen.has(j)) continue;
      seen.add(j);
      edges.push([i, j, Math.round((40 + r() * 60) * 1000) / 1000]);
    }
  }
  return {
    kind: 'scores',
    coachees: ids('e', n),
    coaches: ids('c', m).map((id) => ({ id, capacity: 1 + Math.floor(r() * 8) })),
    edges,
  };
}

/** The program pool of 10,000 coachees and 2,000 coaches (18.8 M allowed pairs), also the choice benchmark's. */
export function programInstance(): unknown {
  const r = prng(3);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const n = 10000;
  const m = 2000;
  const person = (id: string) => ({
    id,
    name: `${id} Person`,
    department: `d${Math.floor(r() * 40)}`,
    manager: `m${Math.floor(r() * 800)}`,
    level: Math.floor(r() * 6),
    timezone: pick(ZONES),
    languages:
      r() < 0.85 ? ['en'] : r() < 0.5 ? ['en', pick(['fr', 'de', 'es', 'ja'])] : [pick(['fr', 'de', 'es', 'ja'])],
  });
  const levels = () => Object.fromEntries(SKILLS.map((s) => [s, Math.floor(r() * 6)]));
  return {
    kind: 'program',
    policy: { forbidSameDepartment: true, forbidReportingLine: true, maxTimezoneGapHours: 8 },
    people: Array.from({ length: 800 }, (_, x) => ({ id: `m${x}`, manager: `m${Math.floor(x / 10)}` })),
    coaches: ids('c', m).map((id) => ({ ...person(id), capacity: 1 + Math.floor(r() * 8), strengths: levels() })),
    coachees: ids('e', n).map((id) => ({ ...person(id), needs: levels() })),
  };
}

interface Measure {
  instance: string;
  coachees: number;
  coaches: number;
  allowedPairs: number;
  scoringMs: number;
  solveMs: number;
  matched: number;
  totalScore: number;
  rounds: number;
  candidatePairs: number;
  maxRssMb: number;
  lemonMs?: number | null;
  lemonTotalScore?: number;
}

function writeLemonInput(pairs: ScoredPairs, file: string): void {
  const arcs = pairs.arcs;
  if (!arcs) throw new Error('LEMON input needs sparse arcs');
  const lines: string[] = [
    `${pairs.coacheeIds.length} ${pairs.coachIds.length} ${arcs.coach.length}`,
    Array.from(pairs.capacities).join(' '),
  ];
  for (let i = 0; i < pairs.coacheeIds.length; i++)
    for (let a = arcs.start[i]; a < arcs.start[i + 1]; a++) lines.push(`${i} ${arcs.coach[a]} ${arcs.weight[a]}`);
  writeFileSync(file, lines.join('\n') + '\n');
}

/** Runs one instance in this (child) process and prints its measures as JSON. */
function runInstance(name: string, objective: string): void {
  const now = () => performance.now();
  const raw = name === 'dense' ? denseInstance() : name === 'sparse' ? sparseInstance() : programInstance();
  // The generator's garbage is collected before the clock starts (LEMON reads its input before its timer too);
  // the parse's own garbage, and the solver's, are still timed.
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = now();
  const instance = parseInstance(raw);
  let pairs: ScoredPairs;
  let minScore = 0;
  if (instance.kind === 'program') {
    pairs = scoreProgram(instance as ProgramInstance).pairs;
    minScore = instance.policy.minScore;
  } else pairs = instance.pairs;
  const t1 = now();
  const engine = (process.env.MATCHING_ENGINE || undefined) as SolverEngine | undefined;
  const solution = solve(pairs, { objective: objective as 'matched-then-score', minScore, engine });
  const t2 = now();
  const result: Measure = {
    instance: objective === 'matched-then-score' ? name : `${name} (${objective})`,
    coachees: pairs.coacheeIds.length,
    coaches: pairs.coachIds.length,
    allowedPairs: solution.stats.allowedPairs,
    // For raw instances "scoring" is validating the file into typed arrays.
    scoringMs: t1 - t0,
    solveMs: t2 - t1,
    matched: solution.matched,
    totalScore: solution.totalWeight / 1000,
    rounds: solution.stats.rounds,
    candidatePairs: solution.stats.candidatePairs,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  if (name === 'sparse' && objective === 'matched-then-score') {
    const file = join(tmpdir(), 'tandem-bench-sparse.txt');
    writeLemonInput(pairs, file);
    result.lemonMs = null;
    const harness = lemonHarness();
    if (harness) {
      const out = JSON.parse(execFileSync(harness, [file], { encoding: 'utf8' })) as {
        solveMs: number;
        matched: number;
        totalWeight: number;
      };
      result.lemonMs = out.solveMs;
      result.lemonTotalScore = out.totalWeight / 1000;
      if (out.matched !== solution.matched || out.totalWeight !== solution.totalWeight) {
        process.stderr.write(
          `LEMON disagrees: ${JSON.stringify(out)} vs matched ${solution.matched}, weight ${solution.totalWeight}\n`,
        );
        process.exitCode = 1;
      }
    }
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

function lemonHarness(): string | null {
  const source = resolve(__dirname, '../../../test/bench/lemon/network-simplex.cpp');
  if (!existsSync('/usr/include/lemon/network_simplex.h') || !existsSync(source)) return null;
  const binary = join(tmpdir(), 'tandem-lemon-network-simplex');
  const built = spawnSync('g++', ['-O2', '-std=c++17', '-o', binary, source], { encoding: 'utf8' });
  if (built.status !== 0) {
    process.stderr.write(`could not compile the LEMON harness: ${built.stderr || built.error?.message}\n`);
    return null;
  }
  return binary;
}

function main(): void {
  const [mode, name, objective] = process.argv.slice(2);
  if (mode === '--child') return runInstance(name, objective);
  const runs: [string, string][] = [
    ['dense', 'matched-then-score'],
    ['dense', 'maximin-then-score'],
    ['sparse', 'matched-then-score'],
    ['sparse', 'score'],
    ['program', 'matched-then-score'],
  ];
  const results: Measure[] = [];
  for (const [instance, objective] of runs) {
    const child = spawnSync(
      process.execPath,
      ['--max-old-space-size=4096', '--expose-gc', __filename, '--child', instance, objective],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    if (child.stderr) process.stderr.write(child.stderr);
    if (child.status !== 0) throw new Error(`bench of ${instance} failed (exit ${child.status})`);
    results.push(JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as Measure);
  }
  const f = (x: number | null | undefined, d = 1): string => (x === null || x === undefined ? '-' : x.toFixed(d));
  const rows = results.map((r) => [
    r.instance,
    `${r.coachees} x ${r.coaches}`,
    String(r.allowedPairs),
    f(r.scoringMs),
    f(r.solveMs),
    f(r.scoringMs + r.solveMs),
    f(r.maxRssMb, 0),
    String(r.matched),
    f(r.totalScore, 3),
    `${r.rounds} / ${r.candidatePairs}`,
    r.lemonMs === undefined ? '' : r.lemonMs === null ? 'skipped' : `${f(r.lemonMs)} (x${f(r.solveMs / r.lemonMs, 2)})`,
  ]);
  const header = [
    'instance',
    'size',
    'pairs',
    'score ms',
    'solve ms',
    'total ms',
    'maxRSS MB',
    'matched',
    'total score',
    'rounds / pairs solved',
    'LEMON ms (ratio)',
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((c, x) => c.padEnd(widths[x])).join('  ');
  process.stdout.write([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n');
  if (results.some((r) => r.lemonMs === null))
    process.stdout.write('LEMON baseline skipped: liblemon-dev (or g++) is not installed.\n');
  // dist/ is already ignored by git, so results never end up committed by accident.
  const outDir = resolve(process.cwd(), 'dist', 'bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'matching.json'), JSON.stringify({ node: process.version, results }, null, 2) + '\n');
  process.stdout.write(`wrote ${join(outDir, 'matching.json')}\n`);
}

// A script when run, a generator when imported (bench:choice).
if (require.main === module) main();
