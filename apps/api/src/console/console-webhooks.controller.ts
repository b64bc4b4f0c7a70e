import { Body, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError } from '@tandem/domain';
import { WEBHOOK_EVENTS, WebhooksService } from '@tandem/workflows';
import type { FastifyReply } from 'fastify';
import { consoleActor, type ConsoleContext, ConsoleController, SignedIn } from './console-auth';
import { fieldErrors, sendConsolePage } from './console-layout';
import { frameOf } from './console-programs.controller';
import { webhookPage, webhooksPage } from './webhooks.pages';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The console's webhooks: the same WebhooksService as the API, as pages that work without JavaScript. */
@ConsoleController()
export class ConsoleWebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  @Get('webhooks')
  async list(@SignedIn() ctx: ConsoleContext, @Res() reply: FastifyReply) {
    return sendConsolePage(
      reply,
      200,
      webhooksPage(frameOf(ctx, this.config), await this.webhooks.list(ctx.admin.organizationId)),
    );
  }

  @Post('webhooks')
  async create(
    @SignedIn() ctx: ConsoleContext,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
  ) {
    const form = {
      url: text(body?.url)?.trim() ?? '',
      format: text(body?.format) ?? 'standard',
      description: text(body?.description)?.trim() || undefined,
      events: WEBHOOK_EVENTS.filter((event) => body?.[`event.${event}`] === 'on'),
    };
    const frame = frameOf(ctx, this.config);
    try {
      const created = await this.webhooks.create(consoleActor(ctx.admin), form);
      return sendConsolePage(
        reply,
        201,
        webhooksPage(frame, await this.webhooks.list(ctx.admin.organizationId), {}, new Map(), undefined, created),
      );
    } catch (err) {
      if (!(err instanceof DomainError) || err.kind !== 'invalid') throw err;
      const errors = fieldErrors(err.details);
      if (errors.has('events.0')) errors.set('events', errors.get('events.0')!);
      if (form.events.length === 0) errors.set('events', 'Choose at least one event.');
      return sendConsolePage(
        reply,
        422,
        webhooksPage(
          frame,
          await this.webhooks.list(ctx.admin.organizationId),
          form,
          errors,
          'The endpoint was not added: fix the fields marked below.',
        ),
      );
    }
  }

  @Get('webhooks/:id')
  show(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ) {
    return this.page(ctx, id, query, reply);
  }

  /** An endpoint's page with its deliveries, after an action with the notice that says what it did. */
  private async page(
    ctx: ConsoleContext,
    id: string,
    query: Record<string, unknown>,
    reply: FastifyReply,
    notice?: string,
  ) {
    const endpoint = await this.webhooks.get(ctx.admin.organizationId, id);
    const status = ['pending', 'delivered', 'failed'].includes(text(query?.status) ?? '') ? text(query.status)! : '';
    const offset = /^\d{1,7}$/.test(text(query?.offset) ?? '') ? text(query.offset)! : '0';
    const page = await this.webhooks.deliveries(ctx.admin.organizationId, id, {
      ...(status ? { status } : {}),
      offset,
      limit: '50',
    });
    return sendConsolePage(reply, 200, webhookPage(frameOf(ctx, this.config), endpoint, page, status, notice));
  }

  @Post('webhooks/:id/test')
  async test(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    await this.webhooks.sendTest(consoleActor(ctx.admin), id);
    return this.page(ctx, id, {}, reply, 'A test event is on its way; its delivery is listed below.');
  }

  @Post('webhooks/:id/deliveries/:deliveryId/replay')
  async replay(
    @SignedIn() ctx: ConsoleContext,
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
    @Res() reply: FastifyReply,
  ) {
    await this.webhooks.replay(consoleActor(ctx.admin), id, deliveryId);
    return this.page(ctx, id, {}, reply, 'The delivery is sent again, with the same webhook-id.');
  }

  @Post('webhooks/:id/enable')
  async enable(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    await this.webhooks.update(consoleActor(ctx.admin), id, { enabled: true });
    return this.page(ctx, id, {}, reply, 'The endpoint is on.');
  }

  @Post('webhooks/:id/disable')
  async disable(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    await this.webhooks.update(consoleActor(ctx.admin), id, { enabled: false });
    return this.page(ctx, id, {}, reply, 'The endpoint is off: no events are recorded for it until it is on again.');
  }

  @Post('webhooks/:id/remove')
  async remove(@SignedIn() ctx: ConsoleContext, @Param('id') id: string, @Res() reply: FastifyReply) {
    await this.webhooks.remove(consoleActor(ctx.admin), id);
    return reply.status(303).header('location', '/console/webhooks').send();
  }
}
