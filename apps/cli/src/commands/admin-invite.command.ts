import { inviteAdmin, issueSignInLink } from '@tandem/workflows';
import { type CliCommand, parseFlags, printJson, requireFlag } from '../cli-command';
import { withOrm } from '../orm';

export const adminInviteCommand: CliCommand = {
  name: 'admin:invite',
  summary:
    '--org ID --email E: add an admin of the console; prints a one-time sign-in link (15 minutes), later ones are emailed',
  async run(args) {
    const flags = parseFlags(args, ['org', 'email']);
    const organizationId = requireFlag(flags, 'org');
    const email = requireFlag(flags, 'email');
    const result = await withOrm(async (orm, config) => {
      const admin = await inviteAdmin(orm.em, organizationId, email);
      return {
        ...admin,
        signIn: `${config.publicUrl}/console/signin`,
        signInLink: await issueSignInLink(orm.em, admin.adminId, config),
      };
    });
    printJson(result);
    return 0;
  },
};
