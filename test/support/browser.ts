import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { freePort } from './processes';
import { SmtpSink } from './smtp-sink';
import { TestTandem } from './tandem';

/** Debian's Chromium (installed by .ci/run); playwright-core downloads no browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Where page screenshots go (gitignored; CI keeps them as artifacts). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** Headless Chromium with a fresh profile of its own, removed on close. */
export class TestBrowser {
  private constructor(
    readonly context: BrowserContext,
    private readonly profile: string,
  ) {}

  static async launch(): Promise<TestBrowser> {
    const profile = mkdtempSync(join(tmpdir(), 'tandem-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    return new TestBrowser(context, profile);
  }

  /** A new tab that records script errors, CSP violations and dialogs (an escaped page never opens one). */
  async page(): Promise<{ page: Page; errors: string[] }> {
    const page = await this.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (message) => {
      // A 4xx page (a refused form answers 422) is logged as a failed load; script errors and CSP violations are not.
      if (
        message.type() === 'error' &&
        !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())
      )
        errors.push(message.text());
    });
    page.on('dialog', (dialog) => {
      errors.push(`a dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });
    return { page, errors };
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** Saves a full-page screenshot under test-artifacts/screenshots. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on the page (evaluated through the devtools protocol, so a page's CSP needs no exception) and fails on
 * any serious or critical violation, naming the rule and the elements (an Error: this file is built without jest).
 */
export async function accessible(page: Page, what: string): Promise<void> {
  await page.evaluate(AXE);
  const found = await page.evaluate<{ id: string; impact: string; nodes: string[] }[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })))`,
  );
  if (found.length > 0) throw new Error(`${what}: accessibility violations ${JSON.stringify(found, null, 2)}`);
}

/** Fails the test on any document wider than the window (the page scrolls sideways). */
export async function noOverflow(page: Page, what: string): Promise<void> {
  const [scroll, client] = await page.evaluate<[number, number]>(
    '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
  );
  if (scroll > client) throw new Error(`${what}: the page is ${scroll} px wide in a ${client} px window`);
}

/**
 * What a browser test opens: a Tandem (api and worker in this process) listening on a free local port, with its links
 * built from that address, an SMTP sink of its own, and token pages not rate-limited (a test opens many from one
 * address). The test stops both in `afterAll`.
 */
export async function listeningTandem(): Promise<{ sink: SmtpSink; tandem: TestTandem; origin: string }> {
  const sink = new SmtpSink();
  await sink.start();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const tandem = await TestTandem.start({ env: { SMTP_URL: sink.url, PUBLIC_URL: origin, PAGE_RATE_LIMIT: '1000' } });
  await tandem.api.listen(port, '127.0.0.1');
  return { sink, tandem, origin };
}
