import { Body, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError } from '@tandem/domain';
import { AdminsService, ProgramsService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import {
  consoleActor,
  type ConsoleContext,
  ConsoleController,
  SIGN_IN_PATH,
  SignedIn,
  writeConsoleSession,
  writeOpsConsoleSession,
} from './console-auth';
import { type ConsoleFrame, fieldErrors, sendConsolePage } from './console-layout';
import {
  durationErrors,
  programsPage,
  settingsCommand,
  settingsFromForm,
  settingsOf,
  settingsPage,
} from './program.pages';

type Form = Record<string, unknown>;

/** The frame of a signed-in page. */
export function frameOf(ctx: ConsoleContext, config: TandemConfig): ConsoleFrame {
  return { admin: ctx.admin, csrf: ctx.csrf, mailViewer: !config.smtpUrl };
}

/** Answers a ValidationError with `render(errors)` (422); anything else propagates to the console's error pages. */
export async function orInvalid(
  reply: FastifyReply,
  action: () => Promise<FastifyReply>,
  render: (err: DomainError) => string | undefined,
): Promise<FastifyReply> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const markup = err.kind === 'invalid' || err.kind === 'conflict' ? render(err) : undefined;
    if (markup === undefined) throw err;
    return sendConsolePage(reply, err.kind === 'invalid' ? 422 : 409, markup);
  }
}

/** Programs: list, create, settings; and signing out. Every route needs a session, every form its CSRF token. */
@ConsoleController()
export class ConsoleProgramsController {
  constructor(
    private readonly programs: ProgramsService,
    private readonly admins: AdminsService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Post('signout')
  async signOut(@SignedIn() ctx: ConsoleContext, @Res() reply: FastifyReply) {
    await this.admins.signOutEverywhere(ctx.admin);
    writeConsoleSession(reply, this.config, undefined);
    return writeOpsConsoleSession(reply.status(303), this.config, undefined).header('location', SIGN_IN_PATH).send();
  }

  @Get('programs')
  async list(@SignedIn() ctx: ConsoleContext, @Res() reply: FastifyReply) {
    const { items } = await this.programs.list(ctx.admin.organizationId);
    return sendConsolePage(reply, 200, programsPage(frameOf(ctx, this.config), items));
  }

  @Post('programs')
  create(@SignedIn() ctx: ConsoleContext, @Body() form: Form, @Res() reply: FastifyReply) {
    const name = typeof form?.name === 'string' ? form.name : '';
    return orInvalid(
      reply,
      async () => {
        const program = await this.programs.create(consoleActor(ctx.admin), { name });
        return reply.status(303).header('location', `/console/programs/${program.id}?created=1`).send();
      },
      (err) => {
        const errors = fieldErrors(err.details);
        return programsPage(frameOf(ctx, this.config), [], {
          name,
          errors,
          alert: 'The program was not created: check the name.',
        });
      },
    );
  }

  @Get('programs/:id')
  async settings(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query('saved') saved: string | undefined,
    @Query('created') created: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const notice = created
      ? 'Program created. Review its settings, then add people.'
      : saved
        ? 'Settings saved.'
        : undefined;
    return sendConsolePage(
      reply,
      200,
      settingsPage(frameOf(ctx, this.config), program, settingsOf(program), new Map(), { notice }),
    );
  }

  @Post('programs/:id')
  async save(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Body() form: Form, @Res() reply: FastifyReply) {
    const program = await this.programs.get(ctx.admin.organizationId, id);
    const values = settingsFromForm(form ?? {});
    return orInvalid(
      reply,
      async () => {
        await this.programs.update(consoleActor(ctx.admin), id, settingsCommand(values, form?.version));
        return reply.status(303).header('location', `/console/programs/${id}?saved=1`).send();
      },
      (err) =>
        settingsPage(
          frameOf(ctx, this.config),
          program,
          values,
          new Map([...fieldErrors(err.details), ...durationErrors(values)]),
          {
            alert:
              err.code === 'stale_version'
                ? 'Someone else changed these settings meanwhile. Reload the page to see their version.'
                : 'Nothing was saved: fix the fields marked below.',
          },
        ),
    );
  }
}
