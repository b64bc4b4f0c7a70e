import { Param, Res } from '@nestjs/common';
import { RiskService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { answerPage, viewLocale } from './layout';
import { rematchAcceptedPage, rematchClosedPage, rematchPage } from './rematch.pages';
import { PagePost, ShowPage, TokenPageController } from './token-page';

/** The coachee's re-match offer after an at-risk pairing: GET shows (and changes nothing), one POST acts. Rate-limited per client. */
@TokenPageController('rematch')
export class RematchController {
  constructor(private readonly risk: RiskService) {}

  @ShowPage()
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => rematchPage(await this.risk.view(token), token));
  }

  @PagePost('accept')
  accept(@Param('token') token: string, @Res() reply: FastifyReply) {
    const locale = viewLocale(() => this.risk.view(token));
    return answerPage(
      reply,
      async () => rematchAcceptedPage((await this.risk.accept(token)) === 'accepted', await locale()),
      (err, language) =>
        err.code === 'pairing_closed' ? { status: 409, markup: rematchClosedPage(language) } : undefined,
      locale,
    );
  }
}
