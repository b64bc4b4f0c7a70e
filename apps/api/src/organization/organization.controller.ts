import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { organizationSettingsSchema, OrganizationsService, type Principal } from '@tandem/workflows';
import { actorOf, CurrentPrincipal } from '../auth/auth.decorators';
import { BodyFrom } from '../http/openapi';

/** The caller's own organization: its name and the default language of its people. */
@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization')
export class OrganizationController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @ApiOperation({ summary: 'The organization: id, name, default language (`en` or `de`)' })
  get(@CurrentPrincipal() principal: Principal) {
    return this.organizations.settings(principal.organizationId);
  }

  @Patch()
  @ApiOperation({
    summary:
      'Change the name or the default language (`{ "defaultLocale": "de" }`: emails and pages for people without a language of their own); audited',
  })
  @BodyFrom(organizationSettingsSchema)
  update(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.organizations.updateSettings(actorOf(principal), body);
  }
}
