import { ApiKeyRole } from '@tandem/domain';
import { OrganizationsService } from '@tandem/workflows';
import { type CliCommand, parseFlags, printJson, requireFlag, UsageError } from '../cli-command';
import { withOrm } from '../orm';

export const apiKeyCreateCommand: CliCommand = {
  name: 'apikey:create',
  summary: '--org ID --role admin|operator: issue an API key (shown once)',
  async run(args) {
    const flags = parseFlags(args, ['org', 'role']);
    const organizationId = requireFlag(flags, 'org');
    const role = requireFlag(flags, 'role');
    if (role !== ApiKeyRole.Admin && role !== ApiKeyRole.Operator)
      throw new UsageError('--role must be admin or operator');
    const { apiKey } = await withOrm((orm) => new OrganizationsService(orm.em).createApiKey(organizationId, role));
    printJson({ apiKey });
    return 0;
  },
};

export const apiKeyRevokeCommand: CliCommand = {
  name: 'apikey:revoke',
  summary: '--org ID --id KEY_ID: revoke a key at once',
  async run(args) {
    const flags = parseFlags(args, ['org', 'id']);
    const organizationId = requireFlag(flags, 'org');
    const id = requireFlag(flags, 'id');
    await withOrm((orm) => new OrganizationsService(orm.em).revokeApiKey(organizationId, id));
    printJson({ revoked: id });
    return 0;
  },
};
