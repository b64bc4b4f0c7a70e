import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InvitationsService, type Principal, registrationSettingsSchema } from '@tandem/workflows';
import { actorOf, CurrentPrincipal, OwnedBy } from '../auth/auth.decorators';
import { Consumes, csvOrJson } from '../http/content-type.guard';
import { BodyFrom } from '../http/openapi';

/** Invitations to a program's questionnaire, the funnel, and the registration settings (docs/questionnaires.md). */
@ApiTags('invitations')
@ApiBearerAuth()
@Controller('api/v1')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post('programs/:id/invitations')
  @OwnedBy('program')
  @HttpCode(202)
  @Consumes('text/csv', 'application/json')
  @ApiConsumes('text/csv', 'application/json')
  @ApiOperation({
    summary:
      'Invite people to the questionnaire: a roster CSV (role,name,email[,locale]), the full participant CSV, or JSON { people: [{ role, name, email }] }; checked whole, then the intake queue sends the invitations',
  })
  invite(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ) {
    return this.invitations.invite(actorOf(principal), id, csvOrJson(contentType, 'the people'), body);
  }

  @Get('programs/:id/invitations')
  @ApiOperation({ summary: 'The questionnaire funnel (invited, opened, submitted, reminded) and the invitations' })
  list(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.invitations.funnel(principal.organizationId, id);
  }

  @Post('programs/:id/invitations/remind')
  @OwnedBy('program')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send one more reminder now to everyone invited who has not answered' })
  remind(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.invitations.remindUnanswered(actorOf(principal), id);
  }

  @Get('programs/:id/registration')
  @ApiOperation({ summary: 'The registration settings: deadline, reminder days, open registration and its domains' })
  settings(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.invitations.settings(principal.organizationId, id);
  }

  @Put('programs/:id/registration')
  @OwnedBy('program')
  @BodyFrom(registrationSettingsSchema)
  @ApiOperation({ summary: 'Change the registration settings (any subset)' })
  updateSettings(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.invitations.updateSettings(actorOf(principal), id, body);
  }

  @Post('programs/:id/registration/close')
  @OwnedBy('program')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close registration now: no more reminders or first answers; the public link refuses' })
  close(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.invitations.close(actorOf(principal), id);
  }
}
