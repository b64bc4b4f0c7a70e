import { EntityManager } from '@mikro-orm/postgresql';
import { SmtpSink } from './smtp-sink';
import { TestTandem } from './tandem';
import { waitFor } from './test-env';

/** The public URL the emails' links start with in these tests. */
export const PUBLIC_URL = 'https://tandem.test';

/** Options for `tandem.inject` that post a form like a browser does. */
export const form = { contentType: 'application/x-www-form-urlencoded' };
export const encode = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** The path of the first `/{kind}/{token}` link in an email's text. */
export function linkPath(text: string, kind: 'feedback' | 'rematch' | 'surveys' | 'sessions'): string {
  const match = new RegExp(`https?://\\S+(/${kind}/[A-Za-z0-9_-]{43})`).exec(text);
  if (!match) throw new Error(`no ${kind} link in: ${text}`);
  return match[1];
}

/**
 * A describe block's Tandem (api and worker in process) with its own SMTP sink and organization; the block starts it
 * in `beforeAll` and stops it in `afterAll`. Token pages are not rate-limited here: the tests open many links from one
 * address.
 */
export function mailScenario(env: Record<string, string> = {}) {
  const smtp = new SmtpSink();
  const scenario = {
    smtp,
    tandem: undefined as unknown as TestTandem,
    key: '',
    organizationId: '',
    db: () => scenario.tandem.get(EntityManager).fork(),
    mailTo: (email: string, subject: string) =>
      smtp.messages.filter((m) => m.to.includes(email) && m.subject.startsWith(subject)),
    waitMail: (email: string, subject: string, count = 1) =>
      waitFor(
        async () => (scenario.mailTo(email, subject).length >= count ? scenario.mailTo(email, subject) : undefined),
        `${count} × "${subject}" to ${email}`,
        30_000,
      ),
    /** For `beforeAll`. */
    start: async () => {
      await smtp.start();
      scenario.tandem = await TestTandem.start({
        env: { SMTP_URL: smtp.url, PUBLIC_URL, PAGE_RATE_LIMIT: '1000', ...env },
      });
      ({ apiKey: scenario.key, organizationId: scenario.organizationId } = await scenario.tandem.organization());
    },
    /** For `afterAll`. */
    stop: async () => {
      await scenario.tandem?.stop();
      await smtp.stop();
    },
  };

  return scenario;
}
