/**
 * Choice-list benchmark (a script, not a timed test): `npm run bench:choice`. A `choose` round solves the same exact
 * assignment as an `assign` round, then builds each coachee's short list (`choiceLists`). This measures, on the program
 * pool of 10,000 coachees and 2,000 coaches, what the lists add to scoring and solving, in CPU time, over
 * BENCH_RUNS alternated runs (default 3), and what the lists hold.
 */
import { choiceLists, parseInstance, type ProgramInstance, scoreProgram, solve } from '@tandem/matching';
import { programInstance } from './matching.bench';

const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const instance = parseInstance(programInstance()) as ProgramInstance;
  const assign: number[] = [];
  const lists: number[] = [];
  let summary = '';
  for (let run = 0; run < runs; run++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = process.cpuUsage();
    const scored = scoreProgram(instance);
    const solution = solve(scored.pairs, { objective: 'matched-then-score', minScore: instance.policy.minScore });
    assign.push(cpuMs(t0));
    const t1 = process.cpuUsage();
    const { strengthPoints, skillCount } = scored.context;
    const chosen = choiceLists(scored.pairs, solution, {
      length: 3,
      profileOf: (k) => strengthPoints.subarray(k * skillCount, (k + 1) * skillCount),
    });
    lists.push(cpuMs(t1));
    const n = scored.pairs.coacheeIds.length;
    let entries = 0;
    let full = 0;
    for (let i = 0; i < n; i++) {
      if (solution.coachOf[i] < 0) continue;
      let size = 0;
      for (let r = 0; r < chosen.length; r++) if (chosen.coach[i * chosen.length + r] >= 0) size++;
      entries += size;
      if (size === chosen.length) full++;
    }
    summary = `${solution.matched} lists, ${(entries / solution.matched).toFixed(2)} entries each on average, ${full} of 3`;
    process.stdout.write(
      `run ${run + 1}: assign (score + solve) ${assign[run].toFixed(0)} ms CPU, lists ${lists[run].toFixed(0)} ms CPU\n`,
    );
  }
  const a = median(assign);
  const l = median(lists);
  process.stdout.write(
    `median of ${runs}: assign ${a.toFixed(0)} ms, choose ${(a + l).toFixed(0)} ms (x${((a + l) / a).toFixed(3)}); ${summary}\n`,
  );
}

main();
