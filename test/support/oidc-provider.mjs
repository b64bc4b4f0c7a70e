// A real OpenID Connect provider (the `oidc-provider` package) for the single sign-on tests and the docs' example.
// Started as a child process: `node test/support/oidc-provider.mjs '<setup JSON>'`, it listens on 127.0.0.1 (the port
// of the setup, or any free one) and prints one line of JSON, `{"issuer":"http://127.0.0.1:<port>"}`, once ready.
//
// Setup JSON: { port?, clients: [{ client_id, client_secret, redirect_uris }], accounts: { <login hint>: claims } }.
// There is no login form: the interaction signs in the account named by the authorization request's `login_hint`
// (an unknown hint ends the request with `access_denied`) and grants the scopes asked for.
// Test controls, on the same port: POST /test/expire-codes makes every authorization code issued so far expired;
// POST /test/audience?value=<client id> makes the next ID tokens carry that audience (signed with the provider's own
// key, as a provider mixing up its clients would); POST /test/audience resets it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { SignJWT, decodeJwt, importJWK } from 'jose';
import Provider from 'oidc-provider';

const setup = JSON.parse(process.argv[2] ?? '{}');
const accounts = setup.accounts ?? {};

/** Every model's rows in one Map, so that the controls can reach the authorization codes. */
const rows = new Map();
const key = (model, id) => `${model}:${id}`;
class TestAdapter {
  constructor(model) {
    this.model = model;
  }
  async upsert(id, payload, expiresIn) {
    rows.set(key(this.model, id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
  }
  async find(id) {
    const row = rows.get(key(this.model, id));
    return row && row.expiresAt > Date.now() ? row.payload : undefined;
  }
  async findByUid(uid) {
    for (const [k, row] of rows)
      if (k.startsWith(`${this.model}:`) && row.payload.uid === uid && row.expiresAt > Date.now()) return row.payload;
    return undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async consume(id) {
    const row = rows.get(key(this.model, id));
    if (row) row.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    rows.delete(key(this.model, id));
  }
  async revokeByGrantId(grantId) {
    for (const [k, row] of rows) if (row.payload.grantId === grantId) rows.delete(k);
  }
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };
const signingKey = await importJWK(jwk, 'RS256');
let forcedAudience;

const server = createServer();
await new Promise((resolve) => server.listen(setup.port ?? 0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: setup.clients ?? [],
  adapter: TestAdapter,
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
  findAccount: (ctx, id) =>
    accounts[id] ? { accountId: id, claims: async () => ({ sub: id, ...accounts[id] }) } : undefined,
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // A first-party provider: every scope asked for is granted without a consent page.
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope ?? 'openid');
    await grant.save();
    return grant;
  },
});
const callback = provider.callback();

server.on('request', async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    if (req.method === 'POST' && url.pathname === '/test/expire-codes') {
      let expired = 0;
      for (const [k, row] of rows) {
        if (!k.startsWith('AuthorizationCode:')) continue;
        row.payload.exp = Math.floor(Date.now() / 1000) - 1;
        row.expiresAt = Date.now() - 1;
        expired++;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ expired }));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/test/audience') {
      forcedAudience = url.searchParams.get('value') ?? undefined;
      res.writeHead(204).end();
      return;
    }
    const interaction = /^\/interaction\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && interaction) {
      const details = await provider.interactionDetails(req, res);
      const hint = details.params.login_hint;
      const result = accounts[hint]
        ? { login: { accountId: hint } }
        : { error: 'access_denied', error_description: 'no such account' };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token' && forcedAudience) {
      // The provider's answer, its ID token signed again with another audience.
      const end = res.end.bind(res);
      const chunks = [];
      res.write = (chunk) => chunks.push(Buffer.from(chunk));
      res.end = (chunk, ...rest) => {
        if (chunk) chunks.push(Buffer.from(chunk));
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (body.id_token) {
          const claims = decodeJwt(body.id_token);
          body.id_token = void 0;
          return new SignJWT({ ...claims, aud: forcedAudience, azp: undefined })
            .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
            .sign(signingKey)
            .then((token) => {
              const text = JSON.stringify({ ...body, id_token: token });
              res.setHeader('content-length', Buffer.byteLength(text));
              end(text, ...rest);
            });
        }
        return end(Buffer.concat(chunks), ...rest);
      };
    }
    callback(req, res);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err?.message ?? err));
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
