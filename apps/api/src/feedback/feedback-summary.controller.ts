import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole } from '@tandem/domain';
import { EffectivenessService, FeedbackSummaryService, type Principal } from '@tandem/workflows';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';

@ApiTags('feedback')
@ApiBearerAuth()
@Controller('api/v1/programs')
export class FeedbackSummaryController {
  constructor(
    private readonly summaries: FeedbackSummaryService,
    private readonly learning: EffectivenessService,
  ) {}

  @Get(':id/feedback-summary')
  @Roles(ApiKeyRole.Admin)
  @ApiOperation({
    summary:
      'Aggregated feedback of a program: response counts and averages, each withheld (null) when it rests on fewer than 3 distinct people; never an individual answer or note',
  })
  summary(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.summaries.summary(principal.organizationId, id);
  }

  @Get(':id/coaches/:coachId/learning')
  @Roles(ApiKeyRole.Admin)
  @ApiOperation({
    summary:
      'What feedback taught about one coach (pooled over every program of the organization): per skill the answers, distinct coachees and programs it rests on, the estimate, and the self-rating beside the calibrated strength scoring uses and the points it moves. Every figure is null unless it rests on at least 3 distinct coachees.',
  })
  coachLearning(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('coachId') coachId: string) {
    return this.learning.coachView(principal.organizationId, id, coachId);
  }
}
