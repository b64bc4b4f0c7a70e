import { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import { createOrmConfig, rawQuery } from '@tandem/domain';
import { runCli } from './support/processes';
import { createTestEnv, type TestEnv } from './support/test-env';

describe('npm run demo', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
  });

  afterAll(() => env?.destroy());

  it('creates an organization and a program, imports the sample, runs a round and publishes the offers', async () => {
    const result = runCli(['demo'], { ...env.env, LOG_LEVEL: 'warn' });
    expect(result.status).toBe(0);
    expect(result.json).toMatchObject({
      apiKey: expect.stringMatching(/^tdm_/),
      imported: { rows: 75, created: 75 },
      round: { matched: 60, unmatched: 0 },
      offerEmails: expect.stringContaining('/api/v1/outbox'),
    });
    const orm = await MikroORM.init(createOrmConfig(env.config.databaseUrl));
    try {
      const em = orm.em.fork() as EntityManager;
      const [offers] = await rawQuery<{ n: string }>(
        em,
        `select count(*) as n from outbox_message where idempotency_key like 'offer:%' and status = 'held'`,
      );
      expect(Number(offers.n)).toBe(60);
      const [enrolled] = await rawQuery<{ n: string }>(em, `select count(*) as n from enrollment`);
      expect(Number(enrolled.n)).toBe(75);
    } finally {
      await orm.close();
    }
  });
});
