import { messageIdOf } from '@tandem/mail';
import { MikroORM } from '@mikro-orm/postgresql';
import { randomBytes } from 'node:crypto';
import { createOrmConfig, dropDatabase, rawQuery } from '@tandem/domain';
import { cadenceEmailKeys, plannedSessions } from '../support/fault-fixtures';
import { FaultRig } from '../support/fault-rig';
import { PrivatePgBouncer } from '../support/private-pgbouncer';
import { runCli } from '../support/processes';
import { fixtureCsv, type FixturePerson, offerLink } from '../support/program-fixture';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/test-env';

/**
 * PostgreSQL behind PgBouncer in transaction mode (Debian's 1.18, which carries no protocol-level prepared statement
 * from one server connection to another). The api and the worker (real processes) reach the database only through a
 * PgBouncer the test starts, with DATABASE_POOLER=transaction; the offer page, its batched lookup included, and a
 * program from import to its sessions' emails run through it.
 */
jest.setTimeout(300_000);

describe('PgBouncer in transaction mode', () => {
  describe('named prepared statements', () => {
    // One server connection for every client: two clients preparing the same name meet on it.
    let bouncer: PrivatePgBouncer;
    beforeAll(async () => {
      bouncer = await PrivatePgBouncer.start({ poolSize: 1 });
    });
    afterAll(async () => {
      await bouncer?.destroy();
    });

    const lookups = async (pooler: 'none' | 'transaction') => {
      const orm = await MikroORM.init(createOrmConfig(bouncer.url('postgres'), { pool: { min: 2, max: 2 } }, pooler));
      try {
        const lookup = () =>
          rawQuery<{ n: number }>(orm.em.fork(), 'select ?::int + 1 as n', [41], { prepare: 'pooler_probe' });
        return await Promise.allSettled([lookup(), lookup(), lookup(), lookup()]);
      } finally {
        await orm.close();
      }
    };

    it('break behind it unless DATABASE_POOLER=transaction, which sends them unnamed', async () => {
      const named = await lookups('none');
      const failed = named.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failed.length).toBeGreaterThan(0);
      expect(String(failed[0].reason.message)).toMatch(
        /prepared statement "pooler_probe" (already exists|does not exist)/,
      );

      const unnamed = await lookups('transaction');
      expect(unnamed.map((r) => (r.status === 'fulfilled' ? r.value[0].n : r.reason.message))).toEqual([
        42, 42, 42, 42,
      ]);
    });

    it('lets db:migrate create and migrate a database through it', async () => {
      const database = `tandem_test_pooler_${randomBytes(5).toString('hex')}`;
      const env = { DATABASE_URL: bouncer.url(database), DATABASE_POOLER: 'transaction', LOG_LEVEL: 'silent' };
      try {
        const first = runCli(['db:migrate'], env);
        expect(first.status).toBe(0);
        expect(first.json.databaseCreated).toBe(true);
        expect(first.json.applied.length).toBeGreaterThan(0);
        const again = runCli(['db:migrate'], env);
        expect(again.json).toEqual({ databaseCreated: false, applied: [] });
      } finally {
        await dropDatabase(`postgres://postgres@localhost:5432/${database}`);
      }
    });
  });

  describe('the api and worker behind it', () => {
    const smtp = new SmtpSink();
    let bouncer: PrivatePgBouncer;
    let rig: FaultRig;

    beforeAll(async () => {
      bouncer = await PrivatePgBouncer.start({ poolSize: 3 });
      rig = await FaultRig.start(
        { SMTP_URL: await smtp.start(), DATABASE_POOLER: 'transaction', PAGE_RATE_LIMIT: '10000' },
        { processDatabaseUrl: (direct) => bouncer.via(direct) },
      );
    });

    afterAll(async () => {
      await rig?.stop();
      await bouncer?.destroy();
      await smtp.stop();
    });

    it('serves bursts of offer pages and runs a program from import to its sessions, every email once', async () => {
      const database = new URL(rig.testEnv.config.databaseUrl).pathname.slice(1);
      expect(rig.processEnv.DATABASE_URL).toBe(bouncer.url(database));
      const worker = rig.startWorker({ LOG_LEVEL: 'info' });
      await rig.booted(worker);

      const pairs = 12;
      const people: FixturePerson[] = [];
      for (let i = 0; i < pairs; i++) {
        people.push({ role: 'coach', email: `coach${i}@bouncer.example`, name: `Coach ${i}`, capacity: 1 });
        people.push({ role: 'coachee', email: `coachee${i}@bouncer.example`, name: `Coachee${i} Person` });
      }
      const program = await rig.post('/api/v1/programs', {
        name: 'Behind the pooler',
        cadence: { interval: 'PT15S', sessions: 2, sessionDuration: 'PT1S', reminderLead: 'PT5S' },
        feedback: { reminderAfter: 'P3D' },
      });
      expect(
        (
          await rig.importDone(
            (await rig.post(`/api/v1/programs/${program.id}/imports`, fixtureCsv(people), 'text/csv')).id,
          )
        ).status,
      ).toBe('succeeded');
      const round = await rig.post(`/api/v1/programs/${program.id}/rounds`);
      expect(await rig.roundDone(round.id)).toMatchObject({ status: 'proposed', matched: pairs });
      await rig.post(`/api/v1/rounds/${round.id}/publish`);
      const isOffer = (m: { subject: string }) => m.subject.startsWith('Coaching offer');
      const offers = await waitFor(
        async () => (smtp.messages.filter(isOffer).length === pairs ? smtp.messages.filter(isOffer) : undefined),
        'the offers',
        60_000,
      );

      // Each coach's page names the coachee proposed to that coach: the pairings of the round, from the database.
      const proposed = await rig.rows<{ coach: string; coachee: string }>(
        `select cp.email as coach, ep.email as coachee from pairing p
           join enrollment ce on ce.id = p.coach_id join person cp on cp.id = ce.person_id
           join enrollment ee on ee.id = p.coachee_id join person ep on ep.id = ee.person_id
          where p.round_id = ?`,
        [round.id],
      );
      const coacheeOf = new Map(proposed.map((row) => [row.coach, Number(/coachee(\d+)@/.exec(row.coachee)![1])]));
      // Bursts of page views (batched into one lookup per turn), 5 views of every offer at once, 3 times over.
      for (let burst = 0; burst < 3; burst++) {
        const views = await Promise.all(
          offers.flatMap((offer) =>
            Array.from({ length: 5 }, async () => {
              const response = await rig.fetch(new URL(offerLink(offer.text)).pathname);
              return { coach: offer.to[0], status: response.status, text: await response.text() };
            }),
          ),
        );
        for (const view of views) {
          expect(view.status).toBe(200);
          expect(view.text).toContain(`Would you coach Coachee${coacheeOf.get(view.coach)}?`);
        }
      }
      for (const offer of offers) {
        const accepted = await rig.fetch(`${new URL(offerLink(offer.text)).pathname}/accept`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: '',
        });
        expect(accepted.status).toBe(200);
        expect(await accepted.text()).toContain('Thank you!');
      }
      const page = await rig.fetch(new URL(offerLink(offers[0].text)).pathname);
      expect(await page.text()).toContain(`You accepted to coach Coachee${coacheeOf.get(offers[0].to[0])}.`);

      const sessions = await plannedSessions(rig, program.id, pairs * 2);
      const expectedKeys = cadenceEmailKeys(sessions);
      const expectedIds = new Set(expectedKeys.map(messageIdOf));
      const arrived = () => smtp.messages.filter((m) => expectedIds.has(m.messageId));
      await waitFor(
        async () => (arrived().length >= expectedKeys.length ? true : undefined),
        `${expectedKeys.length} reminders and feedback requests`,
        150_000,
        200,
      );
      await waitFor(
        async () =>
          (await rig.count(`select count(*) as n from outbox_message where status <> 'sent'`)) === 0 ? true : undefined,
        'the outbox to drain',
        60_000,
        200,
      );

      expect(new Set(arrived().map((m) => m.messageId)).size).toBe(expectedKeys.length);
      expect(arrived()).toHaveLength(expectedKeys.length);
      const all = smtp.messages.map((m) => m.messageId);
      expect(new Set(all).size).toBe(all.length);
      expect(
        await rig.count(`select count(*) as n from pairing where round_id = ? and status = 'active'`, [round.id]),
      ).toBe(pairs);
      expect(
        await rig.count(`select count(*) as n from feedback where session_id = any(?)`, [sessions.map((s) => s.id)]),
      ).toBe(pairs * 2 * 2);
      expect(await rig.rows(`select job_name, error from job_failure`)).toEqual([]);
      expect((await rig.fetch('/ready')).status).toBe(200);

      // It all went through PgBouncer's few server connections, and no statement failed there.
      const stats = (await bouncer.show('STATS')).find((row) => row.database === database);
      expect(Number(stats?.total_xact_count)).toBeGreaterThan(100);
      const pool = (await bouncer.show('POOLS')).find((row) => row.database === database);
      expect(
        Number(pool?.sv_active) +
          Number(pool?.sv_idle) +
          Number(pool?.sv_used) +
          Number(pool?.sv_tested) +
          Number(pool?.sv_login),
      ).toBeLessThanOrEqual(3);
      expect(worker.output.join('')).not.toMatch(/prepared statement/);
      expect(rig.api.output.join('')).not.toMatch(/prepared statement/);
      process.stdout.write(
        `pgbouncer: ${stats?.total_xact_count} transactions and ${stats?.total_query_count} queries through 3 server connections; ${pairs * 15} offer page views; ${expectedKeys.length} reminders and requests sent once\n`,
      );
      await worker.stop('SIGTERM');
    });
  });
});
