import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '@tandem/config';
import { createOrmConfig, ensureDatabaseExists, migrate } from '@tandem/domain';
import { type CliCommand, parseFlags, printJson } from '../cli-command';

export const dbMigrateCommand: CliCommand = {
  name: 'db:migrate',
  summary: 'create the database in DATABASE_URL if missing, then apply migrations',
  async run(args) {
    parseFlags(args, []);
    const config = loadConfig();
    const created = await ensureDatabaseExists(config.databaseUrl);
    const orm = await MikroORM.init(createOrmConfig(config.databaseUrl, {}, config.databasePooler));
    try {
      const applied = await migrate(orm);
      process.stderr.write(
        `database ${created ? 'created and ' : ''}migrated (${applied.length} migration(s) applied)\n`,
      );
      printJson({ databaseCreated: created, applied });
      return 0;
    } finally {
      await orm.close();
    }
  },
};
