import { OrganizationsService } from '@tandem/workflows';
import { type CliCommand, parseFlags, printJson, requireFlag } from '../cli-command';
import { withOrm } from '../orm';

export const orgCreateCommand: CliCommand = {
  name: 'org:create',
  summary: '--name NAME: create an organization and print its first admin key (shown once)',
  async run(args) {
    const name = requireFlag(parseFlags(args, ['name']), 'name');
    const result = await withOrm((orm) => new OrganizationsService(orm.em).createOrganization(name));
    printJson(result);
    return 0;
  },
};
