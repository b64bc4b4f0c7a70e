import { OrganizationsService } from '@tandem/workflows';
import { type CliCommand, parseFlags, printJson, requireFlag } from '../cli-command';
import { withOrm } from '../orm';

export const orgCreateCommand: CliCommand = {
  name: 'org:create',
  summary: '--name NAME [--locale en|de]: create an organization (its participants\' default language, en unless given) and print its first admin key (shown once)',
  async run(args) {
    const flags = parseFlags(args, ['name', 'locale']);
    const name = requireFlag(flags, 'name');
    const result = await withOrm((orm) => new OrganizationsService(orm.em).createOrganization(name, typeof flags.locale === 'string' ? flags.locale : 'en'));
    printJson(result);
    return 0;
  },
};
