import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, type TandemConfig } from '@tandem/config';
import { createOrmConfig } from '@tandem/domain';

/** Runs a command body with the ORM open, and closes it however the body ends. */
export async function withOrm<T>(fn: (orm: MikroORM, config: TandemConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const orm = await MikroORM.init(createOrmConfig(config.databaseUrl, {}, config.databasePooler));
  try {
    return await fn(orm, config);
  } finally {
    await orm.close();
  }
}
