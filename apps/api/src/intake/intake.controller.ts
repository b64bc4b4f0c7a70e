import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ImportFormat } from '@tandem/domain';
import { IntakeService, type Principal } from '@tandem/workflows';
import { actorOf, CurrentPrincipal, OwnedBy } from '../auth/auth.decorators';
import { Consumes, csvOrJson } from '../http/content-type.guard';
import { optionalInt } from '../http/query';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('api/v1')
export class IntakeController {
  constructor(private readonly intake: IntakeService) {}

  @Post('programs/:id/imports')
  @OwnedBy('program')
  @HttpCode(202)
  @Consumes('text/csv', 'application/json')
  @ApiConsumes('text/csv', 'application/json')
  @ApiOperation({
    summary:
      'Import participants (the participant CSV, or JSON { participants: [...] }); validated whole, then written by the intake queue',
  })
  createImport(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ) {
    // An import needs a body of one of the two types; a POST without one (no type, no body) is refused like a wrong type.
    const format = csvOrJson(contentType, 'the participants') === 'csv' ? ImportFormat.Csv : ImportFormat.Json;
    return this.intake.createImport(actorOf(principal), id, format, body);
  }

  @Get('imports/:id')
  @ApiOperation({ summary: 'Status, progress, counts and every row error of an import' })
  getImport(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.intake.getImport(principal.organizationId, id);
  }

  @Post('programs/:id/enrollments')
  @OwnedBy('program')
  @HttpCode(201)
  @ApiOperation({ summary: 'Enroll one participant (JSON); creates or updates the person by email' })
  enroll(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.intake.enroll(actorOf(principal), id, body);
  }

  @Post('enrollments/:id/return-to-pool')
  @OwnedBy('enrollment')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Put an alumni coachee back into the matching pool on purpose (a new cycle); audited, 409 unless alumni',
  })
  returnToPool(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.intake.returnToPool(actorOf(principal), id);
  }

  @Get('programs/:id/enrollments')
  @ApiOperation({ summary: 'List a program’s coaches and coachees' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Query('role') role?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    return this.intake.listEnrollments(principal.organizationId, id, {
      role,
      limit: optionalInt('limit', limit),
      offset: optionalInt('offset', offset),
    });
  }
}
