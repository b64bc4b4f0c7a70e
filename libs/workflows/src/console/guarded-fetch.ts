import type { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, PrivateAddressError } from '../webhooks/webhook-address';

/** The request openid-client hands its fetch (its CustomFetchOptions). */
export interface GuardedFetchOptions {
  body?: unknown;
  headers: Record<string, string>;
  method: string;
  signal?: AbortSignal;
}

/** The most of an answer read from a provider (discovery documents and key sets are a few kilobytes). */
const MAX_ANSWER_BYTES = 1_000_000;

/**
 * The fetch openid-client uses for an organization's provider when the install does not allow private issuers:
 * https only, and only to public addresses. The addresses a name resolves to are checked and the request connects to
 * the one checked (as webhooks do), so neither the issuer nor an endpoint its discovery document names (token, keys,
 * user info) can point Tandem at the install's own network.
 */
export function guardedFetch(
  timeoutMs: number,
  transport: { request: typeof httpRequest; protocol: 'https:' | 'http:'; allowPrivate: boolean } = {
    request: httpsRequest,
    protocol: 'https:',
    allowPrivate: false,
  },
) {
  // `transport` is https to public addresses in Tandem; its unit test reads the answers of a plain local server.
  const request = transport.request;
  return async (url: string, options: GuardedFetchOptions): Promise<Response> => {
    const target = new URL(url);
    if (target.protocol !== transport.protocol)
      throw new TypeError(`only ${transport.protocol}// is allowed, not ${target.protocol}`);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!transport.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host))
      throw new PrivateAddressError(`${host} is a private or loopback address`);
    const body =
      options.body === undefined || options.body === null
        ? undefined
        : Buffer.from(await new Response(options.body as ConstructorParameters<typeof Response>[0]).arrayBuffer());
    return new Promise<Response>((resolve, reject) => {
      const outgoing = request(
        target,
        {
          method: options.method,
          headers: { ...options.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          lookup: guardedLookup(transport.allowPrivate) as never,
          timeout: timeoutMs,
          signal: options.signal,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          let size = 0;
          answer.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) outgoing.destroy(new Error('the answer is larger than 1 MB'));
            else chunks.push(chunk);
          });
          answer.on('error', reject);
          answer.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(answer.headers))
              for (const one of value === undefined ? [] : [value].flat()) headers.append(name, one);
            const status = answer.statusCode ?? 502;
            resolve(
              new Response([204, 205, 304].includes(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: answer.statusMessage,
                headers,
              }),
            );
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  };
}
