import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { NetworkAllowList } from '@tandem/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { isRefusal, OpsAuth } from './ops-auth.service';
import { MetricsService } from './metrics.service';

/** Prometheus metrics: for admin or operator keys, or for scrapers on a network listed in METRICS_ALLOW_CIDRS. */
@ApiExcludeController()
@Controller()
@Public()
export class MetricsController {
  private readonly allowList: NetworkAllowList;

  constructor(
    private readonly metrics: MetricsService,
    private readonly auth: OpsAuth,
    @Inject(TANDEM_CONFIG) config: TandemConfig,
  ) {
    this.allowList = new NetworkAllowList(config.metricsAllowCidrs);
  }

  @Get('metrics')
  async scrape(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!this.allowList.allows(request.socket.remoteAddress)) {
      const principal = await this.auth.principalOf(request);
      if (isRefusal(principal)) {
        if (principal.status === 401) reply.header('www-authenticate', 'Bearer');
        await reply.status(principal.status).send({ code: principal.code, message: principal.message });
        return;
      }
      (request as FastifyRequest & { principal?: unknown }).principal = principal;
    }
    const text = await this.metrics.render();
    await reply.status(200).header('content-type', this.metrics.contentType).send(text);
  }
}
