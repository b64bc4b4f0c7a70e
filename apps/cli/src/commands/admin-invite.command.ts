import { inviteAdmin } from '@tandem/workflows';
import { type CliCommand, parseFlags, printJson, requireFlag } from '../cli-command';
import { withOrm } from '../orm';

export const adminInviteCommand: CliCommand = {
  name: 'admin:invite',
  summary: '--org ID --email E: add an admin of the console (they sign in with an emailed link)',
  async run(args) {
    const flags = parseFlags(args, ['org', 'email']);
    const organizationId = requireFlag(flags, 'org');
    const email = requireFlag(flags, 'email');
    const result = await withOrm(async (orm, config) => ({ ...(await inviteAdmin(orm.em, organizationId, email)), signIn: `${config.publicUrl}/console/signin` }));
    printJson(result);
    return 0;
  },
};
