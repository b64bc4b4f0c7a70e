import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { CompletionService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { answerPage, formRefusals } from './layout';
import { surveyPage, surveySubmittedPage } from './survey.pages';

/** The coachee's closing survey: GET shows (and changes nothing), one POST submits. Rate-limited per client. */
@ApiExcludeController()
@Public()
@Controller('surveys')
export class SurveyController {
  constructor(private readonly completion: CompletionService) {}

  @Get(':token')
  @RouteConfig({ rateLimit: {} })
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => surveyPage(await this.completion.view(token), token));
  }

  @Post(':token')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  submit(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    return answerPage(
      reply,
      async () => surveySubmittedPage((await this.completion.submit(token, body)) === 'submitted'),
      formRefusals('survey_submitted'),
    );
  }
}
