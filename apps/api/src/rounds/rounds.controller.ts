import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  pairOverrideSchema,
  PairingsService,
  type Principal,
  roundRevisionSchema,
  RoundsService,
} from '@tandem/workflows';
import { actorOf, CurrentPrincipal, OwnedBy } from '../auth/auth.decorators';
import { BodyFrom } from '../http/openapi';
import { optionalInt } from '../http/query';

@ApiTags('rounds')
@ApiBearerAuth()
@Controller('api/v1')
export class RoundsController {
  constructor(
    private readonly rounds: RoundsService,
    private readonly pairings: PairingsService,
  ) {}

  @Post('programs/:id/rounds')
  @OwnedBy('program')
  @HttpCode(202)
  @ApiOperation({ summary: 'Launch a matching round (one at a time per program; 409 while one runs)' })
  launch(@CurrentPrincipal() principal: Principal, @Param('id') programId: string) {
    return this.rounds.launch(actorOf(principal), programId);
  }

  @Get('programs/:id/rounds')
  @ApiOperation({ summary: 'A program’s rounds, newest first' })
  list(@CurrentPrincipal() principal: Principal, @Param('id') programId: string) {
    return this.rounds.list(principal.organizationId, programId);
  }

  @Get('rounds/:id')
  @ApiOperation({
    summary: 'Status, progress and statistics of a round (matched, unmatched with reasons, total and lowest score)',
  })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.rounds.get(principal.organizationId, id);
  }

  @Get('rounds/:id/proposals')
  @ApiOperation({ summary: 'The proposed pairs with their score breakdowns, best first' })
  proposals(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.rounds.proposals(principal.organizationId, id);
  }

  @Post('rounds/:id/pins')
  @OwnedBy('round')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Pin a coachee to a coach (a swap if another coach was proposed); send the round’s `revision`; the rest is solved again',
  })
  @BodyFrom(pairOverrideSchema)
  pin(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.rounds.pin(actorOf(principal), id, body);
  }

  @Delete('rounds/:id/pins/:coacheeId')
  @OwnedBy('round')
  @ApiOperation({ summary: 'Remove a pin; send `{ "revision" }`' })
  @BodyFrom(roundRevisionSchema)
  unpin(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('coacheeId') coacheeId: string,
    @Body() body: unknown,
  ) {
    return this.rounds.unpin(actorOf(principal), id, coacheeId, body);
  }

  @Post('rounds/:id/exclusions')
  @OwnedBy('round')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Remove a proposed pair (it is excluded) and solve the rest again; send the round’s `revision`',
  })
  @BodyFrom(pairOverrideSchema)
  exclude(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.rounds.exclude(actorOf(principal), id, body);
  }

  @Post('rounds/:id/publish')
  @OwnedBy('round')
  @HttpCode(200)
  @ApiOperation({ summary: 'Offer every proposal to its coach by email (409 if published already)' })
  publish(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.rounds.publish(actorOf(principal), id);
  }

  @Get('pairings')
  @ApiOperation({ summary: 'A program’s pairings (offered, active, declined, expired, …), newest first' })
  listPairings(
    @CurrentPrincipal() principal: Principal,
    @Query('programId') programId?: string,
    @Query('status') status?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    return this.pairings.list(principal.organizationId, {
      programId,
      status,
      limit: optionalInt('limit', limit),
      offset: optionalInt('offset', offset),
    });
  }

  @Get('pairings/:id')
  @ApiOperation({ summary: 'One pairing, with its at-risk (or end) reason and when it was set' })
  getPairing(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.pairings.get(principal.organizationId, id);
  }

  @Get('pairings/:id/sessions')
  @ApiOperation({
    summary:
      'A pairing’s sessions in order: index (from 1), start, end, status (scheduled, held, missed, cancelled) and how often each was moved',
  })
  pairingSessions(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.pairings.sessions(principal.organizationId, id);
  }
}
