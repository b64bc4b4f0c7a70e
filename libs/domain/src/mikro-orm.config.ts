import 'reflect-metadata';
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { type DatabasePooler, POOLER_OPTION } from './raw-sql';

/**
 * MikroORM options for a database URL: explicit entities and migrations, never schema sync. `pooler` is
 * DATABASE_POOLER: behind a transaction-mode pooler the statements rawQuery would name are sent unnamed.
 */
export function createOrmConfig(
  databaseUrl: string,
  overrides: Partial<Options> = {},
  pooler: DatabasePooler = 'none',
): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    // Read back by rawQuery (knex keeps its options, and ignores this one).
    driverOptions: { [POOLER_OPTION]: pooler },
    entities: ENTITIES,
    extensions: [Migrator],
    discovery: { disableDynamicFileAccess: true },
    // Creating the database is db:migrate's job (ensureDatabaseExists); the ORM never syncs schema by itself.
    ensureDatabase: false,
    forceUtcTimezone: true,
    pool: { min: 0, max: 10 },
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    debug: false,
    ...overrides,
  });
}
