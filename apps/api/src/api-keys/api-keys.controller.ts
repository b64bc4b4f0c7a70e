import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyRole } from '@tandem/domain';
import { OrganizationsService, parseCommand, type Principal } from '@tandem/workflows';
import { z } from 'zod';
import { CurrentPrincipal, OwnedBy, Roles } from '../auth/auth.decorators';
import { BodyFrom } from '../http/openapi';

const createKeySchema = z.object({ role: z.enum(ApiKeyRole) }).strict();

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('api/v1/api-keys')
@Roles(ApiKeyRole.Admin)
export class ApiKeysController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @ApiOperation({ summary: 'The organization’s keys (never the secrets)' })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: await this.organizations.listApiKeys(principal.organizationId) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a key; the key is shown once, only its hash is kept' })
  @BodyFrom(createKeySchema)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    const { role } = parseCommand(createKeySchema, body);
    return this.organizations.createApiKey(principal.organizationId, role);
  }

  @Delete(':id')
  @OwnedBy('apiKey')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a key at once' })
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    await this.organizations.revokeApiKey(principal.organizationId, id);
  }
}
