import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import {
  listResponse,
  resourceTypes,
  schemas,
  SCIM_BASE,
  ScimError,
  type ScimPrincipal,
  ScimService,
  serviceProviderConfig,
} from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { Consumes } from '../http/content-type.guard';
import { ScimExceptionFilter, type ScimRequest, ScimTokenGuard } from './scim-auth';

type Reply = FastifyReply;
const principalOf = (request: ScimRequest): ScimPrincipal => request.scimPrincipal!;

/** A resource answered as SCIM: `application/scim+json`, its version as the ETag, its location on a create. */
function send(reply: Reply, status: number, resource: Record<string, unknown>) {
  const meta = resource.meta as { version?: string; location?: string } | undefined;
  if (meta?.version) void reply.header('ETag', meta.version);
  if (status === 201 && meta?.location) void reply.header('Location', meta.location);
  return reply.status(status).type('application/scim+json').send(resource);
}

/**
 * SCIM 2.0 (RFC 7644) for identity providers: Users, Groups and the discovery resources, authorized by a SCIM token
 * (not an API key: the API-key guard lets these routes through to ScimTokenGuard). Thin: each route is one call on
 * ScimService.
 */
@ApiExcludeController()
@Controller(SCIM_BASE.slice(1))
@Public()
@UseGuards(ScimTokenGuard)
@UseFilters(ScimExceptionFilter)
@Consumes('application/scim+json', 'application/json')
export class ScimController {
  constructor(
    private readonly scim: ScimService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('ServiceProviderConfig')
  serviceProviderConfig(@Res() reply: Reply) {
    return send(reply, 200, serviceProviderConfig(this.config.publicUrl));
  }

  @Get('ResourceTypes')
  resourceTypes(@Res() reply: Reply) {
    const types = resourceTypes(this.config.publicUrl);
    return send(reply, 200, listResponse(types, types.length, 1));
  }

  @Get('ResourceTypes/:name')
  resourceType(@Param('name') name: string, @Res() reply: Reply) {
    const type = resourceTypes(this.config.publicUrl).find((t) => t.id === name);
    if (!type) throw new ScimError(404, undefined, `resource type ${name.slice(0, 40)} was not found`);
    return send(reply, 200, type);
  }

  @Get('Schemas')
  schemas(@Res() reply: Reply) {
    const all = schemas(this.config.publicUrl);
    return send(reply, 200, listResponse(all, all.length, 1));
  }

  @Get('Schemas/:urn')
  schema(@Param('urn') urn: string, @Res() reply: Reply) {
    const found = schemas(this.config.publicUrl).find((s) => (s as { id?: unknown }).id === urn);
    if (!found) throw new ScimError(404, undefined, `schema ${urn.slice(0, 100)} was not found`);
    return send(reply, 200, found);
  }

  @Get('Users')
  async listUsers(@Req() request: ScimRequest, @Query() query: Record<string, unknown>, @Res() reply: Reply) {
    return send(reply, 200, await this.scim.listUsers(principalOf(request), query));
  }

  @Post('Users')
  async createUser(@Req() request: ScimRequest, @Body() body: unknown, @Res() reply: Reply) {
    return send(reply, 201, await this.scim.createUser(principalOf(request), body));
  }

  @Get('Users/:id')
  async getUser(@Req() request: ScimRequest, @Param('id') id: string, @Res() reply: Reply) {
    return send(reply, 200, await this.scim.getUser(principalOf(request), id));
  }

  @Put('Users/:id')
  async replaceUser(
    @Req() request: ScimRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: Reply,
  ) {
    return send(reply, 200, await this.scim.replaceUser(principalOf(request), id, body, ifMatch));
  }

  @Patch('Users/:id')
  async patchUser(
    @Req() request: ScimRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: Reply,
  ) {
    return send(reply, 200, await this.scim.patchUser(principalOf(request), id, body, ifMatch));
  }

  @Delete('Users/:id')
  @HttpCode(204)
  async deleteUser(
    @Req() request: ScimRequest,
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: Reply,
  ) {
    await this.scim.deleteUser(principalOf(request), id, ifMatch);
    return reply.status(204).send();
  }

  @Get('Groups')
  async listGroups(@Req() request: ScimRequest, @Query() query: Record<string, unknown>, @Res() reply: Reply) {
    return send(reply, 200, await this.scim.listGroups(principalOf(request), query));
  }

  @Post('Groups')
  async createGroup(@Req() request: ScimRequest, @Body() body: unknown, @Res() reply: Reply) {
    return send(reply, 201, await this.scim.createGroup(principalOf(request), body));
  }

  @Get('Groups/:id')
  async getGroup(
    @Req() request: ScimRequest,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: Reply,
  ) {
    return send(reply, 200, await this.scim.getGroup(principalOf(request), id, query));
  }

  @Put('Groups/:id')
  async replaceGroup(
    @Req() request: ScimRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: Reply,
  ) {
    return send(reply, 200, await this.scim.replaceGroup(principalOf(request), id, body, ifMatch));
  }

  @Patch('Groups/:id')
  async patchGroup(
    @Req() request: ScimRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Res() reply: Reply,
  ) {
    return send(reply, 200, await this.scim.patchGroup(principalOf(request), id, body, ifMatch));
  }

  @Delete('Groups/:id')
  deleteGroup() {
    throw new ScimError(
      400,
      'mutability',
      "a program's group cannot be deleted: remove its members, or archive the program in Tandem",
    );
  }
}
