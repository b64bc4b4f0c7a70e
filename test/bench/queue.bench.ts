/**
 * bench:queue: jobs per second through Tandem's job path beside a bare BullMQ worker, on the same Redis, with the same
 * job count and concurrency. Tandem's path is the real worker process from dist (WORKER_QUEUES=maintenance: the
 * QueueProcessor dispatch, an ORM request context, the JobObserver's log line and Redis counters per job) running the
 * no-op `maintenance.ping` job, fed by the JobProducer with Tandem's job options. The bare path is a BullMQ Worker with
 * an `async () => undefined` processor in a process of its own, fed by Queue.addBulk: once with BullMQ's default job
 * options (completed jobs kept forever) and once with Tandem's (DEFAULT_JOB_OPTIONS: completed jobs trimmed to 1 h and
 * 5,000, which costs Redis work per job), so the table separates the job options' cost from the worker's.
 * Both workers run and are warmed up before the clock starts; each run times adding the N jobs until the queue is empty.
 * BENCH_JOBS (default 20,000), BENCH_CONCURRENCY (default 10), BENCH_RUNS (default 3, alternating the three paths),
 * BENCH_PROFILE (a directory for the Tandem worker's CPU profile).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_JOB_OPTIONS, JobName, JobProducer, producerConnection, QUEUE_OF, QueueName, workerConnection } from '@tandem/queues';
import { type JobsOptions, Queue, Worker } from 'bullmq';
import { createTestEnv } from '../support/test-env';

const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BARE_QUEUE = 'bench-bare';
const BARE = 'bare BullMQ, BullMQ default job options';
const BARE_KEEP = "bare BullMQ, Tandem's job options";
const TANDEM = 'Tandem worker, maintenance.ping';

/** Child mode: a bare BullMQ worker with a no-op processor. */
async function bareWorker(redisUrl: string, prefix: string): Promise<void> {
  const worker = new Worker(BARE_QUEUE, async () => undefined, { connection: workerConnection(redisUrl), prefix, concurrency: CONCURRENCY });
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
}

/** Waits until the queue has nothing waiting or active (the reconciler's next run stays delayed), and answers how many jobs failed. */
async function drained(queue: Queue): Promise<number> {
  for (;;) {
    const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'paused', 'failed');
    if (counts.waiting + counts.active + counts.prioritized + counts.paused === 0) return counts.failed;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function main() {
  const env = await createTestEnv();
  const { redisUrl, queuePrefix: prefix } = env.config;
  const children: ChildProcess[] = [];
  const queues = Object.values(QueueName).map((name) => new Queue(name, { connection: producerConnection(redisUrl), prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }));
  const byName = Object.fromEntries(queues.map((q) => [q.name, q])) as Record<QueueName, Queue>;
  const producer = new JobProducer(byName.intake, byName.matching, byName.pairing, byName.cadence, byName.feedback, byName.email, byName.maintenance);
  const maintenance = byName[QUEUE_OF[JobName.MaintenancePing]];
  const bare = new Queue(BARE_QUEUE, { connection: producerConnection(redisUrl), prefix });
  const rows: { path: string; run: number; jobs: number; ms: number; 'jobs/s': number; failed: number }[] = [];
  try {
    // The Tandem worker serves only the maintenance queue; its reconciler pass runs once at boot, before the warm-up.
    // BENCH_PROFILE=<dir> writes the Tandem worker's CPU profile there (open it in Chrome's DevTools).
    const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const tandem = spawn(process.execPath, [...profile, join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.js')], {
      env: { ...process.env, ...env.env, WORKER_QUEUES: 'maintenance', WORKER_CONCURRENCY: String(CONCURRENCY), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const bareChild = spawn(process.execPath, [__filename, '--bare-worker', redisUrl, prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(tandem, bareChild);
    await new Promise<void>((resolve, reject) => {
      bareChild.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      bareChild.on('exit', (code) => reject(new Error(`the bare worker exited (${code})`)));
    });

    const tandemRun = async () => {
      const payloads = Array.from({ length: JOBS }, () => ({ pingId: randomUUID() }));
      const started = performance.now();
      await producer.enqueueMany(JobName.MaintenancePing, payloads);
      const failed = await drained(maintenance);
      return { ms: performance.now() - started, failed };
    };
    const bareRun = async (opts: JobsOptions) => {
      const started = performance.now();
      for (let i = 0; i < JOBS; i += 1000) {
        await bare.addBulk(Array.from({ length: Math.min(1000, JOBS - i) }, (_, x) => ({ name: 'noop', data: { n: i + x }, opts })));
      }
      const failed = await drained(bare);
      return { ms: performance.now() - started, failed };
    };
    // Warm-up: both workers have connected, compiled their paths and run a few jobs before any timing.
    await producer.enqueueMany(JobName.MaintenancePing, Array.from({ length: 2000 }, () => ({ pingId: randomUUID() })));
    await bare.addBulk(Array.from({ length: 2000 }, (_, n) => ({ name: 'noop', data: { n } })));
    await Promise.all([drained(maintenance), drained(bare)]);

    for (let run = 1; run <= RUNS; run++) {
      for (const [path, fn] of [
        [BARE, () => bareRun({})],
        [BARE_KEEP, () => bareRun(DEFAULT_JOB_OPTIONS)],
        [TANDEM, tandemRun],
      ] as const) {
        const { ms, failed } = await fn();
        rows.push({ path, run, jobs: JOBS, ms: Math.round(ms), 'jobs/s': Math.round((JOBS / ms) * 1000), failed });
      }
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))));
    await Promise.all([...queues, bare].map((q) => q.close()));
    await env.destroy();
  }
  console.table(rows);
  const rate = (path: string) => rows.filter((r) => r.path === path).map((r) => r['jobs/s']);
  const ratio = (base: string) => rows.filter((r) => r.path === TANDEM).map((r) => Math.round((r['jobs/s'] / rows.find((b) => b.run === r.run && b.path === base)!['jobs/s']) * 100) / 100);
  const ratios = { bareDefaults: ratio(BARE), bareTandemOptions: ratio(BARE_KEEP) };
  console.log(`concurrency ${CONCURRENCY}; cores: ${cpus().length}; target: Tandem at 0.7 or more of bare`);
  console.log(`Tandem / bare (BullMQ defaults) per run: ${ratios.bareDefaults.join(', ')}`);
  console.log(`Tandem / bare (Tandem's job options: 6 attempts, completed jobs kept 1 h up to 5,000) per run: ${ratios.bareTandemOptions.join(', ')}`);
  if (rows.some((r) => r.failed > 0)) throw new Error('some jobs failed');
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'queue.json'), JSON.stringify({ cores: cpus().length, concurrency: CONCURRENCY, jobs: JOBS, bare: rate(BARE), bareTandemOptions: rate(BARE_KEEP), tandem: rate(TANDEM), ratios, rows }, null, 2));
}

if (process.argv[2] === '--bare-worker') {
  bareWorker(process.argv[3], process.argv[4]).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
