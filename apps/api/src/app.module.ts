import { ConsoleWebhooksController } from './console/console-webhooks.controller';
import { ConsoleScimController } from './console/console-scim.controller';
import { ConsoleInvitationsController } from './console/console-invitations.controller';
import { InvitationsController } from './invitations/invitations.controller';
import { QuestionnaireController } from './pages/questionnaire.controller';
import { RegistrationController } from './pages/registration.controller';
import { WebhooksController } from './webhooks/webhooks.controller';
import { ConsoleSsoController } from './console/console-sso.controller';
import { SsoController } from './sso/sso.controller';
import { OrganizationController } from './organization/organization.controller';
import { ScimController } from './scim/scim.controller';
import { ScimTokensController } from './scim/scim-tokens.controller';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ConfigModule, type TandemConfig } from '@tandem/config';
import { type Clock, ClockModule, DatabaseModule } from '@tandem/domain';
import { QueuesModule } from '@tandem/queues';
import { WorkflowsModule } from '@tandem/workflows';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeyGuard } from './auth/api-key.guard';
import { FeedbackSummaryController } from './feedback/feedback-summary.controller';
import { HealthController } from './health/health.controller';
import { ConsolePeopleController } from './console/console-people.controller';
import { ConsolePrivacyController } from './console/console-privacy.controller';
import { ConsoleProgramsController } from './console/console-programs.controller';
import { ConsoleRoundsController } from './console/console-rounds.controller';
import { ConsoleSignInController } from './console/console-signin.controller';
import { ConsoleViewsController } from './console/console-views.controller';
import { AllExceptionsFilter } from './http/all-exceptions.filter';
import { BodyCheckInterceptor } from './http/content-type.guard';
import { IsoDatesInterceptor } from './http/iso-dates.interceptor';
import { IntakeController } from './intake/intake.controller';
import { OutboxController } from './outbox/outbox.controller';
import { OpsModule } from './ops/ops.module';
import { FeedbackController } from './pages/feedback.controller';
import { OffersController } from './pages/offers.controller';
import { RematchController } from './pages/rematch.controller';
import { SurveyController } from './pages/survey.controller';
import { SessionsController } from './pages/sessions.controller';
import { MePageController, MeSignInController } from './participants/me.controller';
import { PrivacyController } from './privacy/privacy.controller';
import { ProgramsController } from './programs/programs.controller';
import { ReportController } from './report/report.controller';
import { RoundsController } from './rounds/rounds.controller';

/** The admin console's pages (server-rendered, session cookie, CSRF on every form). */
const CONSOLE_CONTROLLERS = [
  ConsoleSignInController,
  ConsoleProgramsController,
  ConsolePeopleController,
  ConsoleRoundsController,
  ConsoleViewsController,
  ConsolePrivacyController,
  ConsoleWebhooksController,
  ConsoleSsoController,
  ConsoleScimController,
  ConsoleInvitationsController,
];

/** The HTTP api: admin REST under /api/v1, health, docs. */
@Module({})
export class AppModule {
  /** `clock` is the real one but in tests, which move time. */
  static forRoot(config: TandemConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule.forRoot(clock),
        DatabaseModule.forRoot(config),
        QueuesModule.forRoot(config, 'producer'),
        WorkflowsModule,
        OpsModule,
      ],
      controllers: [
        HealthController,
        ProgramsController,
        IntakeController,
        InvitationsController,
        QuestionnaireController,
        RegistrationController,
        OutboxController,
        ApiKeysController,
        RoundsController,
        OffersController,
        SessionsController,
        FeedbackController,
        FeedbackSummaryController,
        ReportController,
        RematchController,
        SurveyController,
        PrivacyController,
        WebhooksController,
        SsoController,
        ScimTokensController,
        ScimController,
        OrganizationController,
        ...CONSOLE_CONTROLLERS,
        MeSignInController,
        MePageController,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: BodyCheckInterceptor },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: IsoDatesInterceptor },
      ],
    };
  }
}
