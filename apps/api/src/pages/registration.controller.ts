import { setTimeout as sleep } from 'node:timers/promises';
import { applyDecorators, Body, Get, Param, Post, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ValidationError } from '@tandem/domain';
import { InvitationsService, RegistrationService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { SIGN_IN_ANSWER_MS } from '../console/console-signin.controller';
import { Consumes } from '../http/content-type.guard';
import { answerPage, viewLocale } from './layout';
import {
  registrationClosedPage,
  registrationConfirmPage,
  registrationPage,
  registrationSentPage,
} from './registration.pages';
import { PagePost, ShowPage, TokenPageController } from './token-page';

/** The confirmation link's page (GET shows, POST confirms), rate-limited like every token page. */
const ShowConfirm = () => applyDecorators(Get('confirm/:token'), RouteConfig({ rateLimit: {} }));
const PostConfirm = () =>
  applyDecorators(
    Post('confirm/:token'),
    RouteConfig({ rateLimit: {} }),
    Consumes('application/x-www-form-urlencoded', 'application/json'),
  );

/**
 * A program's public registration link (off by default): an address entered gets the same answer at the same time
 * whoever it belongs to (the floor of the console's emailed sign-in, SIGN_IN_ANSWER_MS); only an allowed, confirmed
 * address gets a questionnaire. Every route is rate-limited per client.
 */
@TokenPageController('register')
export class RegistrationController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly invitations: InvitationsService,
  ) {}

  @ShowPage()
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => registrationPage(await this.registration.view(token), token));
  }

  @PagePost()
  submit(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const started = performance.now();
    return answerPage(reply, async () => {
      try {
        const view = await this.registration.request(token, body);
        // The same answer, at the same time, whether the address is unknown, known, invited or of another domain.
        await sleep(Math.max(0, SIGN_IN_ANSWER_MS - (performance.now() - started)));
        return view.open ? registrationSentPage(view) : registrationPage(view, token);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const view = await this.registration.view(token);
        const email = (body as { email?: unknown } | null)?.email;
        return {
          status: 422,
          markup: registrationPage(view, token, {
            email: typeof email === 'string' ? email.slice(0, 254) : '',
            problem: true,
          }),
        };
      }
    });
  }

  @ShowConfirm()
  showConfirm(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => registrationConfirmPage(await this.registration.confirmView(token), token));
  }

  @PostConfirm()
  confirm(@Param('token') token: string, @Res() reply: FastifyReply) {
    const locale = viewLocale(() => this.registration.confirmView(token));
    return answerPage(
      reply,
      async () => {
        const invitationId = await this.registration.confirm(token);
        reply.header('location', `/questionnaire/${this.invitations.questionnaireToken(invitationId)}`);
        return { status: 303, markup: '' };
      },
      (err, l) => (err.kind === 'conflict' ? { status: 409, markup: registrationClosedPage(l) } : undefined),
      locale,
    );
  }
}
