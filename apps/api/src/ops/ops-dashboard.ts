import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { Inject, Injectable } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { ApiKeyRole } from '@tandem/domain';
import { type Logger, redactText } from '@tandem/observability';
import { JobProducer, QueueName } from '@tandem/queues';
import type { Principal } from '@tandem/workflows';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answerBodyError } from '../http/body-errors';
import { toErrorResponse } from '../http/error-body';
import { API_LOGGER } from './api-logger';
import { isRefusal, OpsAuth, type OpsRefusal } from './ops-auth.service';
import { writeOpsSession } from './ops-session';

export const DASHBOARD_PATH = '/ops/queues';

/** Dashboard API routes an operator may call besides reads: retrying failed jobs. Everything else that acts is admin-only. */
const OPERATOR_ACTIONS: Record<string, (params: Record<string, string>, producer: JobProducer) => Promise<boolean>> = {
  [`${DASHBOARD_PATH}/api/queues/:queueName/retry/:queueStatus`]: async (params) => params.queueStatus === 'failed',
  [`${DASHBOARD_PATH}/api/queues/:queueName/:jobId/retry`]: async (params, producer) => {
    if (!(Object.values(QueueName) as string[]).includes(params.queueName)) return false;
    return (await producer.queue(params.queueName as QueueName).getJobState(params.jobId)) === 'failed';
  },
};

const READS = new Set(['GET', 'HEAD']);

const REDIS_DOWN =
  /Stream isn't writeable|Connection is closed|enableOfflineQueue|ECONNREFUSED|ETIMEDOUT|max retries|Reached the max/i;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(message?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tandem operations: sign in</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}input{width:100%;padding:.5rem;margin:.5rem 0;box-sizing:border-box}button{padding:.5rem 1rem}.error{color:#b00020}</style></head>
<body><h1>Tandem operations</h1>${message ? `<p class="error">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/ops/login"><label for="key">Admin or operator API key</label>
<input id="key" name="key" type="password" autocomplete="off" required><button type="submit">Sign in</button></form></body></html>`;
}

/**
 * bull-board over every queue at /ops/queues. bull-board has no authentication of its own, so its routes live in a
 * Fastify scope whose onRequest hook lets in admin and operator keys only (Bearer header or the signed sign-in cookie),
 * and operators only to read and retry failed jobs. /ops/login is the sign-in form for browsers.
 */
@Injectable()
export class OpsDashboard {
  constructor(
    private readonly auth: OpsAuth,
    private readonly producer: JobProducer,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
    @Inject(API_LOGGER) private readonly logger: Logger,
  ) {}

  /** Registers the dashboard and the sign-in routes on the api's Fastify instance (before it starts). */
  mount(fastify: FastifyInstance): void {
    const serverAdapter = new BullBoardFastifyAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({
      queues: Object.values(QueueName).map((name) => new BullMQAdapter(this.producer.queue(name))),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'Tandem queues' } },
    });
    serverAdapter.setErrorHandler(
      (error: Error) => this.errorResponse(error) as ReturnType<Parameters<typeof serverAdapter.setErrorHandler>[0]>,
    );
    const board = serverAdapter.registerPlugin();

    void fastify.register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        const principal = await this.auth.principalOf(request);
        if (isRefusal(principal)) return this.refuse(request, reply, principal);
        (request as FastifyRequest & { principal?: Principal }).principal = principal;
        if (principal.role === ApiKeyRole.Admin || READS.has(request.method)) return;
        const allowed = OPERATOR_ACTIONS[request.routeOptions.url ?? ''];
        if (!allowed || !(await allowed(request.params as Record<string, string>, this.producer))) {
          return this.refuse(request, reply, {
            status: 403,
            code: 'forbidden',
            message: 'operators may inspect and retry failed jobs; removing or cleaning needs an admin key',
          });
        }
      });
      scope.addHook('preHandler', answerBodyError);
      scope.setErrorHandler((error, _request, reply) => {
        const { status, body } = toErrorResponse(error);
        return reply.status(status).send(body);
      });
      await scope.register(board, { prefix: DASHBOARD_PATH });
      // Any other method or path under the dashboard is answered here, inside the scope, so the hook above decides
      // first: no key 401, an operator's DELETE or other action 403, and only an admin learns that it does not exist.
      scope.route({
        method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        url: `${DASHBOARD_PATH}/*`,
        handler: async (_request, reply) =>
          reply.status(404).send({ code: 'not_found', message: 'no such dashboard route' }),
      });
    });

    fastify.get('/ops/login', async (_request, reply) => reply.type('text/html; charset=utf-8').send(loginPage()));
    fastify.post('/ops/login', { preHandler: answerBodyError }, async (request, reply) => {
      const body = request.body as { key?: unknown } | undefined;
      const key = typeof body?.key === 'string' ? body.key.trim() : '';
      const json = !(request.headers['content-type'] ?? '').includes('form-urlencoded');
      const principal = key
        ? await this.auth.admitKey(key)
        : ({ status: 401, code: 'unauthenticated', message: 'enter an API key' } as OpsRefusal);
      if (isRefusal(principal)) {
        reply.status(principal.status);
        return json
          ? reply.send({ code: principal.code, message: principal.message })
          : reply.type('text/html; charset=utf-8').send(loginPage(principal.message));
      }
      (request as FastifyRequest & { principal?: Principal }).principal = principal;
      writeOpsSession(reply, this.config, principal.keyId);
      return json ? reply.status(204).send() : reply.redirect(DASHBOARD_PATH, 303);
    });
    fastify.post('/ops/logout', async (_request, reply) => {
      writeOpsSession(reply, this.config, undefined);
      return reply.status(204).send();
    });
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, refusal: OpsRefusal) {
    if (refusal.status === 401) reply.header('www-authenticate', 'Bearer');
    const wantsPage = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if (wantsPage)
      return reply.status(refusal.status).type('text/html; charset=utf-8').send(loginPage(refusal.message));
    return reply.status(refusal.status).send({ code: refusal.code, message: refusal.message });
  }

  /** bull-board's errors as Tandem's error body; Redis being away answers 503 at once. */
  private errorResponse(error: Error & { statusCode?: number }): {
    status: number;
    body: { code: string; message: string };
  } {
    if (REDIS_DOWN.test(error.message))
      return {
        status: 503,
        body: { code: 'queue_unavailable', message: 'the job queue is unavailable; try again shortly' },
      };
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) this.logger.error({ error: redactText(error.message) }, 'dashboard request failed');
    return {
      status,
      body: {
        code: status === 404 ? 'not_found' : status === 500 ? 'internal_error' : 'bad_request',
        message: status === 500 ? 'something went wrong on our side' : error.message,
      },
    };
  }
}
