import { Processor } from '@nestjs/bullmq';
import { JobName, QueueName } from '@tandem/queues';
import { RematchService, RoundsService } from '@tandem/workflows';
import { QueueHandlers, QueueProcessor } from '../job-handlers';

@Processor(QueueName.Matching)
export class MatchingProcessor extends QueueProcessor<QueueName.Matching> {
  readonly queue = QueueName.Matching;
  readonly handlers: QueueHandlers<QueueName.Matching> = {
    [JobName.MatchingRunRound]: ({ roundId, revision }) => this.rounds.run(roundId, revision),
    [JobName.MatchingRematchCoachee]: ({ coacheeId }) => this.rematches.rematch(coacheeId),
    [JobName.MatchingMatchWaiting]: ({ programId }) => this.rematches.matchWaiting(programId),
  };

  constructor(
    private readonly rounds: RoundsService,
    private readonly rematches: RematchService,
  ) {
    super();
  }
}
