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
 * BENCH_PROFILE (a directory for the Tandem worker's CPU profile), BENCH_PROCESSES (default 1; `1,2,3` measures each
 * path with 1, then 2, then 3 worker processes of each kind on the same queue: how the job path grows with replicas).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  DEFAULT_JOB_OPTIONS,
  JobName,
  JobProducer,
  producerConnection,
  QUEUE_OF,
  QueueName,
  workerConnection,
} from '@tandem/queues';
import { type JobsOptions, Queue, Worker } from 'bullmq';
import { createTestEnv } from '../support/test-env';

const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROCESSES = (process.env.BENCH_PROCESSES ?? '1').split(',').map(Number);
const WARM_UP = 2000;
const BARE_QUEUE = 'bench-bare';
const BARE = 'bare BullMQ, BullMQ default job options';
const BARE_KEEP = "bare BullMQ, Tandem's job options";
const TANDEM = 'Tandem worker, maintenance.ping';

/** Child mode: a bare BullMQ worker with a no-op processor. */
async function bareWorker(redisUrl: string, prefix: string): Promise<void> {
  const worker = new Worker(BARE_QUEUE, async () => undefined, {
    connection: workerConnection(redisUrl),
    prefix,
    concurrency: CONCURRENCY,
  });
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
}

/** CPU time (user + system, ms) processes have used so far, from /proc (Linux); undefined elsewhere. */
function cpuMs(children: readonly ChildProcess[]): number | undefined {
  try {
    let total = 0;
    for (const child of children) {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      // utime and stime are fields 14 and 15 of stat, counted from the state (field 3) here, in clock ticks of 10 ms.
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    }
    return total;
  } catch {
    return undefined;
  }
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
  const logDir = mkdtempSync(join(tmpdir(), 'tandem-bench-queue-'));
  const logs: { path: string; fd: number }[] = [];
  const queues = Object.values(QueueName).map(
    (name) =>
      new Queue(name, { connection: producerConnection(redisUrl), prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS }),
  );
  const byName = Object.fromEntries(queues.map((q) => [q.name, q])) as Record<QueueName, Queue>;
  const producer = new JobProducer(
    byName.intake,
    byName.matching,
    byName.pairing,
    byName.cadence,
    byName.feedback,
    byName.email,
    byName.webhooks,
    byName.maintenance,
  );
  const maintenance = byName[QUEUE_OF[JobName.MaintenancePing]];
  const bare = new Queue(BARE_QUEUE, { connection: producerConnection(redisUrl), prefix });
  const rows: {
    processes: number;
    path: string;
    run: number;
    jobs: number;
    ms: number;
    'jobs/s': number;
    'worker CPU ms per 1k jobs'?: number;
    failed: number;
  }[] = [];
  const stopAll = async (list: ChildProcess[]) => {
    for (const child of list) child.kill('SIGTERM');
    await Promise.all(
      list.map(
        (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve))),
      ),
    );
  };
  let pinged = 0;
  try {
    for (const processes of PROCESSES) {
      // Each Tandem worker serves only the maintenance queue; its reconciler pass runs once at boot, before the warm-up.
      // BENCH_PROFILE=<dir> writes the Tandem workers' CPU profiles there (open them in Chrome's DevTools).
      const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
      const tandems: ChildProcess[] = [];
      const bares: ChildProcess[] = [];
      for (let p = 0; p < processes; p++) {
        const log = { path: join(logDir, `worker-${processes}-${p}.log`), fd: 0 };
        log.fd = openSync(log.path, 'w');
        logs.push(log);
        tandems.push(
          spawn(process.execPath, [...profile, join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.js')], {
            env: {
              ...process.env,
              ...env.env,
              WORKER_QUEUES: 'maintenance',
              WORKER_CONCURRENCY: String(CONCURRENCY),
              LOG_LEVEL: 'info',
            },
            // Its log goes to a file, read once it has exited: every job must have logged its line by then.
            stdio: ['ignore', log.fd, 'inherit'],
          }),
        );
        bares.push(
          spawn(process.execPath, [__filename, '--bare-worker', redisUrl, prefix], {
            stdio: ['ignore', 'pipe', 'inherit'],
          }),
        );
      }
      children.push(...tandems, ...bares);
      await Promise.all(
        bares.map(
          (bareChild) =>
            new Promise<void>((resolve, reject) => {
              bareChild.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
              bareChild.on('exit', (code) => reject(new Error(`the bare worker exited (${code})`)));
            }),
        ),
      );

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
          await bare.addBulk(
            Array.from({ length: Math.min(1000, JOBS - i) }, (_, x) => ({ name: 'noop', data: { n: i + x }, opts })),
          );
        }
        const failed = await drained(bare);
        return { ms: performance.now() - started, failed };
      };
      // Warm-up: every worker has connected, compiled its path and run a few jobs before any timing.
      await producer.enqueueMany(
        JobName.MaintenancePing,
        Array.from({ length: WARM_UP * processes }, () => ({ pingId: randomUUID() })),
      );
      await bare.addBulk(Array.from({ length: WARM_UP * processes }, (_, n) => ({ name: 'noop', data: { n } })));
      await Promise.all([drained(maintenance), drained(bare)]);
      pinged += WARM_UP * processes;

      for (let run = 1; run <= RUNS; run++) {
        for (const [path, fn, workers] of [
          [BARE, () => bareRun({}), bares],
          [BARE_KEEP, () => bareRun(DEFAULT_JOB_OPTIONS), bares],
          [TANDEM, tandemRun, tandems],
        ] as const) {
          // The workers' own CPU per job is steadier than the rates, which move with whatever else the cores run.
          const cpuBefore = cpuMs(workers);
          const { ms, failed } = await fn();
          const cpuAfter = cpuMs(workers);
          const cpu =
            cpuBefore === undefined || cpuAfter === undefined
              ? undefined
              : Math.round(((cpuAfter - cpuBefore) / JOBS) * 1000);
          rows.push({
            processes,
            path,
            run,
            jobs: JOBS,
            ms: Math.round(ms),
            'jobs/s': Math.round((JOBS / ms) * 1000),
            'worker CPU ms per 1k jobs': cpu,
            failed,
          });
        }
        pinged += JOBS;
      }
      await stopAll([...tandems, ...bares]);
    }
  } finally {
    await stopAll(children);
    await Promise.all([...queues, bare].map((q) => q.close()));
    await env.destroy();
  }
  let pingLines = 0;
  for (const log of logs) {
    closeSync(log.fd);
    for await (const line of createInterface({ input: createReadStream(log.path) })) {
      if (line.includes('"msg":"job completed"') && line.includes('"job":"maintenance.ping"')) pingLines++;
    }
  }
  rmSync(logDir, { recursive: true });
  console.table(rows);
  const median = (values: number[]) => {
    if (values.length === 0) return undefined;
    const sorted = [...values].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    return Number.isInteger(middle)
      ? Math.round(((sorted[middle - 1] + sorted[middle]) / 2) * 100) / 100
      : sorted[Math.floor(middle)];
  };
  console.log(`concurrency ${CONCURRENCY} per process; cores: ${cpus().length}; target: Tandem at 0.7 or more of bare`);
  const summary: Record<number, unknown> = {};
  for (const processes of PROCESSES) {
    const at = rows.filter((r) => r.processes === processes);
    const rate = (path: string) => at.filter((r) => r.path === path).map((r) => r['jobs/s']);
    const ratio = (base: string) =>
      at
        .filter((r) => r.path === TANDEM)
        .map(
          (r) => Math.round((r['jobs/s'] / at.find((b) => b.run === r.run && b.path === base)!['jobs/s']) * 100) / 100,
        );
    const ratios = { bareDefaults: ratio(BARE), bareTandemOptions: ratio(BARE_KEEP) };
    const label =
      PROCESSES.length > 1 ? `${processes} worker process${processes === 1 ? '' : 'es'} of each kind: ` : '';
    console.log(
      `${label}Tandem / bare (BullMQ defaults) per run: ${ratios.bareDefaults.join(', ')} (median ${median(ratios.bareDefaults)})`,
    );
    console.log(
      `${label}Tandem / bare (Tandem's job options: 6 attempts, completed jobs kept 1 h up to 5,000) per run: ${ratios.bareTandemOptions.join(', ')} (median ${median(ratios.bareTandemOptions)})`,
    );
    if (PROCESSES.length > 1)
      console.log(
        `${label}median jobs/s: bare ${median(rate(BARE))}, bare with Tandem's options ${median(rate(BARE_KEEP))}, Tandem ${median(rate(TANDEM))}`,
      );
    const cpu = (path: string) =>
      median(
        at
          .filter((r) => r.path === path && r['worker CPU ms per 1k jobs'] !== undefined)
          .map((r) => r['worker CPU ms per 1k jobs']!),
      );
    if (cpu(TANDEM) !== undefined)
      console.log(
        `${label}worker CPU per 1,000 jobs (median): bare ${cpu(BARE)} ms, bare with Tandem's options ${cpu(BARE_KEEP)} ms, Tandem ${cpu(TANDEM)} ms`,
      );
    summary[processes] = { bare: rate(BARE), bareTandemOptions: rate(BARE_KEEP), tandem: rate(TANDEM), ratios };
  }
  if (rows.some((r) => r.failed > 0)) throw new Error('some jobs failed');
  console.log(`the Tandem workers logged ${pingLines} "job completed" lines for ${pinged} maintenance.ping jobs`);
  if (pingLines !== pinged) throw new Error('the Tandem workers did not log exactly one line per job');
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  const single = summary[PROCESSES[0]] as Record<string, unknown>;
  writeFileSync(
    join(out, 'queue.json'),
    JSON.stringify(
      { cores: cpus().length, concurrency: CONCURRENCY, jobs: JOBS, ...single, byProcesses: summary, rows },
      null,
      2,
    ),
  );
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
