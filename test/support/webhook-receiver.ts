import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

/**
 * A webhook receiver on a local port: records every request and answers with the status its `answer` picks (200 by
 * default), per path, so that one receiver can be several endpoints.
 */
export class WebhookReceiver {
  readonly received: ReceivedHook[] = [];
  /** The status to answer a request with, given its path and how many that path had before it. */
  answer: (path: string, before: number) => number = () => 200;
  private server?: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        const before = this.received.filter((r) => r.path === path).length;
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body);
        } catch {
          // kept as text
        }
        this.received.push({ path, headers: req.headers, body, json });
        const status = this.answer(path, before);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : `refused with ${status}`);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  at(path: string): ReceivedHook[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
