import { Module } from '@nestjs/common';
import { AdminsService } from './console/admins.service';
import { PeopleAdminService } from './console/people-admin.service';
import { RoundReviewService } from './console/round-review.service';
import { SsoService } from './console/sso.service';
import { CadenceService } from './cadence/cadence.service';
import { CompletionService } from './completion/completion.service';
import { ReportService } from './report/report.service';
import { RiskService } from './risk/risk.service';
import { FeedbackService } from './feedback/feedback.service';
import { FeedbackSummaryService } from './feedback/feedback-summary.service';
import { EffectivenessService } from './feedback/effectiveness.service';
import { IntakeService } from './intake/intake.service';
import { InvitationsService } from './invitations/invitations.service';
import { RegistrationService } from './invitations/registration.service';
import { OffersService } from './pairing/offers.service';
import { PairingsService } from './pairing/pairings.service';
import { RematchService } from './rounds/rematch.service';
import { RoundsService } from './rounds/rounds.service';
import { LeaseService } from './maintenance/lease.service';
import { ReconcilerService } from './maintenance/reconciler.service';
import { OrganizationsService } from './organizations/organizations.service';
import { ProgramsService } from './programs/programs.service';
import { PrivacyService } from './privacy/privacy.service';
import { ParticipantsService } from './participants/participants.service';
import { ScimService } from './scim/scim.service';
import { ScimTokensService } from './scim/scim-tokens.service';
import { WebhookDeliveryService, WebhookDispatcher, WebhooksService } from './webhooks';

/** The use cases shared by the api and the worker. Needs the database, queues, config and clock modules. */
const SERVICES = [
  OrganizationsService,
  ProgramsService,
  IntakeService,
  InvitationsService,
  RegistrationService,
  LeaseService,
  ReconcilerService,
  RoundsService,
  OffersService,
  RematchService,
  PairingsService,
  CadenceService,
  FeedbackService,
  FeedbackSummaryService,
  EffectivenessService,
  RiskService,
  CompletionService,
  ReportService,
  AdminsService,
  SsoService,
  PeopleAdminService,
  RoundReviewService,
  PrivacyService,
  ParticipantsService,
  WebhooksService,
  WebhookDeliveryService,
  ScimTokensService,
  ScimService,
];

@Module({
  providers: [...SERVICES, WebhookDispatcher],
  exports: SERVICES,
})
export class WorkflowsModule {}
