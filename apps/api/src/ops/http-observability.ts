import { randomUUID } from 'node:crypto';
import { type Logger, safePath, traceRoute } from '@tandem/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MetricsService } from './metrics.service';

/** Routes polled by machines: logged at debug so they do not drown the request log. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);

/** A caller's X-Request-Id when it is a plain token, or a fresh one. */
export function requestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{8,64}$/.test(header) ? header : randomUUID();
}

/**
 * One log line and one latency observation per request. The route is the pattern (`/offers/:token`), never the raw
 * URL; the caller's organization is added once a key was checked; headers, bodies and query strings are never logged.
 * With tracing on, the request's span is named after the same pattern.
 */
export function installHttpObservability(
  fastify: FastifyInstance,
  logger: Logger,
  metrics: MetricsService,
  { traced }: { traced: boolean },
): void {
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (traced && request.routeOptions.url) traceRoute(request.routeOptions.url);
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    const ms = Math.round(reply.elapsedTime * 10) / 10;
    const status = reply.statusCode;
    metrics.httpDuration.observe(
      { method: request.method, route: route ?? 'unmatched', status: String(status) },
      ms / 1000,
    );
    const principal = (request as FastifyRequest & { principal?: { organizationId?: string } }).principal;
    const line = {
      reqId: request.id,
      method: request.method,
      route: route ?? safePath(request.url),
      status,
      ms,
      ...(principal?.organizationId ? { organizationId: principal.organizationId } : {}),
    };
    if (status >= 500) logger.error(line, 'request failed');
    else if (route && QUIET_ROUTES.has(route)) logger.debug(line, 'request');
    else logger.info(line, 'request');
  });
}
