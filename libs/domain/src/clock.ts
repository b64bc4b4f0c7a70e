import { type DynamicModule, Global, Module } from '@nestjs/common';

/** Time as a dependency, so tests can move it. */
export abstract class Clock {
  abstract now(): Date;
}

/** The real clock. */
export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * Provides the `Clock` to every module of an app (a global module): the real one, or the one a test passes in. The api
 * and the worker of one test share the test's clock, so a time a job reads is the time the test set.
 */
@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return { module: ClockModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}
