import { Body, Param, Res } from '@nestjs/common';
import { DomainError, ValidationError } from '@tandem/domain';
import { translator } from '@tandem/mail';
import { InvitationsService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { answerPage, messagePage, viewLocale } from './layout';
import { problemsByField, questionnairePage, questionnaireSavedPage } from './questionnaire.pages';
import { PagePost, ShowPage, TokenPageController } from './token-page';

/**
 * A participant's questionnaire (the link of their invitation): GET shows it (and changes nothing a person sees; the
 * first fetch only counts as opened in the admin's funnel), POST submits or changes the answers. Rate-limited per client.
 */
@TokenPageController('questionnaire')
export class QuestionnaireController {
  constructor(private readonly invitations: InvitationsService) {}

  @ShowPage()
  show(@Param('token') token: string, @Res() reply: FastifyReply) {
    return answerPage(reply, async () => questionnairePage(await this.invitations.open(token), token));
  }

  @PagePost()
  submit(@Param('token') token: string, @Body() body: unknown, @Res() reply: FastifyReply) {
    const locale = viewLocale(() => this.invitations.view(token));
    return answerPage(
      reply,
      async () => {
        try {
          return questionnaireSavedPage(await this.invitations.submit(token, body), await locale());
        } catch (err) {
          if (err instanceof DomainError && ['questionnaire_matched', 'registration_closed'].includes(err.code)) {
            // The page that says why (matched, or closed before a first answer), as GET shows it.
            return questionnairePage(await this.invitations.view(token), token, { status: 409 });
          }
          if (!(err instanceof ValidationError)) throw err;
          // The form again, with what was posted and each field's problem beside it; nothing was saved.
          const view = await this.invitations.view(token);
          const values =
            body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
          return questionnairePage(view, token, {
            values,
            problems: problemsByField(err.details, view.locale),
            status: 422,
          });
        }
      },
      (err: DomainError, l) => {
        const tr = translator(l);
        // Another write into the program holds it (try again), or the person is in it in the other role.
        if (err.code === 'import_running')
          return { status: 409, markup: messagePage(tr('questionnaire.busy.title'), tr('questionnaire.busy.body'), l) };
        if (err.kind === 'conflict')
          return {
            status: 409,
            markup: messagePage(tr('questionnaire.busy.title'), tr('questionnaire.otherRole.body'), l),
          };
        return undefined;
      },
      locale,
    );
  }
}
