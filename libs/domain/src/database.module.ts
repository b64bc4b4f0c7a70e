import { MikroOrmModule } from '@mikro-orm/nestjs';
import type { DynamicModule } from '@nestjs/common';

type MaybePromise<T> = T | Promise<T>;
import type { TandemConfig } from '@tandem/config';
import { createOrmConfig } from './mikro-orm.config';

/** MikroORM on the configured database (a global module); use cases fork the EntityManager per unit of work. */
export const DatabaseModule = {
  forRoot(config: TandemConfig): MaybePromise<DynamicModule> {
    return MikroOrmModule.forRoot({
      ...createOrmConfig(config.databaseUrl, {}, config.databasePooler),
      registerRequestContext: false,
    });
  },
};
