import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { RiskService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { answerPage } from './layout';
import { rematchAcceptedPage, rematchClosedPage, rematchPage } from './rematch.pages';

/** The coachee's re-match offer after an at-risk pairing: GET shows (and changes nothing), one POST acts. Rate-limited per client. */
@ApiExcludeController()
@Public()
@Controller('rematch')
export class RematchController {
  constructor(private readonly risk: RiskService) {}

  @Get(':token')
  @RouteConfig({ rateLimit: {} })
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => rematchPage(await this.risk.view(token), token));
  }

  @Post(':token/accept')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  accept(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(
      reply,
      async () => rematchAcceptedPage((await this.risk.accept(token)) === 'accepted'),
      (err) => (err.code === 'pairing_closed' ? { status: 409, markup: rematchClosedPage() } : undefined),
    );
  }
}
