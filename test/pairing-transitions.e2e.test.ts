import { MikroORM } from '@mikro-orm/postgresql';
import {
  createOrmConfig,
  Enrollment,
  EnrollmentRole,
  Organization,
  Pairing,
  PAIRING_TRANSITIONS,
  PairingEvent,
  PairingStatus,
  Person,
  Program,
  rawQuery,
} from '@tandem/domain';
import { DEFAULT_CADENCE, DEFAULT_FEEDBACK, DEFAULT_POLICY, DEFAULT_SKILLS } from '@tandem/workflows';
import { transitionPairing, transitionPairings } from '@tandem/workflows/pairing/pairing-status';
import { createTestEnv, type TestEnv } from './support/test-env';

/** transitionPairings against a real database: the table's changes happen, every other one changes nothing. */
describe('pairing transitions', () => {
  let env: TestEnv;
  let orm: MikroORM;
  let coachId: string;
  let coacheeIds: string[];
  let programId: string;
  let organizationId: string;

  beforeAll(async () => {
    env = await createTestEnv();
    orm = await MikroORM.init(createOrmConfig(env.config.databaseUrl));
    const em = orm.em.fork();
    const organization = em.create(Organization, { name: 'Transitions' });
    const program = em.create(Program, {
      organization,
      name: 'States',
      skills: DEFAULT_SKILLS,
      policy: DEFAULT_POLICY,
      cadence: DEFAULT_CADENCE,
      offerTtl: 'P7D',
      feedback: DEFAULT_FEEDBACK,
    });
    const enroll = (i: number, role: EnrollmentRole) =>
      em.create(Enrollment, {
        program,
        role,
        skills: {},
        person: em.create(Person, { organization, email: `p${i}@example.test`, name: `Person ${i}`, timezone: 'UTC' }),
      });
    const coach = enroll(0, EnrollmentRole.Coach);
    const coachees = Array.from({ length: Object.values(PairingStatus).length * 2 }, (_, i) =>
      enroll(i + 1, EnrollmentRole.Coachee),
    );
    await em.flush();
    [organizationId, programId, coachId, coacheeIds] = [
      organization.id,
      program.id,
      coach.id,
      coachees.map((c) => c.id),
    ];
  });

  afterAll(async () => {
    await orm?.close();
    await env?.destroy();
  });

  let next = 0;
  /** A new pairing in a given state, for a coachee of its own (one live pairing per coachee). */
  async function pairingIn(status: PairingStatus): Promise<string> {
    const em = orm.em.fork();
    const pairing = em.create(Pairing, {
      organization: organizationId,
      program: programId,
      coach: coachId,
      coachee: coacheeIds[next++],
      status,
      score: 50,
      breakdown: { score: 50, terms: [], skills: [], reasons: [] },
    });
    await em.flush();
    return pairing.id;
  }

  /** The pairing's state and stamps (times as ISO text). */
  async function read(id: string) {
    const [row] = await rawQuery<{
      status: PairingStatus;
      activated_at: string | null;
      ended_at: string | null;
      at_risk_reason: string | null;
    }>(orm.em.fork(), `select status, activated_at, ended_at, at_risk_reason from pairing where id = ?`, [id]);
    const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());
    return { ...row, activated_at: iso(row.activated_at), ended_at: iso(row.ended_at) };
  }

  it('moves a pairing along every change of the table and refuses every other one', async () => {
    const now = new Date('2026-12-01T10:00:00Z');
    const changes = PAIRING_TRANSITIONS.filter((t) => t.from !== null);
    const events = [...new Set(changes.map((t) => t.event))];
    for (const from of Object.values(PairingStatus)) {
      for (const event of events) {
        const allowed = changes.find((t) => t.event === event && t.from === from);
        const id = await pairingIn(from);
        const moved = await orm.em.fork().transactional((tem) => transitionPairing(tem, event, id, { now }));
        const after = await read(id);
        expect([from, event, moved, after.status]).toEqual([from, event, !!allowed, allowed ? allowed.to : from]);
        // The pairing goes, so its coachee takes the next case.
        await rawQuery(orm.em.fork(), `delete from pairing where id = ?`, [id]);
        next--;
      }
    }
  });

  it('stamps the time a state has and keeps an at-risk reason already given', async () => {
    const now = new Date('2026-12-02T09:30:00Z');
    const offered = await pairingIn(PairingStatus.Offered);
    expect(await transitionPairing(orm.em.fork(), PairingEvent.Accept, offered, { now })).toBe(true);
    expect(await read(offered)).toEqual({
      status: PairingStatus.Active,
      activated_at: now.toISOString(),
      ended_at: null,
      at_risk_reason: null,
    });
    expect(await transitionPairing(orm.em.fork(), PairingEvent.End, offered, { now, atRiskReason: 'inactive' })).toBe(
      true,
    );
    expect(await read(offered)).toEqual({
      status: PairingStatus.Ended,
      activated_at: now.toISOString(),
      ended_at: now.toISOString(),
      at_risk_reason: 'inactive',
    });

    const active = await pairingIn(PairingStatus.Active);
    await rawQuery(orm.em.fork(), `update pairing set at_risk_reason = 'fit' where id = ?`, [active]);
    await transitionPairing(orm.em.fork(), PairingEvent.End, active, { now, atRiskReason: 'no-sessions-held' });
    expect((await read(active)).at_risk_reason).toBe('fit');
  });

  it('moves only the pairings still in a state the event leaves, when several are asked at once', async () => {
    const now = new Date('2026-12-03T08:00:00Z');
    const ids = [
      await pairingIn(PairingStatus.Offered),
      await pairingIn(PairingStatus.Declined),
      await pairingIn(PairingStatus.Offered),
    ];
    const moved = await transitionPairings(orm.em.fork(), PairingEvent.Expire, { ids }, { now });
    expect(moved.map((m) => m.id).sort()).toEqual([ids[0], ids[2]].sort());
    expect((await Promise.all(ids.map(read))).map((r) => r.status)).toEqual([
      PairingStatus.Expired,
      PairingStatus.Declined,
      PairingStatus.Expired,
    ]);
    // Asked again (a retried job), nothing moves.
    expect(await transitionPairings(orm.em.fork(), PairingEvent.Expire, { ids }, { now })).toEqual([]);
  });
});
