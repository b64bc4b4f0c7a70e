import { WebhookFormat } from '@tandem/domain';
import { WEBHOOK_EVENT_WORDS, type WebhookEventType } from './webhook-events';

/** A stored event: Standard Webhooks' `{ type, timestamp, data }`. */
export interface WebhookPayload {
  type: WebhookEventType;
  timestamp: string;
  data: Record<string, unknown>;
}

/** What a message names besides the event: the program (not personal data) and where to look in Tandem. */
export interface WebhookContext {
  programName?: string;
  link: string;
}

/** The line a chat message shows: the event in words, the program, and the link into the console. */
export function webhookText(payload: WebhookPayload, context: WebhookContext): string {
  const words = WEBHOOK_EVENT_WORDS[payload.type] ?? payload.type;
  return `${words}${context.programName ? ` in ${context.programName}` : ''}.`;
}

/**
 * The request body for an endpoint's format: the event itself (standard), a Slack incoming-webhook message, or a Teams
 * message with an Adaptive Card (what Teams' Workflows webhooks and its connectors take).
 */
export function webhookBody(format: WebhookFormat, payload: WebhookPayload, context: WebhookContext): string {
  if (format === WebhookFormat.Standard) return JSON.stringify(payload);
  const text = webhookText(payload, context);
  if (format === WebhookFormat.Slack) {
    return JSON.stringify({
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlack(text)}*\n<${context.link}|Open in Tandem>` } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `\`${payload.type}\` at ${payload.timestamp}` }] },
      ],
    });
  }
  return JSON.stringify({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text, weight: 'Bolder', wrap: true },
            { type: 'TextBlock', text: `${payload.type} at ${payload.timestamp}`, isSubtle: true, wrap: true },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open in Tandem', url: context.link }],
        },
      },
    ],
  });
}

/** Slack's mrkdwn control characters, escaped as Slack documents. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
