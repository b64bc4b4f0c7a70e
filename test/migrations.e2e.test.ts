import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig, pendingMigrations } from '@tandem/domain';
import { createTestEnv, type TestEnv } from './support/test-env';

describe('migrations', () => {
  let env: TestEnv;
  let orm: MikroORM;

  beforeAll(async () => {
    env = await createTestEnv();
    orm = await MikroORM.init(createOrmConfig(env.config.databaseUrl));
  });

  afterAll(async () => {
    await orm?.close();
    await env?.destroy();
  });

  it('leave nothing pending and match the entities exactly', async () => {
    expect(await pendingMigrations(orm)).toEqual([]);
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });

  it('enforce the uniqueness the domain asks for', async () => {
    const em = orm.em.fork();
    const indexes = await em
      .getConnection()
      .execute<{ indexdef: string }[]>(
        `select indexdef from pg_indexes where schemaname = 'public' and indexdef like 'CREATE UNIQUE%'`,
      );
    const defs = indexes.map((i) => i.indexdef).join('\n');
    expect(defs).toMatch(/person.*\(organization_id, email\)/);
    expect(defs).toMatch(/enrollment.*\(program_id, person_id, role\)/);
    expect(defs).toMatch(/outbox_message.*\(idempotency_key\)/);
    expect(defs).toMatch(/api_key.*\(key_hash\)/);
  });

  it('rename the policy rules of stored programs to the one name each has, and back', async () => {
    const conn = orm.em.fork().getConnection();
    const [org] = await conn.execute<{ id: string }[]>(
      `insert into organization (id, name) values (gen_random_uuid(), 'Acme') returning id`,
    );
    const old = (allow: boolean, avoid: boolean) =>
      JSON.stringify({
        objective: 'score',
        minScore: 0,
        allowSameDepartment: allow,
        avoidReportingLine: avoid,
        weights: { skills: 1 },
      });
    for (const [name, allow, avoid] of [
      ['open', true, false],
      ['strict', false, true],
    ] as const) {
      await conn.execute(
        `insert into program (id, organization_id, name, skills, policy, cadence, offer_ttl, feedback) values (gen_random_uuid(), ?, ?, '[]', ?::jsonb, '{}', 'P7D', '{}')`,
        [org.id, name, old(allow, avoid)],
      );
    }
    const policies = async () =>
      Object.fromEntries(
        (
          await conn.execute<{ name: string; policy: Record<string, unknown> }[]>(
            `select name, policy from program order by name`,
          )
        ).map((p) => [p.name, p.policy]),
      );
    const migrator = orm.getMigrator();
    await migrator.down({ to: 'Migration20261203150000Lease' });
    await migrator.up();
    expect(await policies()).toEqual({
      open: {
        objective: 'score',
        minScore: 0,
        forbidSameDepartment: false,
        forbidReportingLine: false,
        weights: { skills: 1 },
      },
      strict: {
        objective: 'score',
        minScore: 0,
        forbidSameDepartment: true,
        forbidReportingLine: true,
        weights: { skills: 1 },
      },
    });
    await migrator.down({ to: 'Migration20261203150000Lease' });
    expect((await policies()).strict).toEqual(JSON.parse(old(false, true)));
    await migrator.up();
    expect(await pendingMigrations(orm)).toEqual([]);
  });
});
