import { Body, Param, Res } from '@nestjs/common';
import type { DomainError } from '@tandem/domain';
import { type Locale, t } from '@tandem/mail';
import { CadenceService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { answerPage, messagePage, type PageAnswer, viewLocale } from './layout';
import { cancelledPage, movedPage, sessionPage } from './session.pages';
import { PagePost, ShowPage, TokenPageController } from './token-page';

const TIME_PROBLEMS = ['time_malformed', 'time_passed', 'time_too_far'] as const;

/** Why a move or a cancel was refused, as a page in the viewer's language. */
function refused(err: DomainError, locale: Locale): PageAnswer | undefined {
  if (err.kind === 'invalid') {
    const code = TIME_PROBLEMS.find((c) => c === err.code);
    return {
      status: 422,
      markup: messagePage(
        t(locale, 'sessionPage.checkTime.title'),
        code ? t(locale, `sessionPage.error.${code}`) : err.message,
        locale,
      ),
    };
  }
  if (err.kind === 'conflict') {
    return {
      status: 409,
      markup: messagePage(
        t(locale, 'sessionPage.closed.title'),
        err.code === 'session_closed' ? t(locale, 'sessionPage.closed.body') : err.message,
        locale,
      ),
    };
  }
  return undefined;
}

/** A session's page for the coach or the coachee: GET shows (and changes nothing), only a button press (POST) acts. */
@TokenPageController('sessions')
export class SessionsController {
  constructor(private readonly cadence: CadenceService) {}

  @ShowPage()
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(
      reply,
      async () => sessionPage(await this.cadence.view(token), token),
      refused,
      viewLocale(() => this.cadence.view(token)),
    );
  }

  @PagePost('move')
  move(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const startsAt =
      typeof body === 'object' && body !== null && typeof (body as { startsAt?: unknown }).startsAt === 'string'
        ? (body as { startsAt: string }).startsAt
        : '';
    return answerPage(
      reply,
      async () => {
        const outcome = await this.cadence.move(token, startsAt);
        return movedPage(await this.cadence.view(token), outcome === 'moved');
      },
      refused,
      viewLocale(() => this.cadence.view(token)),
    );
  }

  @PagePost('cancel')
  cancel(@Param('token') token: string, @Res() reply: FastifyReply) {
    const locale = viewLocale(() => this.cadence.view(token));
    return answerPage(
      reply,
      async () => cancelledPage((await this.cadence.cancel(token)) === 'cancelled', await locale()),
      refused,
      locale,
    );
  }
}
