import { Body, Get, Inject, Param, Post, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError } from '@tandem/domain';
import { SCIM_BASE, ScimService, ScimTokensService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { consoleActor, type ConsoleContext, ConsoleController, SignedIn } from './console-auth';
import { fieldErrors, sendConsolePage } from './console-layout';
import { frameOf } from './console-programs.controller';
import { type ScimPageData, scimPage } from './scim.pages';

/** The console's SCIM page: create and revoke tokens (the same services as the API), see what was provisioned. */
@ConsoleController()
export class ConsoleScimController {
  constructor(
    private readonly tokens: ScimTokensService,
    private readonly scim: ScimService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  private async data(organizationId: string): Promise<ScimPageData> {
    const [tokens, groups, provisioned] = await Promise.all([
      this.tokens.list(organizationId),
      this.scim.groupNames(organizationId),
      this.scim.provisioned(organizationId),
    ]);
    return { baseUrl: `${this.config.publicUrl}${SCIM_BASE}`, tokens, groups, provisioned };
  }

  @Get('scim')
  async show(@SignedIn() ctx: ConsoleContext, @Res() reply: FastifyReply) {
    return sendConsolePage(reply, 200, scimPage(frameOf(ctx, this.config), await this.data(ctx.admin.organizationId)));
  }

  @Post('scim/tokens')
  async create(
    @SignedIn() ctx: ConsoleContext,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    const name = typeof body?.name === 'string' ? body.name : '';
    const frame = frameOf(ctx, this.config);
    try {
      const created = await this.tokens.create(consoleActor(ctx.admin), { name });
      return sendConsolePage(
        reply,
        201,
        scimPage(frame, await this.data(ctx.admin.organizationId), {}, new Map(), undefined, {
          name: created.name,
          token: created.token,
        }),
      );
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      const errors = fieldErrors(err.details);
      return sendConsolePage(
        reply,
        422,
        scimPage(
          frame,
          await this.data(ctx.admin.organizationId),
          { name },
          errors,
          'The token was not created: fix the field marked below.',
        ),
      );
    }
  }

  @Post('scim/tokens/:id/revoke')
  async revoke(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    const revoked = await this.tokens.revoke(consoleActor(ctx.admin), id);
    return sendConsolePage(
      reply,
      200,
      scimPage(
        frameOf(ctx, this.config),
        await this.data(ctx.admin.organizationId),
        {},
        new Map(),
        undefined,
        undefined,
        `The token “${revoked.name}” is revoked: requests with it are refused from now on.`,
      ),
    );
  }
}
