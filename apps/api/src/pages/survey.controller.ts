import { Body, Param, Res } from '@nestjs/common';
import { t } from '@tandem/mail';
import { CompletionService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { answerPage, formRefusals, viewLocale } from './layout';
import { surveyPage, surveySubmittedPage } from './survey.pages';
import { PagePost, ShowPage, TokenPageController } from './token-page';

/** The coachee's closing survey: GET shows (and changes nothing), one POST submits. Rate-limited per client. */
@TokenPageController('surveys')
export class SurveyController {
  constructor(private readonly completion: CompletionService) {}

  @ShowPage()
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => surveyPage(await this.completion.view(token), token));
  }

  @PagePost()
  submit(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const locale = viewLocale(() => this.completion.view(token));
    return answerPage(
      reply,
      async () => surveySubmittedPage((await this.completion.submit(token, body)) === 'submitted', await locale()),
      formRefusals('survey_submitted', (l) => t(l, 'surveyPage.error.survey_submitted')),
      locale,
    );
  }
}
