import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { FeedbackService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { feedbackPage, submittedPage } from './feedback.pages';
import { answerPage, formRefusals } from './layout';

/** A feedback form for the coach or the coachee: GET shows (and changes nothing), one POST submits. Rate-limited per client. */
@ApiExcludeController()
@Public()
@Controller('feedback')
export class FeedbackController {
  constructor(private readonly feedback: FeedbackService) {}

  @Get(':token')
  @RouteConfig({ rateLimit: {} })
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => feedbackPage(await this.feedback.view(token), token));
  }

  @Post(':token')
  @RouteConfig({ rateLimit: {} })
  @Consumes('application/x-www-form-urlencoded', 'multipart/form-data', 'application/json')
  submit(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    return answerPage(
      reply,
      async () => submittedPage((await this.feedback.submit(token, body)) === 'submitted'),
      formRefusals('feedback_submitted'),
    );
  }
}
