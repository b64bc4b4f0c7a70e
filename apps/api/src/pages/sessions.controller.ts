import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import type { DomainError } from '@tandem/domain';
import { CadenceService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { answerPage, messagePage, type PageAnswer } from './layout';
import { cancelledPage, movedPage, sessionPage } from './session.pages';

/** Why a move or a cancel was refused, as a page. */
function refused(err: DomainError): PageAnswer | undefined {
  if (err.kind === 'invalid') return { status: 422, markup: messagePage('Please check the new time', err.message) };
  if (err.kind === 'conflict') return { status: 409, markup: messagePage('This session cannot be changed', err.message) };
  return undefined;
}

/** A session's page for the coach or the coachee: GET shows (and changes nothing), only a button press (POST) acts. */
@ApiExcludeController()
@Public()
@Controller('sessions')
export class SessionsController {
  constructor(private readonly cadence: CadenceService) {}

  @Get(':token')
  @RouteConfig({ rateLimit: {} })
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => sessionPage(await this.cadence.view(token), token), refused);
  }

  @Post(':token/move')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  move(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const startsAt = typeof body === 'object' && body !== null && typeof (body as { startsAt?: unknown }).startsAt === 'string' ? (body as { startsAt: string }).startsAt : '';
    return answerPage(
      reply,
      async () => {
        const outcome = await this.cadence.move(token, startsAt);
        return movedPage(await this.cadence.view(token), outcome === 'moved');
      },
      refused,
    );
  }

  @Post(':token/cancel')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  cancel(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => cancelledPage((await this.cadence.cancel(token)) === 'cancelled'), refused);
  }
}
