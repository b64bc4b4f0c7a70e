import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig, rawQuery } from '@tandem/domain';
import type { ContenderReport, ContenderTick } from '../support/lease-contender';
import { createTestEnv, type TestEnv, waitFor } from '../support/test-env';

/**
 * The reconciler's lease across processes: worker-like processes from the build (test/support/lease-contender.ts),
 * each with its own pool, try to take one lease at the same moment, tick after tick; the holder is then SIGKILLed
 * mid-work, and another takes over once the dead holder's time has run out, not before.
 */
jest.setTimeout(120_000);

const CONTENDER = join(__dirname, '..', '..', 'dist', 'test', 'support', 'lease-contender.js');
const TTL_MS = 1500;

class Contender {
  readonly reports: ContenderReport[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<unknown>;

  constructor(env: Record<string, string>) {
    if (!existsSync(CONTENDER)) throw new Error(`${CONTENDER} is missing: run "npm run build" first (npm test does)`);
    this.child = fork(CONTENDER, [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child.on('message', (report: ContenderReport) => this.reports.push(report));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  ready(): Promise<boolean> {
    return waitFor(
      async () => (this.reports.some((r) => r.kind === 'ready') ? true : undefined),
      'a contender to start',
      30_000,
    );
  }

  tick(tick: ContenderTick): void {
    this.child.send(tick);
  }

  done(tick: number): Promise<Extract<ContenderReport, { kind: 'done' }>> {
    return waitFor(
      async () =>
        this.reports.find((r): r is Extract<ContenderReport, { kind: 'done' }> => r.kind === 'done' && r.tick === tick),
      `tick ${tick} to end`,
      30_000,
      10,
    );
  }
}

describe('the reconciler lease across worker processes', () => {
  let env: TestEnv;
  let orm: MikroORM;
  const contenders: Contender[] = [];

  beforeAll(async () => {
    env = await createTestEnv();
    orm = await MikroORM.init(createOrmConfig(env.config.databaseUrl));
    for (let i = 0; i < 3; i++) contenders.push(new Contender(env.env));
    await Promise.all(contenders.map((c) => c.ready()));
  });

  afterAll(async () => {
    for (const c of contenders) c.child.kill('SIGKILL');
    await Promise.all(contenders.map((c) => c.exited));
    await orm?.close();
    await env?.destroy();
  });

  const leaseRow = async () =>
    (
      await rawQuery<{ holder: string; generation: string }>(
        orm.em.fork(),
        `select holder, generation from lease where name = 'test.sweep'`,
      )
    )[0];

  it('three workers starting a sweep at once, ten ticks: exactly one acts each tick, and no two passes overlap', async () => {
    const passes: { startedAt: number; endedAt: number; holder: string; generation: number }[] = [];
    for (let tick = 1; tick <= 10; tick++) {
      for (const c of contenders) c.tick({ tick, name: 'test.sweep', workMs: 150, ttlMs: TTL_MS });
      const outcomes = await Promise.all(contenders.map((c) => c.done(tick)));
      const acted = outcomes.filter((o) => o.acted);
      expect(acted).toHaveLength(1);
      passes.push({
        startedAt: acted[0].startedAt!,
        endedAt: acted[0].endedAt,
        holder: acted[0].holder!,
        generation: acted[0].generation!,
      });
    }
    // One acquisition per tick, counted by the database.
    expect(passes.map((p) => p.generation)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Number((await leaseRow()).generation)).toBe(10);
    for (let i = 1; i < passes.length; i++)
      expect(passes[i].startedAt).toBeGreaterThanOrEqual(passes[i - 1].endedAt - 5);
  });

  it('a pass longer than the lease keeps it by renewing: every other worker is refused throughout', async () => {
    const [holder, ...others] = contenders;
    holder.tick({ tick: 100, name: 'test.sweep', workMs: TTL_MS * 3, ttlMs: TTL_MS });
    await waitFor(
      async () => (holder.reports.some((r) => r.kind === 'started' && r.tick === 100) ? true : undefined),
      'the long pass to start',
    );
    let tick = 101;
    const refused: boolean[] = [];
    while (!holder.reports.some((r) => r.kind === 'done' && r.tick === 100)) {
      for (const c of others) c.tick({ tick, name: 'test.sweep', workMs: 0, ttlMs: TTL_MS });
      const outcomes = await Promise.all(others.map((c) => c.done(tick)));
      if (!holder.reports.some((r) => r.kind === 'done' && r.tick === 100))
        refused.push(...outcomes.map((o) => !o.acted));
      tick++;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Tries over three times the lease's length, none of them let in while the holder worked.
    expect(refused.length).toBeGreaterThan(10);
    expect(refused.every(Boolean)).toBe(true);
  });

  it('a holder SIGKILLed mid-sweep: refused until its lease expires, then exactly one other takes over', async () => {
    for (const c of contenders) c.tick({ tick: 200, name: 'test.sweep', workMs: 60_000, ttlMs: TTL_MS });
    const started = await waitFor(async () => {
      const holder = contenders.find((c) => c.reports.some((r) => r.kind === 'started' && r.tick === 200));
      return holder;
    }, 'one to hold the lease');
    const dead = (await leaseRow()).holder;
    // The others found it held.
    for (const c of contenders.filter((c) => c !== started)) expect((await c.done(200)).acted).toBe(false);
    // Mid-renewal: a renewal is made every third of the lease, so the lease has up to its whole length left.
    await new Promise((resolve) => setTimeout(resolve, TTL_MS / 2));
    started.child.kill('SIGKILL');
    await started.exited;
    const killedAt = Date.now();
    const [{ expires: deadUntil }] = await rawQuery<{ expires: Date }>(
      orm.em.fork(),
      `select expires_at as expires from lease where name = 'test.sweep'`,
    );
    const survivors = contenders.filter((c) => c !== started);
    let tick = 201;
    let takenOver: { at: number; holder: string } | undefined;
    const refusedBefore: number[] = [];
    while (!takenOver) {
      for (const c of survivors) c.tick({ tick, name: 'test.sweep', workMs: 0, ttlMs: TTL_MS });
      const outcomes = await Promise.all(survivors.map((c) => c.done(tick)));
      const acted = outcomes.filter((o) => o.acted);
      expect(acted.length).toBeLessThanOrEqual(1);
      if (acted.length === 1) takenOver = { at: acted[0].startedAt!, holder: acted[0].holder! };
      else refusedBefore.push(Date.now() - killedAt);
      tick++;
      if (Date.now() - killedAt > TTL_MS * 4) throw new Error(`no worker took the lease over in ${TTL_MS * 4} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(takenOver.holder).not.toBe(dead);
    // Not before the dead holder's time was up (both times the database's).
    const [{ acquired }] = await rawQuery<{ acquired: Date }>(
      orm.em.fork(),
      `select acquired_at as acquired from lease where name = 'test.sweep'`,
    );
    expect(new Date(acquired).getTime()).toBeGreaterThanOrEqual(new Date(deadUntil).getTime());
    // Refused while the dead holder's time ran (at least the first tries), taken within one lease length of the kill.
    expect(refusedBefore.length).toBeGreaterThan(0);
    expect(takenOver.at - killedAt).toBeLessThanOrEqual(TTL_MS + 500);
    process.stdout.write(
      `lease: holder killed, refused ${refusedBefore.length} times, taken over ${takenOver.at - killedAt} ms after the kill (lease ${TTL_MS} ms)\n`,
    );
  });
});
