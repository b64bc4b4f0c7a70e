import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../cli-command';
import { matchCommand } from './match.command';

const dir = mkdtempSync(join(tmpdir(), 'tandem-match-'));
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    return { code: await matchCommand.run(args), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('match command', () => {
  const scores = {
    kind: 'scores',
    coachees: ['e1', 'e2'],
    coaches: [{ id: 'c1', capacity: 2 }],
    scores: [[87.5], [null]],
    minScore: 0,
    objective: 'matched-then-score',
  };

  it('solves the scores example of docs/design.md', async () => {
    const r = await run(['--input', file('scores.json', scores)]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out);
    expect(result).toMatchObject({
      pairs: [{ coachee: 'e1', coach: 'c1', score: 87.5 }],
      unmatched: [{ coachee: 'e2', reason: 'forbidden' }],
      matched: 1,
      totalScore: 87.5,
      objective: 'matched-then-score',
    });
    expect(typeof result.stats.solveMs).toBe('number');
  });

  it('solves sparse edges with an objective override', async () => {
    const edges = {
      kind: 'scores',
      coachees: ['a', 'b'],
      coaches: [
        { id: 'x', capacity: 1 },
        { id: 'y', capacity: 1 },
      ],
      edges: [
        [0, 0, 90],
        [0, 1, 10],
        [1, 0, 50],
      ],
    };
    const r = await run(['--input', file('edges.json', edges), '--objective', 'maximin-then-score']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ matched: 2, totalScore: 60, objective: 'maximin-then-score' });
  });

  it('solves program profiles with breakdowns', async () => {
    const program = {
      kind: 'program',
      coaches: [{ id: 'c1', capacity: 1, strengths: { empathy: 5 } }],
      coachees: [{ id: 'e1', name: 'Dana', needs: { empathy: 4 } }],
    };
    const r = await run(['--input', file('program.json', program)]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).pairs[0].breakdown.reasons[0]).toBe("strong in empathy, Dana's biggest need");
  });

  it('exits 2 naming the place of a malformed file', async () => {
    const bad = {
      kind: 'scores',
      coachees: ['e1'],
      coaches: [1, 2, 3].map((c) => ({ id: `c${c}`, capacity: 1 })).concat({ id: 'c4', capacity: -2 }),
      scores: [[1, 2, 3, 4]],
    };
    const r = await run(['--input', file('bad.json', bad)]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('coaches[3].capacity must be a whole number >= 0');
  });

  it('treats unreadable or non-JSON input and bad flags as usage errors', async () => {
    await expect(run(['--input', join(dir, 'missing.json')])).rejects.toThrow(UsageError);
    await expect(run(['--input', file('broken.json', '{ nope')])).rejects.toThrow('is not valid JSON');
    await expect(run(['--input', file('ok.json', scores), '--objective', 'best'])).rejects.toThrow(UsageError);
    await expect(run([])).rejects.toThrow('--input is required');
  });
});
