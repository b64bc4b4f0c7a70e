import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The import rules of eslint.config.mjs (checked on the whole tree by `npm run lint`) refuse what the layering forbids
 * and allow what it permits: each case is linted as if it were a file at that path.
 */
/** A file that would import `source`: its path and the import line. */
type Probe = [file: string, source: string];

/** Imports against the layering. */
const REFUSED: Probe[] = [
  ['libs/domain/src/probe.ts', `import { RoundsService } from '@tandem/workflows';`],
  ['libs/mail/src/probe.ts', `import { WAITING_SQL } from '@tandem/workflows/pairing/waitlist';`],
  ['libs/queues/src/probe.ts', `import { writeOutbox } from '@tandem/mail';`],
  ['libs/config/src/probe.ts', `import { Clock } from '@tandem/domain';`],
  ['libs/matching/src/probe.ts', `import { loadConfig } from '@tandem/config';`],
  ['libs/workflows/src/probe.ts', `import { WorkerModule } from '@tandem/worker';`],
  ['libs/mail/src/probe.ts', `import { hashSecret } from '../../domain/src/secrets';`],
  ['apps/cli/src/probe.ts', `import { WorkerModule } from '../../worker/src/worker.module';`],
  ['libs/workflows/src/cadence/probe.ts', `import { riskReasons } from '../risk/risk-rules';`],
  ['libs/workflows/src/completion/probe.ts', `import { FeedbackService } from '../feedback/feedback.service';`],
  ['libs/workflows/src/pairing/probe.ts', `import { RoundsService } from '../rounds/rounds.service';`],
  ['libs/workflows/src/feedback/probe.ts', `import { loadProgramPool } from '../rounds/program-pool';`],
  ['libs/workflows/src/webhooks/probe.ts', `import { OffersService } from '../pairing/offers.service';`],
];

/** Imports the layering permits. */
const ALLOWED: Probe[] = [
  ['libs/workflows/src/rounds/probe.ts', `import { OffersService } from '../pairing/offers.service';`],
  ['libs/workflows/src/scim/probe.ts', `import { IntakeService } from '../intake/intake.service';`],
  ['libs/mail/src/probe.ts', `import { hashSecret } from '@tandem/domain';`],
  ['libs/workflows/src/risk/probe.ts', `import { calendarFile } from '../cadence/ics';`],
  ['libs/workflows/src/feedback/probe.ts', `import { CompletionService } from '../completion/completion.service';`],
  ['apps/cli/src/probe.ts', `import { WorkerModule } from '@tandem/worker';`],
];

const CASES: { file: string; source: string; refused: boolean }[] = [
  ...REFUSED.map(([file, source]) => ({ file, source, refused: true })),
  ...ALLOWED.map(([file, source]) => ({ file, source, refused: false })),
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
