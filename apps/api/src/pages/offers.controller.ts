import { Body, Param, Res } from '@nestjs/common';
import type { DomainError } from '@tandem/domain';
import { OffersService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { answerPage, messagePage, type PageAnswer } from './layout';
import { acceptedPage, declinedPage, expiredPage, offerPage } from './offer.pages';
import { PagePost, ShowPage, TokenPageController } from './token-page';

/** Why a decision was refused, as a page: a decision never flips, and an expired offer takes none. */
function refused(err: DomainError): PageAnswer | undefined {
  if (err.code === 'offer_expired') return { status: 410, markup: expiredPage() };
  if (err.code === 'offer_accepted') return { status: 409, markup: messagePage('Already accepted', err.message) };
  if (err.code === 'offer_declined') return { status: 409, markup: messagePage('Already declined', err.message) };
  if (err.kind === 'conflict') return { status: 409, markup: messagePage('This offer cannot be accepted', err.message) };
  return undefined;
}

/** The coach's offer page: GET shows (and changes nothing), only a button press (POST) acts. Rate-limited per client. */
@TokenPageController('offers')
export class OffersController {
  constructor(private readonly offers: OffersService) {}

  @ShowPage()
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => {
      const view = await this.offers.view(token);
      return { status: view.state === 'expired' ? 410 : 200, markup: offerPage(view, token) };
    });
  }

  @PagePost('accept')
  accept(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(
      reply,
      async () => {
        const { outcome, coacheeFirstName } = await this.offers.accept(token);
        return acceptedPage(outcome === 'accepted', coacheeFirstName);
      },
      refused,
    );
  }

  @PagePost('decline')
  decline(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const reason = typeof body === 'object' && body !== null && typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason : undefined;
    return answerPage(reply, async () => declinedPage((await this.offers.decline(token, reason)) === 'declined'), refused);
  }
}
