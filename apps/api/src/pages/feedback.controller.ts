import { Body, Param, Res } from '@nestjs/common';
import { t } from '@tandem/mail';
import { FeedbackService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { feedbackPage, submittedPage } from './feedback.pages';
import { answerPage, formRefusals, viewLocale } from './layout';
import { PagePost, ShowPage, TokenPageController } from './token-page';

/** A feedback form for the coach or the coachee: GET shows (and changes nothing), one POST submits. Rate-limited per client. */
@TokenPageController('feedback')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @ShowPage()
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => feedbackPage(await this.feedback.view(token), token));
  }

  @PagePost()
  submit(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const locale = viewLocale(() => this.feedback.view(token));
    return answerPage(
      reply,
      async () => submittedPage((await this.feedback.submit(token, body)) === 'submitted', await locale()),
      formRefusals('feedback_submitted', (l) => t(l, 'feedbackPage.error.feedback_submitted')),
      locale,
    );
  }
}
