export { WEBHOOK_EVENTS, WEBHOOK_EVENT_WORDS, recordWebhookEvents, type WebhookEventType } from './webhook-events';
export {
  WebhooksService,
  webhookEndpointSchemas,
  type WebhookDeliveryView,
  type WebhookEndpointView,
} from './webhooks.service';
export { WebhookDeliveryService, webhookBackoffMs } from './webhook-delivery.service';
export { WebhookDispatcher } from './webhook-dispatcher';
export { webhookBody, type WebhookPayload } from './webhook-body';
export { isPrivateAddress, webhookUrlProblem } from './webhook-address';
