import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { rawQuery } from '@tandem/domain';

/** The lease of the reconciler's periodic pass. */
export const RECONCILE_LEASE = 'maintenance.reconcile';
/** The lease of re-creating the delayed jobs after Redis came back empty. */
export const RESTORE_LEASE = 'maintenance.restore-delayed';

/**
 * Takes the lease `name` for `holder` until `ttlMs` from now if nobody holds it (no row, or its holder's time has
 * passed): one statement, so of any number of workers trying at once exactly one gets it. Time is the database's,
 * the one clock every worker shares. Answers the lease's generation (one more per acquisition), or undefined when
 * another holds it.
 */
export async function acquireLease(
  em: EntityManager,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<number | undefined> {
  const [row] = await rawQuery<{ generation: string }>(
    em,
    `insert into lease (name, holder, expires_at, acquired_at, generation)
     values (?, ?, now() + make_interval(secs => ?), now(), 1)
     on conflict (name) do update
       set holder = excluded.holder, expires_at = excluded.expires_at, acquired_at = now(), generation = lease.generation + 1
       where lease.expires_at <= now()
     returning generation`,
    [name, holder, ttlMs / 1000],
  );
  return row ? Number(row.generation) : undefined;
}

/** Extends the lease while `holder` still holds it; false once another has taken it. */
export async function renewLease(em: EntityManager, name: string, holder: string, ttlMs: number): Promise<boolean> {
  const rows = await rawQuery(
    em,
    `update lease set expires_at = now() + make_interval(secs => ?) where name = ? and holder = ? returning name`,
    [ttlMs / 1000, name, holder],
  );
  return rows.length === 1;
}

/** Gives the lease back (it expires now), if `holder` still holds it. */
export async function releaseLease(em: EntityManager, name: string, holder: string): Promise<void> {
  await rawQuery(em, `update lease set expires_at = now() where name = ? and holder = ?`, [name, holder]);
}

/** A lease being held: its holder and generation, and whether it may have been lost (not renewed in time, or taken). */
export interface HeldLease {
  readonly holder: string;
  readonly generation: number;
  readonly lost: boolean;
}

/** What running under a lease came to: the work's result, or the lease was held elsewhere and nothing ran. */
export type LeaseOutcome<T> = { acted: true; generation: number; result: T } | { acted: false };

/**
 * Runs periodic work in one process at a time across every worker: the lease is a row in PostgreSQL (the truth, and
 * reachable through a transaction-mode pooler, where a session-level advisory lock would not hold), taken by one
 * atomic statement, renewed every third of its time-to-live while the work runs, and given back at the end. A holder
 * that dies loses it when its time runs out, `JOB_LOCK_DURATION` (the same wait after which BullMQ hands a dead
 * worker's job on). A holder that could not renew in time marks its lease lost, so its work can stop early.
 */
@Injectable()
export class LeaseService {
  /** This process, as it names itself in a lease (host, process id, a random suffix): never a person. */
  readonly process = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private acquisitions = 0;

  constructor(
    private readonly em: EntityManager,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  /** Runs `work` if this process gets the lease `name`, holding it (renewed) until the work ends. */
  async run<T>(
    name: string,
    work: (lease: HeldLease) => Promise<T>,
    ttlMs = this.config.jobLockDurationMs,
  ): Promise<LeaseOutcome<T>> {
    const em = this.em.fork();
    const holder = `${this.process}:${++this.acquisitions}`;
    const generation = await acquireLease(em, name, holder, ttlMs);
    if (generation === undefined) return { acted: false };
    let renewedAt = Date.now();
    let taken = false;
    const lease: HeldLease = {
      holder,
      generation,
      get lost() {
        return taken || Date.now() - renewedAt >= ttlMs;
      },
    };
    // One renewal at a time; the release waits for it, so a late renewal cannot extend a lease given back.
    let renewal: Promise<void> | undefined;
    const timer = setInterval(
      () => {
        if (renewal || taken) return;
        const started = Date.now();
        renewal = renewLease(em, name, holder, ttlMs)
          .then((held) => {
            if (held) renewedAt = started;
            else taken = true;
          })
          // The database is away: the next tick tries again; past the time-to-live the lease counts as lost.
          .catch(() => undefined)
          .finally(() => (renewal = undefined));
      },
      Math.max(50, Math.floor(ttlMs / 3)),
    );
    timer.unref();
    try {
      return { acted: true, generation, result: await work(lease) };
    } finally {
      clearInterval(timer);
      await renewal;
      // Left to expire when the database is away.
      await releaseLease(em, name, holder).catch(() => undefined);
    }
  }
}
