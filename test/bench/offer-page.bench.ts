/**
 * bench:offer-page: `GET /offers/{token}` under autocannon (100 connections, 20 s) rotating over the tokens of
 * 10,000 real offers, beside a bare route of the same api process returning a constant.
 *
 * Setup (not timed): a program of 10,000 coachees and 2,500 coaches of capacity 8 is imported, solved and published
 * through the API, so every coachee has an offer; the link tokens are derived as the offer emails derive them
 * (linkToken(APP_SECRET, 'offer', offer id)). The api under test is the built app (createApi from dist) in a process of
 * its own, on that database, logging a JSON line per request as in production (to /dev/null here). It is started
 * with PAGE_RATE_LIMIT=10000000, the configurable maximum of page requests per client and minute: the benchmark is
 * one client making up to a million requests a minute, which the default of 60 would answer with the 429 page. Two baselines exist only in that process (see serve): a public Nest
 * controller returning a constant (the app's own stack: global guards, filters, Fastify hooks for request ids, logs
 * and metrics) and a raw Fastify route returning a constant (the Fastify hooks only).
 * BENCH_OFFERS (default 10,000), BENCH_SECONDS (default 20), BENCH_RUNS (default 2), BENCH_PROFILE (a directory for the
 * api's CPU profile), BENCH_PROCESSES (default 1; `1,2,3` measures every route with 1, then 2, then 3 api processes,
 * the connections split evenly between them as a load balancer would: how the pages grow with replicas).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '@tandem/config';
import { linkToken, rawQuery } from '@tandem/domain';
import { Controller, Get, Header, Module } from '@nestjs/common';
import autocannon from 'autocannon';
import { AppModule } from '../../apps/api/src/app.module';
import { Public } from '../../apps/api/src/auth/auth.decorators';
import { createApi } from '../../apps/api/src/main';
import { TestTandem } from '../support/tandem';
import { importedProgram, poolCsv, proposedRound } from './bench-pool';

const OFFERS = Number(process.env.BENCH_OFFERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const PROCESSES = (process.env.BENCH_PROCESSES ?? '1').split(',').map(Number);
const CONNECTIONS = 100;
const NEST_PATH = '/bench/constant';
const SELECT_PATH = '/bench/select-one';
const RAW_PATH = '/bench/raw-constant';
const NEST = 'bare Nest endpoint (constant)';
const RAW = 'raw Fastify route (constant)';
const OFFER = 'GET /offers/{token}';
const SELECT = 'Nest endpoint, one select 1 query';

/**
 * The baselines inside Nest: a public controller behind the same global guards and filters, returning a constant, and
 * returning the answer of one trivial Postgres query (the floor for any page that reads the database once).
 */
@Public()
@Controller('bench')
class ConstantController {
  constructor(private readonly em: EntityManager) {}

  @Get('constant')
  @Header('content-type', 'text/plain')
  constant(): string {
    return 'ok';
  }

  @Get('select-one')
  @Header('content-type', 'text/plain')
  async selectOne(): Promise<string> {
    const [row] = await rawQuery<{ one: number }>(this.em.fork(), 'select 1 as one', [], {
      prepare: 'bench_select_one',
    });
    return String(row.one);
  }
}

/**
 * Server mode: the built api on the database given in the environment, listening on a free port, with two baselines
 * that exist only in this process: ConstantController (Nest) and a raw Fastify route.
 */
async function serve(): Promise<void> {
  const config = loadConfig();
  @Module({ imports: [AppModule.forRoot(config)], controllers: [ConstantController] })
  class BenchApiModule {}
  const app = await createApi(config, BenchApiModule);
  app
    .getHttpAdapter()
    .getInstance()
    .get(RAW_PATH, (_request, reply) => {
      void reply.type('text/plain').send('ok');
    });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n');
}

interface Measure {
  processes: number;
  path: string;
  run: number;
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
  requests: number;
  'non-2xx': number;
  errors: number;
}

/** One load of CONNECTIONS connections for SECONDS, split evenly over the api processes at `bases`; rates are summed, latencies the worst. */
async function measure(path: string, run: number, bases: string[], paths: string[]): Promise<Measure> {
  let next = 0;
  const results = await Promise.all(
    bases.map((base) =>
      autocannon({
        url: base,
        connections: Math.ceil(CONNECTIONS / bases.length),
        duration: SECONDS,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }),
          },
        ],
      }),
    ),
  );
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    processes: bases.length,
    path,
    run,
    'req/s': Math.round(sum((r) => r.requests.average)),
    'p50 ms': Math.max(...results.map((r) => r.latency.p50)),
    'p99 ms': Math.max(...results.map((r) => r.latency.p99)),
    requests: sum((r) => r.requests.total),
    'non-2xx': sum((r) => r.non2xx),
    errors: sum((r) => r.errors + r.timeouts),
  };
}

async function main() {
  const tandem = await TestTandem.start({ env: { BODY_LIMIT: '50mb' } });
  const servers: ChildProcess[] = [];
  const rows: Measure[] = [];
  try {
    const { apiKey: key } = await tandem.organization('Pages');
    const programId = await importedProgram(
      tandem,
      key,
      'Pages',
      poolCsv(OFFERS, { coaches: Math.ceil(OFFERS / 4), capacity: 8 }),
    );
    const round = await proposedRound(tandem, key, programId);
    // Without a worker the offer emails wait in Redis instead of failing against a missing SMTP server meanwhile.
    await tandem.stopWorker();
    const published = await tandem.request('POST', `/api/v1/rounds/${round.id}/publish`, { key });
    if (published.status !== 200) throw new Error(`publish refused: ${published.text.slice(0, 300)}`);
    const offers = await rawQuery<{ id: string }>(tandem.get(EntityManager).fork(), `select id from offer order by id`);
    const secret = tandem.testEnv.config.appSecret;
    const paths = offers.map((o) => `/offers/${linkToken(secret, 'offer', o.id)}`);
    console.log(`${paths.length} offers published (${round.matched} of ${OFFERS} coachees matched)`);

    // BENCH_PROFILE=<dir> writes each api's CPU profile there (open it in Chrome's DevTools).
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const bases: string[] = [];
    for (const processes of PROCESSES) {
      while (bases.length < processes) {
        const server = spawn(process.execPath, [...profile, __filename, '--serve'], {
          env: {
            ...process.env,
            ...tandem.testEnv.env,
            LOG_LEVEL: 'info',
            LOG_STREAM: 'stderr',
            PAGE_RATE_LIMIT: '10000000',
          },
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        servers.push(server);
        const port = await new Promise<number>((resolve, reject) => {
          server.stdout!.on('data', (chunk: Buffer) => {
            const line = chunk
              .toString()
              .split('\n')
              .find((l) => l.startsWith('{"port"'));
            if (line) resolve(JSON.parse(line).port);
          });
          server.on('exit', (code) => reject(new Error(`the api exited (${code})`)));
        });
        const base = `http://127.0.0.1:${port}`;
        const sample = await fetch(`${base}${paths[0]}`);
        const page = await sample.text();
        if (sample.status !== 200 || !page.includes('Person'))
          throw new Error(`the offer page answered ${sample.status}: ${page.slice(0, 300)}`);
        // Warm-up: JIT, connection pools and the plan cache, on every route.
        await autocannon({
          url: base,
          connections: CONNECTIONS,
          duration: 3,
          requests: [
            { method: 'GET', setupRequest: (r) => ({ ...r, path: paths[Math.floor(Math.random() * paths.length)] }) },
          ],
        });
        await autocannon({ url: `${base}${NEST_PATH}`, connections: CONNECTIONS, duration: 3 });
        await autocannon({ url: `${base}${RAW_PATH}`, connections: CONNECTIONS, duration: 3 });
        await autocannon({ url: `${base}${SELECT_PATH}`, connections: CONNECTIONS, duration: 3 });
        bases.push(base);
      }
      const at = bases.slice(0, processes);
      for (let run = 1; run <= RUNS; run++) {
        rows.push(
          await measure(
            RAW,
            run,
            at.map((b) => `${b}${RAW_PATH}`),
            [RAW_PATH],
          ),
        );
        rows.push(
          await measure(
            NEST,
            run,
            at.map((b) => `${b}${NEST_PATH}`),
            [NEST_PATH],
          ),
        );
        rows.push(
          await measure(
            SELECT,
            run,
            at.map((b) => `${b}${SELECT_PATH}`),
            [SELECT_PATH],
          ),
        );
        rows.push(await measure(OFFER, run, at, paths));
      }
    }
  } finally {
    for (const server of servers) {
      if (server.exitCode !== null) continue;
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
    await tandem.stop();
  }
  console.table(rows);
  console.log(
    `${CONNECTIONS} connections, ${SECONDS} s per run, ${OFFERS} coachees' offer tokens; cores: ${cpus().length}; target: 0.5 or more of the bare endpoint, p99 under 50 ms`,
  );
  const byProcesses: Record<number, unknown> = {};
  for (const processes of PROCESSES) {
    const at = rows.filter((r) => r.processes === processes);
    const ratio = (base: string) =>
      at
        .filter((r) => r.path === OFFER)
        .map(
          (r) => Math.round((r['req/s'] / at.find((b) => b.run === r.run && b.path === base)!['req/s']) * 100) / 100,
        );
    const ratios = { nest: ratio(NEST), raw: ratio(RAW), selectOne: ratio(SELECT) };
    const label = PROCESSES.length > 1 ? `${processes} api process${processes === 1 ? '' : 'es'}: ` : '';
    console.log(`${label}offer page / bare Nest endpoint per run: ${ratios.nest.join(', ')}`);
    console.log(`${label}offer page / raw Fastify route per run: ${ratios.raw.join(', ')}`);
    console.log(`${label}offer page / Nest endpoint reading one 'select 1' per run: ${ratios.selectOne.join(', ')}`);
    if (PROCESSES.length > 1)
      console.log(
        `${label}offer pages per second per run: ${at
          .filter((r) => r.path === OFFER)
          .map((r) => r['req/s'])
          .join(', ')}`,
      );
    byProcesses[processes] = { ratios, offerRate: at.filter((r) => r.path === OFFER).map((r) => r['req/s']) };
  }
  const ratios = (byProcesses[PROCESSES[0]] as { ratios: unknown }).ratios;
  if (rows.some((r) => r['non-2xx'] > 0 || r.errors > 0)) throw new Error('some requests failed');
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'offer-page.json'),
    JSON.stringify(
      { cores: cpus().length, connections: CONNECTIONS, seconds: SECONDS, offers: OFFERS, ratios, byProcesses, rows },
      null,
      2,
    ),
  );
}

(process.argv[2] === '--serve' ? serve() : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
