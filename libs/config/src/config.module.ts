import { DynamicModule, Global, Module } from '@nestjs/common';
import { loadConfig, TandemConfig } from './config';

/** Injection token for the validated TandemConfig. */
export const TANDEM_CONFIG = Symbol('TANDEM_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Provides the config; pass one in (tests) or let it read the environment. */
  static forRoot(config: TandemConfig = loadConfig()): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: TANDEM_CONFIG, useValue: config }],
      exports: [TANDEM_CONFIG],
    };
  }
}
