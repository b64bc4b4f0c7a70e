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
 * api's CPU profile).
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
    const [row] = await rawQuery<{ one: number }>(this.em.fork(), 'select 1 as one', [], { prepare: 'bench_select_one' });
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
  path: string;
  run: number;
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
  requests: number;
  'non-2xx': number;
  errors: number;
}

async function measure(path: string, run: number, base: string, paths: string[]): Promise<Measure> {
  let next = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] }),
      },
    ],
  });
  return {
    path,
    run,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    requests: result.requests.total,
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function main() {
  const tandem = await TestTandem.start({ env: { BODY_LIMIT: '50mb' } });
  let server: ChildProcess | undefined;
  const rows: Measure[] = [];
  try {
    const { apiKey: key } = await tandem.organization('Pages');
    const programId = await importedProgram(tandem, key, 'Pages', poolCsv(OFFERS, { coaches: Math.ceil(OFFERS / 4), capacity: 8 }));
    const round = await proposedRound(tandem, key, programId);
    // Without a worker the offer emails wait in Redis instead of failing against a missing SMTP server meanwhile.
    await tandem.stopWorker();
    const published = await tandem.request('POST', `/api/v1/rounds/${round.id}/publish`, { key });
    if (published.status !== 200) throw new Error(`publish refused: ${published.text.slice(0, 300)}`);
    const offers = await rawQuery<{ id: string }>(tandem.get(EntityManager).fork(), `select id from offer order by id`);
    const secret = tandem.testEnv.config.appSecret;
    const paths = offers.map((o) => `/offers/${linkToken(secret, 'offer', o.id)}`);
    console.log(`${paths.length} offers published (${round.matched} of ${OFFERS} coachees matched)`);

    // BENCH_PROFILE=<dir> writes the api's CPU profile there (open it in Chrome's DevTools).
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    server = spawn(process.execPath, [...profile, __filename, '--serve'], {
      env: { ...process.env, ...tandem.testEnv.env, LOG_LEVEL: 'info', LOG_STREAM: 'stderr', PAGE_RATE_LIMIT: '10000000' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      server!.stdout!.on('data', (chunk: Buffer) => {
        const line = chunk.toString().split('\n').find((l) => l.startsWith('{"port"'));
        if (line) resolve(JSON.parse(line).port);
      });
      server!.on('exit', (code) => reject(new Error(`the api exited (${code})`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const sample = await fetch(`${base}${paths[0]}`);
    const page = await sample.text();
    if (sample.status !== 200 || !page.includes('Person')) throw new Error(`the offer page answered ${sample.status}: ${page.slice(0, 300)}`);
    // Warm-up: JIT, connection pools and the plan cache, on both routes.
    await autocannon({ url: base, connections: CONNECTIONS, duration: 3, requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: paths[Math.floor(Math.random() * paths.length)] }) }] });
    await autocannon({ url: `${base}${NEST_PATH}`, connections: CONNECTIONS, duration: 3 });
    await autocannon({ url: `${base}${RAW_PATH}`, connections: CONNECTIONS, duration: 3 });
    await autocannon({ url: `${base}${SELECT_PATH}`, connections: CONNECTIONS, duration: 3 });

    for (let run = 1; run <= RUNS; run++) {
      rows.push(await measure(RAW, run, base, [RAW_PATH]));
      rows.push(await measure(NEST, run, base, [NEST_PATH]));
      rows.push(await measure(SELECT, run, base, [SELECT_PATH]));
      rows.push(await measure(OFFER, run, base, paths));
    }
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    await tandem.stop();
  }
  console.table(rows);
  const ratio = (base: string) => rows.filter((r) => r.path === OFFER).map((r) => Math.round((r['req/s'] / rows.find((b) => b.run === r.run && b.path === base)!['req/s']) * 100) / 100);
  const ratios = { nest: ratio(NEST), raw: ratio(RAW), selectOne: ratio(SELECT) };
  console.log(`${CONNECTIONS} connections, ${SECONDS} s per run, ${OFFERS} coachees' offer tokens; cores: ${cpus().length}; target: 0.5 or more of the bare endpoint, p99 under 50 ms`);
  console.log(`offer page / bare Nest endpoint per run: ${ratios.nest.join(', ')}`);
  console.log(`offer page / raw Fastify route per run: ${ratios.raw.join(', ')}`);
  console.log(`offer page / Nest endpoint reading one 'select 1' per run: ${ratios.selectOne.join(', ')}`);
  if (rows.some((r) => r['non-2xx'] > 0 || r.errors > 0)) throw new Error('some requests failed');
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'offer-page.json'), JSON.stringify({ cores: cpus().length, connections: CONNECTIONS, seconds: SECONDS, offers: OFFERS, ratios, rows }, null, 2));
}

(process.argv[2] === '--serve' ? serve() : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});
