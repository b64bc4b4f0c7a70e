import { CliCommand, UsageError } from './cli-command';

// Commands load lazily so that `match` starts fast without Nest, the ORM or Redis.
const commands: Record<string, () => Promise<CliCommand>> = {
  'db:migrate': async () => (await import('./commands/db-migrate.command')).dbMigrateCommand,
  'org:create': async () => (await import('./commands/org-create.command')).orgCreateCommand,
  'apikey:create': async () => (await import('./commands/apikey.command')).apiKeyCreateCommand,
  'apikey:revoke': async () => (await import('./commands/apikey.command')).apiKeyRevokeCommand,
  'admin:invite': async () => (await import('./commands/admin-invite.command')).adminInviteCommand,
  match: async () => (await import('./commands/match.command')).matchCommand,
  start: async () => (await import('./commands/start.command')).startCommand,
  demo: async () => (await import('./commands/demo.command')).demoCommand,
  'worker:ping': async () => (await import('./commands/worker-ping.command')).workerPingCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name ? commands[name] : undefined;
  if (!load) {
    process.stderr.write(
      `usage: npm run -s cli -- <command> [options]\ncommands: ${Object.keys(commands).join(', ')}\n`,
    );
    return 2;
  }
  try {
    return await (await load()).run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    const domain = err as { kind?: string; message?: string };
    if (domain.kind === 'not_found' || domain.kind === 'invalid') {
      process.stderr.write(`error: ${domain.message}\n`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
