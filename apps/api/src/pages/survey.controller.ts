import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '@tandem/domain';
import { CompletionService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { messagePage, sendPage } from './layout';
import { surveyNotFoundPage, surveyPage, surveySubmittedPage } from './survey.pages';

/** The coachee's closing survey: GET shows (and changes nothing), one POST submits. Rate-limited per client. */
@ApiExcludeController()
@Public()
@Controller('surveys')
export class SurveyController {
  constructor(private readonly completion: CompletionService) {}

  @Get(':token')
  @RouteConfig({ rateLimit: {} })
  async show(@Param('token') token: string, @Res() reply: FastifyReply) {
    try {
      return sendPage(reply, 200, surveyPage(await this.completion.view(token), token));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  @Post(':token')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  async submit(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    try {
      return sendPage(reply, 200, surveySubmittedPage((await this.completion.submit(token, body)) === 'submitted'));
    } catch (err) {
      return this.failure(reply, err);
    }
  }

  private failure(reply: FastifyReply, err: unknown): FastifyReply {
    if (!(err instanceof DomainError)) throw err;
    if (err.kind === 'not_found') return sendPage(reply, 404, surveyNotFoundPage());
    if (err.kind === 'invalid') return sendPage(reply, 422, messagePage('Please answer every question', 'Some answers are missing or out of range. Go back, complete the form and send it again.'));
    if (err.code === 'survey_submitted') return sendPage(reply, 409, messagePage('Already submitted', err.message));
    throw err;
  }
}
