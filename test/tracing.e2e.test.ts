import { type AddressInfo } from 'node:net';
import { ProxyTracerProvider, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { loadConfig } from '@tandem/config';
import { startTracing, type Tracing } from '@tandem/observability';
import { JobName, JobProducer, QueueName } from '@tandem/queues';
import { instrumentJestModules } from './support/jest-instrumentation';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const PUBLIC_URL = 'https://tandem.test';

const people: FixturePerson[] = [
  { role: 'coach', email: 'ada.lovelace@acme.example', name: 'Ada Lovelace', capacity: 2, skills: [5, 5, 1, 1, 1] },
  { role: 'coach', email: 'grace.hopper@acme.example', name: 'Grace Hopper', capacity: 2, skills: [1, 1, 5, 5, 1] },
  { role: 'coachee', email: 'alan.turing@acme.example', name: 'Alan Turing', skills: [5, 5, 0, 0, 0] },
  { role: 'coachee', email: 'edsger.dijkstra@acme.example', name: 'Edsger Dijkstra', skills: [0, 0, 5, 5, 0] },
];

/** Every text a span carries out of the process: its name, attribute values, event names and attributes, status. */
function textsOf(span: ReadableSpan): string[] {
  const values = (attributes: object | undefined) =>
    Object.entries(attributes ?? {}).flatMap(([key, value]) => [
      key,
      ...(Array.isArray(value) ? value : [value]).map(String),
    ]);
  return [
    span.name,
    ...values(span.attributes),
    ...span.events.flatMap((event) => [event.name, ...values(event.attributes)]),
    span.status.message ?? '',
  ];
}

describe('traces', () => {
  it('with tracing off, registers no tracer provider and puts no trace context on jobs', async () => {
    const tandem = await TestTandem.start();
    try {
      expect((trace.getTracerProvider() as ProxyTracerProvider).getDelegate().constructor.name).toBe(
        'NoopTracerProvider',
      );
      expect(tandem.testEnv.config.tracing).toBeUndefined();
      const producer = tandem.get(JobProducer);
      await producer.enqueue(JobName.MaintenancePing, { pingId: 'off' });
      const job = await producer.queue(QueueName.Maintenance).getJob('ping.off');
      expect(job).toBeDefined();
      expect(job!.opts.telemetry).toBeUndefined();
    } finally {
      await tandem.stop();
    }
  });

  describe('with tracing on', () => {
    const exporter = new InMemorySpanExporter();
    const smtp = new SmtpSink();
    let tracing: Tracing;
    let tandem: TestTandem;
    let key: string;
    let base: string;

    beforeAll(async () => {
      // The SDK as the processes start it (samplers, redaction, instrumentations), with the in-memory exporter.
      tracing = startTracing(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }), 'api', exporter)!;
      instrumentJestModules(tracing);
      await smtp.start();
      tandem = await TestTandem.start({
        env: { SMTP_URL: smtp.url, PUBLIC_URL, PAGE_RATE_LIMIT: '1000', OTEL_TRACES_EXPORTER: 'otlp' },
      });
      // A real HTTP server: the http instrumentation sees requests on a socket, not Fastify's inject.
      await tandem.api.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(tandem.api.getHttpServer().address() as AddressInfo).port}`;
      ({ apiKey: key } = await tandem.organization());
    });

    afterAll(async () => {
      await tandem?.stop();
      await smtp.stop();
      await tracing?.shutdown();
    });

    const spansOf = async () => {
      await tracing.forceFlush();
      return exporter.getFinishedSpans();
    };
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    const idOf = (span: ReadableSpan) => span.spanContext().spanId;

    it('follows POST publish through the queued jobs, their database and Redis calls, to the SMTP send, in one trace', async () => {
      const { programId } = await seedProgram(tandem, key, { adminEmail: 'hr@acme.example' }, people);
      const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
      const round = await roundDone(tandem, key, launched.body.id);
      expect(round).toMatchObject({ status: 'proposed', matched: 2 });
      await tandem.queuesIdle();
      // A request whose statement MikroORM sends with its values inlined (an email among them): checked at the end.
      const created = await fetch(`${base}/api/v1/programs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Leadership circle of Ada Lovelace', adminEmail: 'privacy.officer@acme.example' }),
      });
      expect(created.status).toBe(201);
      const earlier = [...(await spansOf())];
      expect(earlier.some((s) => /insert into "program"/.test(String(s.attributes['db.query.text'] ?? '')))).toBe(true);
      exporter.reset();

      const published = await fetch(`${base}/api/v1/rounds/${round.id}/publish`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
      });
      expect(published.status).toBe(200);
      const offers = await waitFor(async () => {
        const mails = smtp.messages.filter((m) => m.subject.startsWith('Coaching offer'));
        return mails.length === 2 ? mails : undefined;
      }, 'the two offer emails');
      await tandem.queuesIdle();
      const spans = await spansOf();

      const [server] = spans.filter((s) => s.kind === SpanKind.SERVER);
      expect(server.name).toBe('POST /api/v1/rounds/:id/publish');
      expect(server.attributes['http.route']).toBe('/api/v1/rounds/:id/publish');
      const traceId = server.spanContext().traceId;
      const inTrace = spans.filter((s) => s.spanContext().traceId === traceId);
      const byId = new Map(inTrace.map((s) => [idOf(s), s]));
      const ancestors = (span: ReadableSpan) => {
        const chain: ReadableSpan[] = [];
        for (let parent = byId.get(parentOf(span) ?? ''); parent; parent = byId.get(parentOf(parent) ?? ''))
          chain.push(parent);
        return chain;
      };
      // Every span of the trace hangs from the request: none is cut off from it.
      for (const span of inTrace) if (span !== server) expect(ancestors(span)).toContain(server);

      // The request's own database work (the publish transaction) and the job it queued.
      const requestDb = inTrace.filter(
        (s) => s.attributes['db.system.name'] === 'postgresql' && ancestors(s)[0] === server,
      );
      expect(requestDb.length).toBeGreaterThan(0);
      const emailProducer = inTrace.find(
        (s) => s.kind === SpanKind.PRODUCER && s.attributes['bullmq.queue.name'] === QueueName.Email,
      );
      expect(emailProducer).toBeDefined();
      expect(
        inTrace.some((s) => s.attributes['db.system.name'] === 'redis' && parentOf(s) === idOf(emailProducer!)),
      ).toBe(true);

      // The worker ran each offer email in a consumer span whose parent is the producer span: the context came with the job.
      const consumers = inTrace.filter(
        (s) => s.kind === SpanKind.CONSUMER && s.attributes['bullmq.job.name'] === JobName.EmailSend,
      );
      expect(consumers).toHaveLength(2);
      for (const consumer of consumers) expect(parentOf(consumer)).toBe(idOf(emailProducer!));
      // ...and the context is in the job as Redis holds it: a traceparent naming this trace and the producer span, nothing else.
      const job = await tandem
        .get(JobProducer)
        .queue(QueueName.Email)
        .getJob(String(consumers[0].attributes['bullmq.job.id']));
      const metadata = JSON.parse(job!.opts.telemetry!.metadata!) as Record<string, string>;
      expect(Object.keys(metadata)).toEqual(['traceparent']);
      expect(metadata.traceparent).toBe(`00-${traceId}-${idOf(emailProducer!)}-01`);

      // Inside each job: its database calls, and the SMTP send of its offer email.
      const sends = inTrace.filter((s) => s.name === 'smtp send');
      expect(sends).toHaveLength(2);
      for (const consumer of consumers) {
        const within = inTrace.filter((s) => ancestors(s).includes(consumer));
        expect(within.some((s) => s.attributes['db.system.name'] === 'postgresql')).toBe(true);
        const send = within.find((s) => s.name === 'smtp send');
        expect(send).toMatchObject({
          kind: SpanKind.CLIENT,
          attributes: { 'tandem.email_kind': 'offer', 'server.address': '127.0.0.1' },
        });
      }
      // The statements are recorded with their parameters, never their values.
      const statements = inTrace.map((s) => String(s.attributes['db.query.text'] ?? '')).filter(Boolean);
      expect(statements.some((sql) => /outbox_message/.test(sql))).toBe(true);

      // The offer page: its span is named after the route, and its token is in no span.
      const token = new URL(offerLink(offers[0].text)).pathname.split('/').pop()!;
      expect((await fetch(`${base}/offers/${token}`)).status).toBe(200);
      const page = (await spansOf()).find(
        (s) => s.kind === SpanKind.SERVER && s.attributes['http.route'] === '/offers/:token',
      );
      expect(page?.name).toBe('GET /offers/:token');

      // Nothing personal in any span of the whole test: no email address, name or link token, no raw URL or SQL literal.
      const all = [...earlier, ...(await spansOf())];
      const texts = all.flatMap(textsOf);
      const tokens = offers.map((mail) => new URL(offerLink(mail.text)).pathname.split('/').pop()!);
      for (const secret of [
        ...people.flatMap((p) => [p.email, p.name]),
        'hr@acme.example',
        'privacy.officer@acme.example',
        'Leadership circle',
        ...tokens,
        key,
      ]) {
        expect(texts.filter((text) => text.includes(secret))).toEqual([]);
      }
      expect(texts.filter((text) => /[\w.+-]+@[\w-]+\.[\w.-]+/.test(text))).toEqual([]);
      for (const span of all)
        for (const gone of ['url.path', 'url.full', 'http.target', 'client.address', 'user_agent.original'])
          expect(span.attributes[gone]).toBeUndefined();
    });
  });
});
