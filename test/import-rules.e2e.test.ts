import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The import rules of eslint.config.mjs (checked on the whole tree by `npm run lint`) refuse what the layering forbids
 * and allow what it permits: each case is linted as if it were a file at that path.
 */
const CASES: { file: string; source: string; refused: boolean }[] = [
  { file: 'libs/domain/src/probe.ts', source: `import { RoundsService } from '@tandem/workflows';`, refused: true },
  {
    file: 'libs/mail/src/probe.ts',
    source: `import { WAITING_SQL } from '@tandem/workflows/pairing/waitlist';`,
    refused: true,
  },
  { file: 'libs/queues/src/probe.ts', source: `import { writeOutbox } from '@tandem/mail';`, refused: true },
  { file: 'libs/config/src/probe.ts', source: `import { Clock } from '@tandem/domain';`, refused: true },
  { file: 'libs/matching/src/probe.ts', source: `import { loadConfig } from '@tandem/config';`, refused: true },
  { file: 'libs/workflows/src/probe.ts', source: `import { WorkerModule } from '@tandem/worker';`, refused: true },
  { file: 'libs/mail/src/probe.ts', source: `import { hashSecret } from '../../domain/src/secrets';`, refused: true },
  {
    file: 'apps/cli/src/probe.ts',
    source: `import { WorkerModule } from '../../worker/src/worker.module';`,
    refused: true,
  },
  {
    file: 'libs/workflows/src/cadence/probe.ts',
    source: `import { riskReasons } from '../risk/risk-rules';`,
    refused: true,
  },
  {
    file: 'libs/workflows/src/completion/probe.ts',
    source: `import { FeedbackService } from '../feedback/feedback.service';`,
    refused: true,
  },
  {
    file: 'libs/workflows/src/pairing/probe.ts',
    source: `import { RoundsService } from '../rounds/rounds.service';`,
    refused: true,
  },
  {
    file: 'libs/workflows/src/feedback/probe.ts',
    source: `import { loadProgramPool } from '../rounds/program-pool';`,
    refused: true,
  },
  {
    file: 'libs/workflows/src/webhooks/probe.ts',
    source: `import { OffersService } from '../pairing/offers.service';`,
    refused: true,
  },
  {
    file: 'libs/workflows/src/rounds/probe.ts',
    source: `import { OffersService } from '../pairing/offers.service';`,
    refused: false,
  },
  {
    file: 'libs/workflows/src/scim/probe.ts',
    source: `import { IntakeService } from '../intake/intake.service';`,
    refused: false,
  },
  { file: 'libs/mail/src/probe.ts', source: `import { hashSecret } from '@tandem/domain';`, refused: false },
  {
    file: 'libs/workflows/src/risk/probe.ts',
    source: `import { calendarFile } from '../cadence/ics';`,
    refused: false,
  },
  {
    file: 'libs/workflows/src/feedback/probe.ts',
    source: `import { CompletionService } from '../completion/completion.service';`,
    refused: false,
  },
  { file: 'apps/cli/src/probe.ts', source: `import { WorkerModule } from '@tandem/worker';`, refused: false },
];

/** Lints every case in one node process (the config is an ES module, which jest's runtime does not load). */
function lint(cases: typeof CASES): { file: string; messages: { ruleId: string | null; message: string }[] }[] {
  const script = `
    const { ESLint } = require('eslint');
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const cases = JSON.parse(process.argv[1]);
      const out = [];
      for (const c of cases) {
        const [result] = await eslint.lintText(c.source + '\\nexport const used = [' + c.source.match(/{ (\\w+) }/)[1] + '];\\n', { filePath: c.file });
        out.push({ file: c.file, messages: result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message })) });
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((err) => { process.stderr.write(String(err.stack)); process.exit(1); });`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
    }),
  );
}

describe('import rules', () => {
  it('refuse an import against the layering and allow the ones it permits', () => {
    const results = lint(CASES);
    const verdicts = results.map((r, i) => ({
      file: r.file,
      source: CASES[i].source,
      refused: r.messages.some((m) => m.ruleId === 'no-restricted-imports'),
    }));
    expect(verdicts).toEqual(CASES.map(({ file, source, refused }) => ({ file, source, refused })));
    // Nothing else fires on the probes: the verdicts are the import rules' alone.
    expect(results.flatMap((r) => r.messages.filter((m) => m.ruleId !== 'no-restricted-imports'))).toEqual([]);
  });
});
