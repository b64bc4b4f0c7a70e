import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole } from '@tandem/domain';
import { FeedbackSummaryService, type Principal } from '@tandem/workflows';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';

@ApiTags('feedback')
@ApiBearerAuth()
@Controller('api/v1/programs')
export class FeedbackSummaryController {
  constructor(private readonly summaries: FeedbackSummaryService) {}

  @Get(':id/feedback-summary')
  @Roles(ApiKeyRole.Admin)
  @ApiOperation({
    summary: 'Aggregated feedback of a program: response counts and averages, each withheld (null) when it rests on fewer than 3 answers; never an individual answer or note',
  })
  summary(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.summaries.summary(principal.organizationId, id);
  }
}
