import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** A client the provider knows (a confidential web application). */
export interface OidcClient {
  client_id: string;
  client_secret: string;
  redirect_uris: string[];
}

/**
 * A real OpenID Connect provider (`oidc-provider`, ES modules only, so it runs as a child process of its own:
 * test/support/oidc-provider.mjs) on a local port. It signs in the account named by the request's login hint without
 * a form; `accounts` maps each hint to its claims.
 */
export class OidcProvider {
  issuer = '';
  private child?: ChildProcess;
  private stderr = '';

  constructor(private readonly setup: { clients: OidcClient[]; accounts: Record<string, Record<string, unknown>> }) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs'), JSON.stringify(this.setup)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString('utf8')).slice(-4000)));
    this.issuer = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line && out.includes('\n')) resolve((JSON.parse(line) as { issuer: string }).issuer);
      });
      child.once('exit', (code) => reject(new Error(`the OpenID provider exited (${code}): ${this.stderr}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** Makes every authorization code issued so far expired; answers how many there were. */
  async expireCodes(): Promise<number> {
    const answer = await fetch(`${this.issuer}/test/expire-codes`, { method: 'POST' });
    return ((await answer.json()) as { expired: number }).expired;
  }

  /** Makes the next ID tokens name another audience (a client id), or, without one, their own again. */
  async forceAudience(clientId?: string): Promise<void> {
    await fetch(`${this.issuer}/test/audience${clientId ? `?value=${encodeURIComponent(clientId)}` : ''}`, {
      method: 'POST',
    });
  }

  /**
   * Plays the browser at the provider: follows its redirects from an authorization URL, with the provider's cookies,
   * until it sends the browser to `redirectPrefix`; answers that URL (the callback with its code and state).
   */
  async authorize(url: string, redirectPrefix: string): Promise<URL> {
    const jar = new Map<string, string>();
    let next = url;
    for (let hop = 0; hop < 10; hop++) {
      if (next.startsWith(redirectPrefix)) return new URL(next);
      const answer = await fetch(next, {
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of answer.headers.getSetCookie()) {
        const pair = line.split(';')[0];
        jar.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      }
      const location = answer.headers.get('location');
      if (answer.status < 300 || answer.status >= 400 || !location)
        throw new Error(
          `the provider answered ${answer.status} at ${new URL(next).pathname}: ${(await answer.text()).slice(0, 300)}`,
        );
      next = new URL(location, next).href;
    }
    throw new Error('the provider redirected more than 10 times');
  }
}
