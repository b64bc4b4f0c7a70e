import { Body, Param, Res } from '@nestjs/common';
import type { DomainError } from '@tandem/domain';
import { type Locale, t } from '@tandem/mail';
import { OffersService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { answerPage, messagePage, type PageAnswer, viewLocale } from './layout';
import { acceptedPage, declinedPage, expiredPage, offerPage } from './offer.pages';
import { PagePost, ShowPage, TokenPageController } from './token-page';

const CONFLICTS = ['offer_accepted', 'offer_declined', 'coach_full', 'coachee_taken', 'offer_closed'] as const;

/** Why a decision was refused, as a page in the coach's language: a decision never flips, and an expired offer takes none. */
function refused(err: DomainError, locale: Locale): PageAnswer | undefined {
  if (err.code === 'offer_expired') return { status: 410, markup: expiredPage(locale) };
  const code = CONFLICTS.find((c) => c === err.code);
  const message = code ? t(locale, `offerPage.error.${code}`) : err.message;
  if (err.code === 'offer_accepted')
    return { status: 409, markup: messagePage(t(locale, 'offerPage.alreadyAccepted.title'), message, locale) };
  if (err.code === 'offer_declined')
    return { status: 409, markup: messagePage(t(locale, 'offerPage.alreadyDeclined.title'), message, locale) };
  if (err.kind === 'conflict')
    return { status: 409, markup: messagePage(t(locale, 'offerPage.cannotAccept.title'), message, locale) };
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
    const locale = viewLocale(() => this.offers.view(token));
    return answerPage(
      reply,
      async () => {
        const { outcome, coacheeFirstName } = await this.offers.accept(token);
        return acceptedPage(outcome === 'accepted', coacheeFirstName, await locale());
      },
      refused,
      locale,
    );
  }

  @PagePost('decline')
  decline(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const reason =
      typeof body === 'object' && body !== null && typeof (body as { reason?: unknown }).reason === 'string'
        ? (body as { reason: string }).reason
        : undefined;
    const locale = viewLocale(() => this.offers.view(token));
    return answerPage(
      reply,
      async () => declinedPage((await this.offers.decline(token, reason)) === 'declined', await locale()),
      refused,
      locale,
    );
  }
}
