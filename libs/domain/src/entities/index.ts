export * from './base';
export * from './organization.entity';
export * from './api-key.entity';
export * from './person.entity';
export * from './program.entity';
export * from './enrollment.entity';
export * from './import-batch.entity';
export * from './outbox-message.entity';
export * from './audit-event.entity';
export * from './matching-round.entity';
export * from './pairing.entity';
export * from './offer.entity';
export * from './job-failure.entity';
export * from './coaching-session.entity';
export * from './feedback.entity';
export * from './coach-learning.entity';
export * from './closing-survey.entity';
export * from './admin.entity';
export * from './webhook.entity';
export * from './lease.entity';
export * from './sso.entity';
export * from './scim-token.entity';
export * from './invitation.entity';
export * from './session-token.entity';
export * from './participant-session.entity';

import { AdminSession, AdminSignIn, AdminUser } from './admin.entity';
import { ApiKey } from './api-key.entity';
import { CoachingSession } from './coaching-session.entity';
import { CoachLearning } from './coach-learning.entity';
import { ClosingSurvey } from './closing-survey.entity';
import { Feedback } from './feedback.entity';
import { AuditEvent } from './audit-event.entity';
import { Enrollment } from './enrollment.entity';
import { MatchingRound } from './matching-round.entity';
import { Offer } from './offer.entity';
import { JobFailure } from './job-failure.entity';
import { Lease } from './lease.entity';
import { Pairing } from './pairing.entity';
import { Invitation, ProgramRegistration, RegistrationRequest } from './invitation.entity';
import { ParticipantSession, ParticipantSignIn } from './participant-session.entity';
import { SessionToken, SignInToken } from './session-token.entity';
import { ImportBatch } from './import-batch.entity';
import { Organization } from './organization.entity';
import { OutboxMessage } from './outbox-message.entity';
import { Person } from './person.entity';
import { Program } from './program.entity';
import { OrganizationSso, SsoSignIn } from './sso.entity';
import { ScimToken } from './scim-token.entity';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity';

/** The explicit entity list: discovery never scans folders. */
export const ENTITIES = [
  Organization,
  ApiKey,
  Person,
  Program,
  Enrollment,
  ImportBatch,
  OutboxMessage,
  AuditEvent,
  MatchingRound,
  Pairing,
  Offer,
  JobFailure,
  CoachingSession,
  Feedback,
  CoachLearning,
  ClosingSurvey,
  AdminUser,
  AdminSignIn,
  AdminSession,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  Lease,
  OrganizationSso,
  SsoSignIn,
  ScimToken,
  ProgramRegistration,
  Invitation,
  RegistrationRequest,
  ParticipantSignIn,
  ParticipantSession,
  SessionToken,
  SignInToken,
];
