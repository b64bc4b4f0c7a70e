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
    const indexes = await em.getConnection().execute<{ indexdef: string }[]>(`select indexdef from pg_indexes where schemaname = 'public' and indexdef like 'CREATE UNIQUE%'`);
    const defs = indexes.map((i) => i.indexdef).join('\n');
    expect(defs).toMatch(/person.*\(organization_id, email\)/);
    expect(defs).toMatch(/enrollment.*\(program_id, person_id, role\)/);
    expect(defs).toMatch(/outbox_message.*\(idempotency_key\)/);
    expect(defs).toMatch(/api_key.*\(key_hash\)/);
  });
});
