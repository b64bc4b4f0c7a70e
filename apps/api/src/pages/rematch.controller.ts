import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '@tandem/domain';
import { RiskService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { sendPage } from './layout';
import { rematchAcceptedPage, rematchClosedPage, rematchNotFoundPage, rematchPage } from './rematch.pages';

/** The coachee's re-match offer after an at-risk pairing: GET shows (and changes nothing), one POST acts. Rate-limited per client. */
@ApiExcludeController()
@Public()
@Controller('rematch')
export class RematchController {
  constructor(private readonly risk: RiskService) {}

  @Get(':token')
  @RouteConfig({ rateLimit: {} })
  async show(@Param('token') token: string, @Res() reply: FastifyReply) {
    try {
      return sendPage(reply, 200, rematchPage(await this.risk.view(token), token));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  @Post(':token/accept')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  async accept(@Param('token') token: string, @Res() reply: FastifyReply) {
    try {
      return sendPage(reply, 200, rematchAcceptedPage((await this.risk.accept(token)) === 'accepted'));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  private failure(reply: FastifyReply, err: unknown): FastifyReply {
    if (!(err instanceof DomainError)) throw err;
    if (err.kind === 'not_found') return sendPage(reply, 404, rematchNotFoundPage());
    if (err.code === 'pairing_closed') return sendPage(reply, 409, rematchClosedPage());
    throw err;
  }
}
