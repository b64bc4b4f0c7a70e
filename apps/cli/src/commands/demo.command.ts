import { MikroORM } from '@mikro-orm/postgresql';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@tandem/config';
import { createOrmConfig, ensureDatabaseExists, ImportFormat, migrate, rawQuery } from '@tandem/domain';
import {
  IntakeService,
  inviteAdmin,
  issueSignInLink,
  OrganizationsService,
  ProgramsService,
  RoundsService,
} from '@tandem/workflows';
import { EntityManager } from '@mikro-orm/postgresql';
import { createLogger, PinoNestLogger } from '@tandem/observability';
import { WorkerModule } from '@tandem/worker';
import { type CliCommand, parseFlags, printJson } from '../cli-command';
import { SAMPLE_PARTICIPANTS_CSV } from '../demo/sample-participants';

const POLL_MS = 100;
const TIMEOUT_MS = 60_000;

/** Polls until `probe` answers, or fails with `what` after a minute. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`the demo timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * A whole program in one command: a demo organization and program, the bundled 15 coaches and 60 coachees, a matching
 * round, and its offers published by email. Runs a worker in this process, so it needs no other Tandem running.
 */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'create a demo organization and program, import sample people, run a round and publish its offers',
  async run(args) {
    parseFlags(args, []);
    // Logs (the in-process worker's too) go to stderr: stdout carries only the result.
    const config = { ...loadConfig(), logStream: 'stderr' as const };
    await ensureDatabaseExists(config.databaseUrl);
    const orm = await MikroORM.init(createOrmConfig(config.databaseUrl, {}, config.databasePooler));
    await migrate(orm).finally(() => orm.close());

    const logger = createLogger(config, 'worker');
    const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    });
    try {
      const { organizationId, apiKey } = await app.get(OrganizationsService).createOrganization('Demo Co');
      const actor = { organizationId, actor: 'cli:demo' };
      const program = await app
        .get(ProgramsService)
        .create(actor, { name: 'Leadership Coaching (demo)', adminEmail: 'people-team@demo.example' });
      process.stderr.write(`importing 75 sample participants into "${program.name}"…\n`);
      const intake = app.get(IntakeService);
      const started = await intake.createImport(actor, program.id, ImportFormat.Csv, SAMPLE_PARTICIPANTS_CSV);
      const imported = await until('the import', async () => {
        const view = await intake.getImport(organizationId, started.id);
        if (view.status === 'failed')
          throw new Error(`the sample import failed: ${JSON.stringify(view.errors.slice(0, 3))}`);
        return view.status === 'succeeded' ? view : undefined;
      });
      process.stderr.write('running a matching round…\n');
      const rounds = app.get(RoundsService);
      const launched = await rounds.launch(actor, program.id);
      const round = await until('the round', async () => {
        const view = await rounds.get(organizationId, launched.id);
        if (view.status === 'failed') throw new Error(`the round failed: ${view.error}`);
        return view.status === 'proposed' ? view : undefined;
      });
      process.stderr.write(`publishing ${round.matched} offers…\n`);
      await rounds.publish(actor, round.id);
      const em = app.get(EntityManager).fork();
      await until('the offer emails', async () => {
        const [row] = await rawQuery<{ n: string }>(
          em,
          `select count(*) as n from outbox_message where organization_id = ? and status in ('pending', 'sending')`,
          [organizationId],
        );
        return Number(row.n) === 0 ? true : undefined;
      });
      const admin = await inviteAdmin(em, organizationId, 'admin@demo.example');
      printJson({
        organizationId,
        apiKey,
        console: {
          admin: admin.email,
          signInLink: await issueSignInLink(em, admin.adminId, config),
          note: 'works once, for 15 minutes; ask for a new link at /console/signin',
        },
        programId: program.id,
        imported: { rows: imported.rows, created: imported.created },
        round: {
          id: round.id,
          matched: round.matched,
          unmatched: round.unmatched,
          totalScore: round.totalScore,
          lowestScore: round.lowestScore,
          unmatchedReasons: round.unmatchedCoachees.map((u) => ({ name: u.name, reason: u.reason })),
        },
        offerEmails: config.smtpUrl
          ? `sent through ${new URL(config.smtpUrl).host}`
          : `kept in the outbox (SMTP_URL is unset): curl -s ${config.publicUrl}/api/v1/outbox -H "Authorization: Bearer ${apiKey}"`,
        next: [
          `curl -s ${config.publicUrl}/api/v1/rounds/${round.id}/proposals -H "Authorization: Bearer ${apiKey}"`,
          'open an offer link from an email to accept or decline it as the coach',
        ],
      });
      return 0;
    } finally {
      await app.close();
    }
  },
};
