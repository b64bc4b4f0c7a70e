import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole, ValidationError } from '@tandem/domain';
import { type Principal, ReportService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';

@ApiTags('report')
@ApiBearerAuth()
@Controller('api/v1/programs')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get(':id/report')
  @Roles(ApiKeyRole.Admin)
  @ApiOperation({
    summary:
      'The program report: funnel, acceptance, sessions held against planned, feedback and alliance averages, skill growth from intake to close, pairings at risk. JSON, or CSV with ?format=csv or Accept: text/csv (formula-like cells escaped). Aggregates resting on fewer than 3 distinct people are null.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  async report(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('format') format: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (format !== undefined && format !== 'json' && format !== 'csv')
      throw new ValidationError('format must be json or csv', [{ field: 'format', message: 'must be json or csv' }]);
    const csv = format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(accept ?? ''));
    if (!csv) return this.reports.report(principal.organizationId, id);
    const text = await this.reports.csv(principal.organizationId, id);
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="program-report-${id}.csv"`)
      .header('x-content-type-options', 'nosniff');
    return text;
  }
}
