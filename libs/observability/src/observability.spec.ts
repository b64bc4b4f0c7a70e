import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkAllowList } from './cidr';
import { safePath } from './http-route';
import { renderJobMetrics } from './job-metrics';
import { redactText } from './logger';

describe('observability helpers', () => {
  it('takes emails, bearer credentials and Tandem secrets out of free text', () => {
    const text = redactText(
      '550 <jane.doe+x@example.co.uk> rejected; key tdm_AbCdEfGhIjKlMnOpQrStUv, Authorization: Bearer abc.def',
    );
    expect(text).not.toMatch(/jane|example\.co|tdm_AbC|abc\.def/);
    expect(text).toContain('[email]');
    expect(text).toContain('[secret]');
  });

  it('logs unmatched paths without tokens, ids or query strings', () => {
    expect(safePath('/offers/Zx9_secret-token?x=1')).toBe('/offers/:token');
    expect(safePath('/feedback/abc/accept')).toBe('/feedback/:token/accept');
    expect(safePath('/api/v1/programs/0b6c6c1e-6a57-4c39-9d2c-3c8a1f3e2b10?token=abc')).toBe('/api/v1/programs/:id');
    expect(safePath('/x/tdm_AAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe('/x/:token');
  });

  it('matches addresses against CIDR blocks, IPv4-mapped IPv6 included', () => {
    const list = new NetworkAllowList(['10.0.0.0/8', '127.0.0.1', '::1/128']);
    expect(list.allows('10.3.4.5')).toBe(true);
    expect(list.allows('::ffff:127.0.0.1')).toBe(true);
    expect(list.allows('::1')).toBe(true);
    expect(list.allows('11.0.0.1')).toBe(false);
    expect(list.allows(undefined)).toBe(false);
    expect(new NetworkAllowList([]).allows('127.0.0.1')).toBe(false);
  });

  it('renders the shared job counters as a cumulative histogram and failure counters', () => {
    const s = '\u001f';
    const text = renderJobMetrics({
      [`count${s}email${s}email.send${s}completed`]: '2',
      [`sum${s}email${s}email.send${s}completed`]: '0.3',
      [`bucket${s}email${s}email.send${s}completed${s}0.25`]: '1',
      [`bucket${s}email${s}email.send${s}completed${s}0.5`]: '2',
      [`count${s}email${s}email.send${s}retrying`]: '3',
      [`count${s}email${s}email.send${s}failed`]: '1',
    });
    expect(text).toContain(
      'tandem_job_duration_seconds_bucket{queue="email",name="email.send",outcome="completed",le="0.1"} 0',
    );
    expect(text).toContain(
      'tandem_job_duration_seconds_bucket{queue="email",name="email.send",outcome="completed",le="0.5"} 2',
    );
    expect(text).toContain(
      'tandem_job_duration_seconds_bucket{queue="email",name="email.send",outcome="completed",le="+Inf"} 2',
    );
    expect(text).toContain('tandem_job_failures_total{queue="email",name="email.send"} 4');
    expect(text).toContain('tandem_jobs_failed_for_good_total{queue="email",name="email.send"} 1');
  });

  describe("a buffered logger (the worker's)", () => {
    const built = join(__dirname, '..', '..', '..', 'dist', 'libs', 'observability', 'src', 'logger.js');

    /** Runs `script` in a node process with `createLogger` from the build; collects stdout lines as they arrive. */
    function run(script: string) {
      if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" first (npm test does)`);
      const child = spawn(
        process.execPath,
        ['-e', `const { createLogger } = require(${JSON.stringify(built)});\n${script}`],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const lines: { line: Record<string, unknown>; alive: boolean }[] = [];
      let rest = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const parts = (rest + chunk.toString()).split('\n');
        rest = parts.pop()!;
        for (const part of parts)
          lines.push({ line: JSON.parse(part) as Record<string, unknown>, alive: child.exitCode === null });
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      return { lines, closed };
    }

    it('writes a line while the process runs on, without waiting for more lines', async () => {
      const { lines, closed } = run(`
        const logger = createLogger({ logLevel: 'info' }, 'worker', { buffered: true });
        logger.info({ jobId: 'j1' }, 'job completed');
        setTimeout(() => process.exit(0), 3000);
      `);
      const deadline = Date.now() + 2500;
      while (lines.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ alive: true, line: { jobId: 'j1', msg: 'job completed', service: 'worker' } });
      expect(await closed).toBe(0);
    });

    it('writes every line still held when the process exits', async () => {
      const { lines, closed } = run(`
        const logger = createLogger({ logLevel: 'info' }, 'worker', { buffered: true });
        for (let n = 0; n < 5000; n++) logger.info({ n }, 'job completed');
        process.exit(0);
      `);
      expect(await closed).toBe(0);
      expect(lines.map(({ line }) => line.n)).toEqual(Array.from({ length: 5000 }, (_, n) => n));
    });
  });
});
