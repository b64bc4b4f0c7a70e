import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { participantCsv } from './support/participants';
import { runCli, TandemProcess } from './support/processes';
import { SmtpSink } from './support/smtp-sink';
import { createTestEnv, type TestEnv, waitFor } from './support/test-env';

/** A span as OTLP/JSON carries it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
}

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/** An OTLP/HTTP collector on a local port: keeps every body it is sent (OTEL_EXPORTER_OTLP_PROTOCOL=http/json). */
class OtlpReceiver {
  readonly bodies: string[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.bodies.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  spans(): ReceivedSpan[] {
    type Attribute = { key: string; value: { stringValue?: string } };
    type Body = {
      resourceSpans: {
        resource: { attributes: Attribute[] };
        scopeSpans: { spans: Omit<ReceivedSpan, 'service'>[] }[];
      }[];
    };
    return this.bodies.flatMap((body) =>
      (JSON.parse(body) as Body).resourceSpans.flatMap((resource) => {
        const service = resource.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
        return resource.scopeSpans.flatMap((scope) =>
          scope.spans.map((span) => ({ ...span, parentSpanId: span.parentSpanId ?? '', service })),
        );
      }),
    );
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('traces across the api and worker processes from the build', () => {
  const smtp = new SmtpSink();
  const receiver = new OtlpReceiver();
  let env: TestEnv;
  let api: TandemProcess;
  let worker: TandemProcess;

  beforeAll(async () => {
    await smtp.start();
    env = await createTestEnv();
    const processEnv = {
      ...env.env,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'warn',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: await receiver.start(),
    };
    api = new TandemProcess('api', { ...processEnv, LOG_LEVEL: 'info' });
    worker = new TandemProcess('worker', processEnv);
    const base = `http://127.0.0.1:${await api.listeningPort()}`;
    const org = runCli(['org:create', '--name', 'Initech'], processEnv);
    expect(org.status).toBe(0);
    const headers = { authorization: `Bearer ${org.json.apiKey}` };
    const program: any = await (
      await fetch(`${base}/api/v1/programs`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Leads' }),
      })
    ).json();
    const accepted = await fetch(`${base}/api/v1/programs/${program.id}/imports`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: participantCsv(10),
    });
    expect(accepted.status).toBe(202);
    await waitFor(async () => (smtp.messages.length >= 10 ? true : undefined), '10 welcome emails');
  }, 120_000);

  afterAll(async () => {
    await api?.stop('SIGKILL');
    await worker?.stop('SIGKILL');
    await env?.destroy();
    await smtp.stop();
    await receiver.stop();
  });

  it('puts the import request, its intake job, the email jobs it queued and their SMTP sends in one trace, with nothing personal', async () => {
    // Both processes export in batches (every 5 s): wait for the api's request span and the worker's ten sends.
    const spans = await waitFor(
      async () => {
        const found = receiver.spans();
        const ready =
          found.filter((s) => s.name === 'smtp send').length >= 10 &&
          found.some((s) => s.kind === SERVER && s.name === 'POST /api/v1/programs/:id/imports');
        return ready ? found : undefined;
      },
      'the request span and the spans of 10 SMTP sends',
      30_000,
    );
    const sends = spans.filter((s) => s.name === 'smtp send');
    const request = spans.find((s) => s.kind === SERVER && s.name === 'POST /api/v1/programs/:id/imports');
    expect(request?.service).toBe('tandem-api');
    const inTrace = spans.filter((s) => s.traceId === request!.traceId);
    const byId = new Map(inTrace.map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan) => {
      const chain: ReceivedSpan[] = [];
      for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) chain.push(parent);
      return chain;
    };
    // The api queued the intake job; the worker process ran it as a child of that producer span.
    const intakeProducer = inTrace.find(
      (s) => s.kind === PRODUCER && s.service === 'tandem-api' && s.name.startsWith('add intake'),
    );
    const intakeConsumer = inTrace.find(
      (s) => s.kind === CONSUMER && s.service === 'tandem-worker' && s.name === 'process intake',
    );
    expect(intakeConsumer?.parentSpanId).toBe(intakeProducer?.spanId);
    // Every send is in the request's trace, under an email job the intake job queued.
    expect(sends.every((s) => s.traceId === request!.traceId && s.service === 'tandem-worker')).toBe(true);
    for (const send of sends) {
      const chain = ancestors(send);
      expect(chain.map((s) => s.name)).toEqual(
        expect.arrayContaining(['process email', 'process intake', 'POST /api/v1/programs/:id/imports']),
      );
      expect(chain).toContain(request);
    }
    // The ten people's emails and names went through both processes; none is in what they exported.
    const exported = receiver.bodies.join('\n');
    expect(exported).not.toMatch(/person\d+@example\.com/);
    expect(exported).not.toMatch(/Person \d+/);
  });
});
