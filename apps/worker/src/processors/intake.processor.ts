import { Processor } from '@nestjs/bullmq';
import { IntakeService, InvitationsService } from '@tandem/workflows';
import { JobName, QueueName } from '@tandem/queues';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Intake)
export class IntakeProcessor extends QueueProcessor<QueueName.Intake> {
  readonly queue = QueueName.Intake;
  readonly handlers: QueueHandlers<QueueName.Intake> = {
    [JobName.IntakeImportBatch]: ({ importId }) => this.intake.runImport(importId),
    [JobName.IntakeSendInvitations]: ({ programId }) => this.invitations.sendInvitations(programId),
    [JobName.IntakeRemindInvitation]: ({ invitationId, reminder, dueAt }) =>
      this.invitations.remind(invitationId, reminder, dueAt),
  };

  constructor(
    private readonly intake: IntakeService,
    private readonly invitations: InvitationsService,
  ) {
    super();
  }
}
