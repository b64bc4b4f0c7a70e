import {
  BeforeApplicationShutdown,
  Inject,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, HttpAdapterHost } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { createLogger, flushTracing, type Logger, redactText } from '@tandem/observability';
import { WorkflowsModule } from '@tandem/workflows';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { API_LOGGER } from './api-logger';
import { installHttpObservability } from './http-observability';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { OpsAuth } from './ops-auth.service';
import { OpsDashboard } from './ops-dashboard';

/** The api's operations surface: queue dashboard, metrics, request logs and a bounded drain on shutdown. */
@Module({
  imports: [DiscoveryModule, WorkflowsModule],
  controllers: [MetricsController],
  providers: [
    { provide: API_LOGGER, useFactory: (config: TandemConfig) => createLogger(config, 'api'), inject: [TANDEM_CONFIG] },
    OpsAuth,
    OpsDashboard,
    MetricsService,
  ],
  exports: [API_LOGGER, MetricsService, OpsDashboard],
})
export class OpsModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
    @Inject(API_LOGGER) private readonly logger: Logger,
  ) {}

  /** Redis errors on the producer queues become one log line now and then (requests answer 503 meanwhile). */
  onApplicationBootstrap(): void {
    let last = 0;
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as unknown;
      if (!(instance instanceof Queue)) continue;
      instance.on('error', (err: Error) => {
        if (Date.now() - last < 10_000) return;
        last = Date.now();
        this.logger.warn(
          { queue: instance.name, error: redactText(err.message) },
          'redis unavailable; queue requests answer 503 until it is back',
        );
      });
    }
  }

  /** Set on SIGTERM: every answer from then on closes its connection (see installOps). */
  stopping = false;

  /**
   * Nest closes the HTTP server after this hook: Fastify stops accepting connections, closes the idle keep-alive ones
   * and answers requests arriving on the others 503. Requests in flight are answered with `Connection: close`, so each
   * connection ends with its answer and the process exits as soon as the last one is done, not when keep-alive or the
   * grace runs out. Connections still open after the grace period are cut so that a stuck client cannot hold it.
   */
  beforeApplicationShutdown(signal?: string): void {
    this.stopping = true;
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    this.logger.info({ signal, graceMs: this.config.shutdownGraceMs }, 'api stopping: draining requests');
    if (!fastify?.server) return;
    fastify.server.closeIdleConnections();
    setTimeout(() => fastify.server.closeAllConnections(), this.config.shutdownGraceMs).unref();
  }

  /** The last requests' spans leave before the process does. */
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}

/** Wires request logging and metrics and mounts the dashboard on a created (not yet started) api. */
export function installOps(app: NestFastifyApplication): void {
  // Nest's adapter bundles its own copy of Fastify's types; the instance is the same Fastify 5.
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const traced = app.get<TandemConfig>(TANDEM_CONFIG, { strict: false }).tracing !== undefined;
  installHttpObservability(
    fastify,
    app.get(API_LOGGER, { strict: false }),
    app.get(MetricsService, { strict: false }),
    { traced },
  );
  app.get(OpsDashboard, { strict: false }).mount(fastify);
  const ops = app.get(OpsModule, { strict: false });
  fastify.addHook('onSend', async (request, reply, payload) => {
    if (ops.stopping && request.raw.httpVersionMajor === 1) reply.header('connection', 'close');
    return payload;
  });
}
