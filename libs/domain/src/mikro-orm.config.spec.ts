import { MikroORM } from '@mikro-orm/postgresql';
import { Organization } from './entities';
import { createOrmConfig } from './mikro-orm.config';

describe('the ORM configuration', () => {
  let orm: MikroORM;

  beforeAll(async () => {
    orm = await MikroORM.init(
      createOrmConfig(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@localhost:5432/postgres'),
    );
  });

  afterAll(() => orm.close());

  // Jobs and requests run without an ORM context of their own: each service method forks. This guard is what makes
  // a method that forgot to fork fail at once instead of sharing one identity map between jobs or requests.
  it('refuses work on the shared EntityManager, and allows it on a fork', async () => {
    expect(() => orm.em.persist(Object.assign(new Organization(), { name: 'Shared' }))).toThrow(
      /global EntityManager instance methods for context specific actions is disallowed/,
    );
    await expect(orm.em.find(Organization, {})).rejects.toThrow(/disallowed/);
    expect(() => orm.em.fork().persist(Object.assign(new Organization(), { name: 'Forked' }))).not.toThrow();
  });
});
