import { messageIdOf } from '@tandem/mail';
import { seededRandom } from '@tandem/matching/seeded-random';
import { producerConnection, QueueName } from '@tandem/queues';
import { Queue } from 'bullmq';
import { FaultRig } from '../support/fault-rig';
import { TandemProcess } from '../support/processes';
import { fixtureCsv, type FixturePerson, offerLink } from '../support/program-fixture';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * Replicas under chaos: 2 api and 3 worker processes from the build (one worker serves the intake, matching, pairing,
 * webhooks and maintenance queues, one the cadence, feedback and email queues, one every queue) run a program of
 * 2,000 coachees and 400 coaches from import to completed pairings, while a replica is killed (SIGKILL) every 3 to 6
 * seconds and started again at once: a random one among those killed least, so each is killed at least twice. Requests go to a random live api and, like a load balancer's, to the other
 * one when theirs is gone. At the end every enrollment, proposal, offer decision, session, reminder and email exists
 * once; an email may arrive twice only if it was in flight (claimed, not yet marked sent) when a worker was killed,
 * and those are counted; no job failed for good.
 */
jest.setTimeout(1_800_000);

const COACHEES = 2000;
const COACHES = 400;
const WORKER_QUEUES = ['intake,matching,pairing,webhooks,maintenance', 'cadence,feedback,email', ''];
const PROGRAM = {
  name: 'Chaos',
  // One session 90 s after acceptance, reminded 60 s before it: every pairing's whole life fits in the test.
  cadence: { interval: 'PT90S', sessions: 1, sessionDuration: 'PT5S', reminderLead: 'PT60S' },
  feedback: { enabled: false },
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One api or worker process that the chaos kills and starts again. */
class Replica {
  process!: TandemProcess;
  base = '';
  up = false;
  kills = 0;

  constructor(
    readonly name: string,
    readonly kind: 'api' | 'worker',
    private readonly env: Record<string, string>,
  ) {}

  /** Starts the process and waits until it serves: the api's port, the worker's "started" line. */
  async start(): Promise<void> {
    this.process = new TandemProcess(this.kind, { ...this.env, LOG_LEVEL: 'info' });
    if (this.kind === 'api') this.base = `http://127.0.0.1:${await this.process.listeningPort(60_000)}`;
    else {
      const worker = this.process;
      await waitFor(
        async () => {
          if (worker.child.exitCode !== null)
            throw new Error(`${this.name} exited while booting:\n${worker.output.join('').slice(-2000)}`);
          return worker.output.some((chunk) => chunk.includes('tandem worker started')) ? true : undefined;
        },
        `${this.name} to boot`,
        60_000,
        20,
      );
    }
    this.up = true;
  }

  async kill(): Promise<void> {
    this.up = false;
    this.kills++;
    await this.process.stop('SIGKILL');
  }
}

describe('2 api and 3 worker replicas, a random one killed every few seconds', () => {
  const smtp = new SmtpSink();
  let rig: FaultRig;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    // Every accept comes from this one test client; in production each coach is a client of their own (PAGE_RATE_LIMIT per minute).
    rig = await FaultRig.start({ SMTP_URL: await smtp.start(), PAGE_RATE_LIMIT: '1000000' });
    // The rig's own api stays out of the chaos: the replicas are separate processes on the same database and Redis.
    await rig.api.stop('SIGTERM');
    replicas.push(new Replica('api-1', 'api', rig.processEnv), new Replica('api-2', 'api', rig.processEnv));
    WORKER_QUEUES.forEach((queues, i) =>
      replicas.push(new Replica(`worker-${i + 1}`, 'worker', { ...rig.processEnv, WORKER_QUEUES: queues })),
    );
    await Promise.all(replicas.map((r) => r.start()));
  });

  afterAll(async () => {
    for (const replica of replicas) await replica.process?.stop('SIGKILL');
    await rig?.stop();
    await smtp.stop();
  });

  /** A random api that is up (a load balancer's pick), or undefined while none is. */
  const liveApi = (): Replica | undefined => {
    const live = replicas.filter((r) => r.kind === 'api' && r.up);
    return live[Math.floor(Math.random() * live.length)];
  };

  /** A request to a random live api; a refused or dropped connection (its api was killed) goes to another api. */
  async function call(path: string, init: RequestInit = {}, admin = true): Promise<Response> {
    const headers = { ...(admin ? rig.headers : {}), ...(init.headers as Record<string, string>) };
    for (let attempt = 1; ; attempt++) {
      const api = liveApi();
      if (api) {
        try {
          const response = await fetch(`${api.base}${path}`, { ...init, headers, signal: AbortSignal.timeout(30_000) });
          if (response.status !== 503) return response;
        } catch {
          // The api died under the request: like a load balancer, try another one.
        }
      }
      if (attempt >= 100) throw new Error(`${path}: no api answered after ${attempt} attempts`);
      await pause(200);
    }
  }

  /** A POST that must happen once: when its answer is lost with its api, `happened` (read from the database) says whether to send it again. */
  async function postOnce(
    path: string,
    body: string | undefined,
    type: string,
    happened: () => Promise<boolean>,
  ): Promise<void> {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const api = liveApi();
      if (api) {
        try {
          const response = await fetch(`${api.base}${path}`, {
            method: 'POST',
            headers: { ...rig.headers, ...(body === undefined ? {} : { 'content-type': type }) },
            body,
            signal: AbortSignal.timeout(60_000),
          });
          if (response.status < 300) return;
          if (response.status !== 503) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
        } catch (err) {
          if ((err as Error).message.includes(' answered ')) throw err;
        }
      }
      if (await happened()) return;
      await pause(500);
    }
    throw new Error(`${path}: no api took it`);
  }

  it('runs the program once: every enrollment, proposal, decision, session, reminder and email exactly once', async () => {
    const people: FixturePerson[] = [];
    for (let i = 0; i < COACHES; i++)
      people.push({ role: 'coach', email: `coach${i}@chaos.example`, name: `Coach ${i}`, capacity: 5 });
    for (let i = 0; i < COACHEES; i++)
      people.push({ role: 'coachee', email: `coachee${i}@chaos.example`, name: `Coachee ${i}` });
    const program = (await (
      await call('/api/v1/programs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(PROGRAM),
      })
    ).json()) as { id: string };

    // The chaos: 3 to 6 s after the last restart, a random replica is killed and started again at once (seeded, so every
    // run kills in the same order).
    const random = seededRandom(2026);
    // Each email in flight (claimed, not yet marked sent) at a worker's kill, and at how many kills.
    const inFlight = new Map<string, number>();
    let chaos = true;
    const chaosDone = (async () => {
      while (chaos) {
        await pause(3000 + random() * 3000);
        if (!chaos) break;
        // A random one among those killed least so far: every replica, each worker group included, dies in turn.
        const fewest = Math.min(...replicas.map((r) => r.kills));
        const candidates = replicas.filter((r) => r.kills === fewest);
        const replica = candidates[Math.floor(random() * candidates.length)];
        await replica.kill();
        // The emails the killed worker had claimed but not marked sent: the only ones that may arrive again.
        if (replica.kind === 'worker') {
          for (const row of await rig.rows<{ key: string }>(
            `select idempotency_key as key from outbox_message where status = 'sending'`,
          )) {
            const id = messageIdOf(row.key);
            inFlight.set(id, (inFlight.get(id) ?? 0) + 1);
          }
        }
        await replica.start();
      }
    })();

    const count = (sql: string) => rig.count(sql, [program.id]);
    try {
      await postOnce(
        `/api/v1/programs/${program.id}/imports`,
        fixtureCsv(people),
        'text/csv',
        async () => (await count(`select count(*) as n from import_batch where program_id = ?`)) > 0,
      );
      await waitFor(
        async () =>
          (await count(`select count(*) as n from enrollment where program_id = ?`)) === COACHEES + COACHES
            ? true
            : undefined,
        'the enrollments',
        600_000,
        500,
      );
      await postOnce(
        `/api/v1/programs/${program.id}/rounds`,
        undefined,
        '',
        async () => (await count(`select count(*) as n from matching_round where program_id = ?`)) > 0,
      );
      const [round] = await waitFor(
        async () => {
          const rows = await rig.rows<{ id: string; status: string; matched: number }>(
            `select id, status::text as status, (stats ->> 'matched')::int as matched from matching_round where program_id = ?`,
            [program.id],
          );
          return rows.length === 1 && rows[0].status === 'proposed' ? rows : undefined;
        },
        'the proposed round',
        600_000,
        500,
      );
      expect(round.matched).toBe(COACHEES);
      await postOnce(
        `/api/v1/rounds/${round.id}/publish`,
        undefined,
        '',
        async () =>
          (await count(`select count(*) as n from matching_round where program_id = ? and status = 'published'`)) > 0,
      );

      // Each coach accepts every offer from the link in its email, as the emails arrive.
      const accepted = new Set<string>();
      await waitFor(
        async () => {
          const links = [
            ...new Set(
              smtp.messages
                .filter((m) => m.subject.startsWith('Coaching offer'))
                .map((m) => new URL(offerLink(m.text)).pathname),
            ),
          ].filter((l) => !accepted.has(l));
          for (let i = 0; i < links.length; i += 10) {
            await Promise.all(
              links.slice(i, i + 10).map(async (link) => {
                const answer = await call(
                  `${link}/accept`,
                  { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' },
                  false,
                );
                if (answer.status !== 200)
                  throw new Error(`accept answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
                accepted.add(link);
              }),
            );
          }
          return accepted.size === COACHEES ? true : undefined;
        },
        'every offer accepted',
        900_000,
        500,
      );
      await waitFor(
        async () =>
          (await count(`select count(*) as n from pairing where program_id = ? and status = 'completed'`)) === COACHEES
            ? true
            : undefined,
        'every pairing completed',
        900_000,
        1000,
      );
    } finally {
      chaos = false;
      await chaosDone;
    }

    // Everything settles with every replica up: no email left to send, no job waiting.
    await waitFor(
      async () =>
        (await rig.count(`select count(*) as n from outbox_message where status <> 'sent'`)) === 0 ? true : undefined,
      'every email sent',
      600_000,
      500,
    );
    await rig.queuesIdle(120_000);

    const kills = Object.fromEntries(replicas.map((r) => [r.name, r.kills]));
    const total = replicas.reduce((n, r) => n + r.kills, 0);
    expect(total).toBeGreaterThanOrEqual(10);
    expect(replicas.every((r) => r.kills >= 2)).toBe(true);

    // Every enrollment, proposal, offer decision, session and reminder once.
    expect(await count(`select count(*) as n from enrollment where program_id = ?`)).toBe(COACHEES + COACHES);
    expect(await count(`select count(*) as n from matching_round where program_id = ?`)).toBe(1);
    expect(await count(`select count(*) as n from pairing where program_id = ?`)).toBe(COACHEES);
    expect(await count(`select count(distinct coachee_id) as n from pairing where program_id = ?`)).toBe(COACHEES);
    expect(
      await count(
        `select count(*) as n from offer o join pairing p on p.id = o.pairing_id where p.program_id = ? and o.decision = 'accepted'`,
      ),
    ).toBe(COACHEES);
    expect(
      await count(`select count(*) as n from offer o join pairing p on p.id = o.pairing_id where p.program_id = ?`),
    ).toBe(COACHEES);
    expect(
      await count(
        `select count(*) as n from coaching_session s join pairing p on p.id = s.pairing_id where p.program_id = ?`,
      ),
    ).toBe(COACHEES);
    expect(
      await count(
        `select count(*) as n from coaching_session s join pairing p on p.id = s.pairing_id where p.program_id = ? and s.reminded_at is not null`,
      ),
    ).toBe(COACHEES);
    // A reminder is sent when its job runs before the session starts; one that ran later (its worker killed, the machine
    // busy) is recorded as done and not sent, since it could only confuse.
    const onTime = await count(
      `select count(*) as n from coaching_session s join pairing p on p.id = s.pairing_id where p.program_id = ? and s.reminded_at < s.starts_at`,
    );
    expect(onTime).toBeGreaterThanOrEqual(COACHEES * 0.9);

    // Every email once, by kind, and the server got exactly the outbox's messages.
    const outbox = await rig.rows<{ key: string }>(`select idempotency_key as key from outbox_message`);
    const byKind = new Map<string, number>();
    for (const { key } of outbox) byKind.set(key.split(':')[0], (byKind.get(key.split(':')[0]) ?? 0) + 1);
    expect(Object.fromEntries(byKind)).toEqual({
      welcome: COACHEES + COACHES,
      offer: COACHEES,
      intro: 2 * COACHEES,
      'session-invites': 2 * COACHEES,
      'session-reminder': 2 * onTime,
      'closing-survey': COACHEES,
    });
    const received = smtp.countsById();
    expect(new Set(received.keys())).toEqual(new Set(outbox.map((o) => messageIdOf(o.key))));
    const twice = [...received].filter(([, n]) => n > 1).map(([id]) => id);
    // A message arrives once, plus at most once more for each kill it was in flight at.
    expect(twice.filter((id) => !inFlight.has(id))).toEqual([]);
    expect([...received].filter(([id, n]) => n > 1 + (inFlight.get(id) ?? 0))).toEqual([]);

    // No job failed for good, in Redis or in the database's record of failures.
    expect(await rig.count(`select count(*) as n from job_failure`)).toBe(0);
    const connection = producerConnection(rig.testEnv.config.redisUrl);
    const queues = Object.values(QueueName).map(
      (name) => new Queue(name, { connection, prefix: rig.testEnv.config.queuePrefix }),
    );
    try {
      expect(
        Object.fromEntries(await Promise.all(queues.map(async (q) => [q.name, await q.getFailedCount()]))),
      ).toEqual(Object.fromEntries(queues.map((q) => [q.name, 0])));
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
    // Figures for docs/reliability.md.
    process.stdout.write(
      `replica chaos: ${total} kills ${JSON.stringify(kills)}; ${outbox.length} emails, ${inFlight.size} in flight at a kill, ${twice.length} sent more than once (${[...received.values()].filter((n) => n > 2).length} three times or more); ${COACHEES - onTime} of ${COACHEES} reminders ran after their session began\n`,
    );
  });
});
