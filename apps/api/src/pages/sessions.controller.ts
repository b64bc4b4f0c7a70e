import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '@tandem/domain';
import { CadenceService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { messagePage, sendPage } from './layout';
import { cancelledPage, movedPage, sessionNotFoundPage, sessionPage } from './session.pages';

/** A session's page for the coach or the coachee: GET shows (and changes nothing), only a button press (POST) acts. */
@ApiExcludeController()
@Public()
@Controller('sessions')
export class SessionsController {
  constructor(private readonly cadence: CadenceService) {}

  @Get(':token')
  @RouteConfig({ rateLimit: {} })
  async show(@Param('token') token: string, @Res() reply: FastifyReply) {
    try {
      return sendPage(reply, 200, sessionPage(await this.cadence.view(token), token));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  @Post(':token/move')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  async move(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const startsAt = typeof body === 'object' && body !== null && typeof (body as { startsAt?: unknown }).startsAt === 'string' ? (body as { startsAt: string }).startsAt : '';
    try {
      const outcome = await this.cadence.move(token, startsAt);
      return sendPage(reply, 200, movedPage(await this.cadence.view(token), outcome === 'moved'));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  @Post(':token/cancel')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  async cancel(@Param('token') token: string, @Res() reply: FastifyReply) {
    try {
      return sendPage(reply, 200, cancelledPage((await this.cadence.cancel(token)) === 'cancelled'));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  private failure(reply: FastifyReply, err: unknown): FastifyReply {
    if (!(err instanceof DomainError)) throw err;
    if (err.kind === 'not_found') return sendPage(reply, 404, sessionNotFoundPage());
    if (err.kind === 'invalid') return sendPage(reply, 422, messagePage('Please check the new time', err.message));
    if (err.kind === 'conflict') return sendPage(reply, 409, messagePage('This session cannot be changed', err.message));
    throw err;
  }
}
