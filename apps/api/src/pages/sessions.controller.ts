import { Body, Param, Res } from '@nestjs/common';
import type { DomainError } from '@tandem/domain';
import { CadenceService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { answerPage, messagePage, type PageAnswer } from './layout';
import { cancelledPage, movedPage, sessionPage } from './session.pages';
import { PagePost, ShowPage, TokenPageController } from './token-page';

/** Why a move or a cancel was refused, as a page. */
function refused(err: DomainError): PageAnswer | undefined {
  if (err.kind === 'invalid') return { status: 422, markup: messagePage('Please check the new time', err.message) };
  if (err.kind === 'conflict') return { status: 409, markup: messagePage('This session cannot be changed', err.message) };
  return undefined;
}

/** A session's page for the coach or the coachee: GET shows (and changes nothing), only a button press (POST) acts. */
@TokenPageController('sessions')
export class SessionsController {
  constructor(private readonly cadence: CadenceService) {}

  @ShowPage()
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => sessionPage(await this.cadence.view(token), token), refused);
  }

  @PagePost('move')
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

  @PagePost('cancel')
  cancel(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => cancelledPage((await this.cadence.cancel(token)) === 'cancelled'), refused);
  }
}
