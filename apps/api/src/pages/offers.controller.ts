import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '@tandem/domain';
import { OffersService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { messagePage, sendPage } from './layout';
import { acceptedPage, declinedPage, expiredPage, notFoundPage, offerPage } from './offer.pages';

/** The coach's offer page: GET shows (and changes nothing), only a button press (POST) acts. Rate-limited per client. */
@ApiExcludeController()
@Public()
@Controller('offers')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @Get(':token')
  @RouteConfig({ rateLimit: {} })
  async show(@Param('token') token: string, @Res() reply: FastifyReply) {
    try {
      const view = await this.offers.view(token);
      return sendPage(reply, view.state === 'expired' ? 410 : 200, offerPage(view, token));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  @Post(':token/accept')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  async accept(@Param('token') token: string, @Res() reply: FastifyReply) {
    try {
      const view = await this.offers.view(token);
      const outcome = await this.offers.accept(token);
      return sendPage(reply, 200, acceptedPage(outcome === 'accepted', view.coacheeFirstName));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  @Post(':token/decline')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  async decline(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const reason = typeof body === 'object' && body !== null && typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason : undefined;
    try {
      const outcome = await this.offers.decline(token, reason);
      return sendPage(reply, 200, declinedPage(outcome === 'declined'));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  private failure(reply: FastifyReply, err: unknown): FastifyReply {
    if (!(err instanceof DomainError)) throw err;
    if (err.kind === 'not_found') return sendPage(reply, 404, notFoundPage());
    if (err.code === 'offer_expired') return sendPage(reply, 410, expiredPage());
    if (err.code === 'offer_accepted') return sendPage(reply, 409, messagePage('Already accepted', err.message));
    if (err.code === 'offer_declined') return sendPage(reply, 409, messagePage('Already declined', err.message));
    if (err.kind === 'conflict') return sendPage(reply, 409, messagePage('This offer cannot be accepted', err.message));
    throw err;
  }
}
