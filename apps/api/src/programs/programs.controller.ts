import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { createProgramSchema, type Principal, ProgramsService, updateProgramSchema } from '@tandem/workflows';
import { actorOf, CurrentPrincipal, OwnedBy } from '../auth/auth.decorators';
import { BodyFrom } from '../http/openapi';

@ApiTags('programs')
@ApiBearerAuth()
@Controller('api/v1/programs')
export class ProgramsController {
  constructor(private readonly programs: ProgramsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a program; every setting but the name has a default' })
  @BodyFrom(createProgramSchema)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.programs.create(actorOf(principal), body);
  }

  @Get()
  @ApiOperation({ summary: 'List the organization’s programs, newest first' })
  list(@CurrentPrincipal() principal: Principal) {
    return this.programs.list(principal.organizationId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read one program' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.programs.get(principal.organizationId, id);
  }

  @Patch(':id')
  @OwnedBy('program')
  @ApiOperation({ summary: 'Change settings; nested objects merge; send `version` to refuse a stale write (409)' })
  @BodyFrom(updateProgramSchema)
  update(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.programs.update(actorOf(principal), id, body);
  }
}
