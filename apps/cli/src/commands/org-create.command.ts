import { OrganizationsService } from '@tandem/workflows';
import { type CliCommand, parseFlags, printJson, requireFlag, UsageError } from '../cli-command';
import { withOrm } from '../orm';

export const orgCreateCommand: CliCommand = {
  name: 'org:create',
  summary:
    "--name NAME [--locale en|de]: create an organization (its people's default language, en unless given) and print its first admin key (shown once)",
  async run(args) {
    const flags = parseFlags(args, ['name', 'locale']);
    const name = requireFlag(flags, 'name');
    if (flags.locale === true) throw new UsageError('--locale needs a value: en or de');
    const locale = typeof flags.locale === 'string' ? flags.locale : 'en';
    const result = await withOrm((orm) => new OrganizationsService(orm.em).createOrganization(name, locale));
    printJson(result);
    return 0;
  },
};
