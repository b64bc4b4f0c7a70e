import { rawQuery } from '@tandem/domain';
import { inviteAdmin } from '@tandem/workflows';
import { EntityManager } from '@mikro-orm/postgresql';
import type { SmtpSink } from './smtp-sink';
import type { Answer, TestTandem } from './tandem';
import { waitFor } from './test-env';

/** The sign-in link in an email text. */
export function signInLink(text: string): string {
  const match = /(https?:\/\/\S+\/console\/signin\/[A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`no sign-in link in: ${text}`);
  return match[1];
}

/** The CSRF token of the first form on a page. */
export function csrfOf(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error('no CSRF field on the page');
  return match[1];
}

/** A browser-like client of the console: keeps its cookies, posts forms (urlencoded). */
export class ConsoleClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly tandem: TestTandem) {}

  async get(url: string): Promise<Answer> {
    return this.send('GET', url);
  }

  /** Posts a form; `_csrf` is taken from `page` unless the fields carry one. */
  async post(url: string, fields: Record<string, string>, page?: string): Promise<Answer> {
    const form = new URLSearchParams(page && fields._csrf === undefined ? { _csrf: csrfOf(page), ...fields } : fields);
    return this.send('POST', url, form.toString());
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Signs in as `email` (already an admin) through the emailed link; answers the programs page. */
  async signIn(email: string, sink: SmtpSink): Promise<Answer> {
    // Emails still on their way (an earlier test's sign-in links) must not be taken for this one.
    await waitFor(async () => {
      const [{ n }] = await rawQuery<{ n: number }>(
        this.tandem.get(EntityManager).fork(),
        `select count(*)::int as n from outbox_message where status in ('pending', 'sending')`,
      );
      return n === 0 ? true : undefined;
    }, 'the outbox to drain');
    const form = await this.get('/console/signin');
    const before = sink.messages.length;
    const sent = await this.post('/console/signin', { email }, form.text);
    if (sent.status !== 200) throw new Error(`sign-in request: ${sent.status} ${sent.text}`);
    const mail = await waitFor(
      async () => sink.messages.slice(before).find((m) => m.to.includes(email) && m.subject.includes('sign-in')),
      'the sign-in email',
    );
    const path = new URL(signInLink(mail.text)).pathname;
    const confirm = await this.get(path);
    const signedIn = await this.post(path, {}, confirm.text);
    if (signedIn.status !== 303) throw new Error(`sign-in: ${signedIn.status} ${signedIn.text}`);
    return this.get(signedIn.headers.location as string);
  }

  private async send(method: string, url: string, payload?: string): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (payload !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const answer = await this.tandem.request(method, url, {
      headers,
      ...(payload !== undefined ? { body: payload, contentType: 'application/x-www-form-urlencoded' } : {}),
    });
    const setCookie = answer.headers['set-cookie'];
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (attributes.some((a) => a.toLowerCase() === 'max-age=0') || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return answer;
  }
}

/** Creates an organization with an admin of the console. */
export async function consoleOrganization(tandem: TestTandem, name: string, email: string) {
  const org = await tandem.organization(name);
  await inviteAdmin(tandem.get(EntityManager), org.organizationId, email);
  return org;
}
