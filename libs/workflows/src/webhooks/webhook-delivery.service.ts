import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { Clock, rawQuery, WebhookDeliveryStatus, type WebhookFormat } from '@tandem/domain';
import { JobName, JobProducer } from '@tandem/queues';
import { Webhook } from 'standardwebhooks';
import { guardedLookup } from './webhook-address';
import { webhookBody, type WebhookPayload } from './webhook-body';
import { decryptWebhookSecret } from './webhook-secret';

/** How long one request may take in all (connecting, sending, the whole answer), and how much of an answer is kept. */
const TIMEOUT_MS = 10_000;
const RESPONSE_CHARS = 500;

/** The wait before attempt `n + 1`: the base (WEBHOOK_RETRY_BASE) doubled per attempt, at most an hour. */
export function webhookBackoffMs(baseMs: number, attempt: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

interface Claimed {
  id: string;
  event_id: string;
  payload: WebhookPayload;
  url: string;
  format: WebhookFormat;
  secret_encrypted: string;
  enabled: boolean;
  give_up_at: Date | string;
  program_name: string | null;
  program_id: string | null;
}

/** What one request came back with. */
interface Answer {
  statusCode: number | null;
  response: string;
}

/**
 * The `webhooks.deliver` job: one attempt of one delivery. The attempt is claimed in PostgreSQL before the request
 * (attempts = n - 1 -> n, and the next attempt's time set), so a job run twice sends once, and a worker that dies
 * mid-request leaves the delivery to the reconciler, which asks for the next attempt once its time has come. Each
 * attempt is recorded with its answer; a 2xx delivers, anything else is retried with backoff until a day after the
 * event, then the delivery is failed. Every attempt carries the same `webhook-id`, so a receiver
 * can drop a repeat.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {}

  async deliver(deliveryId: string, attempt: number): Promise<void> {
    const em = this.em.fork();
    const now = this.clock.now();
    const nextAt = new Date(now.getTime() + webhookBackoffMs(this.config.webhookRetryBaseMs, attempt));
    const [claimed] = await rawQuery<Claimed>(
      em,
      `update webhook_delivery d set attempts = d.attempts + 1, next_attempt_at = ?
         from webhook_endpoint e
        where d.id = ? and d.status = 'pending' and d.attempts = ? and e.id = d.endpoint_id
        returning d.id, d.event_id, d.payload, d.give_up_at, e.url, e.format, e.secret_encrypted, e.enabled,
                  (select p.name from program p where p.id::text = d.payload->'data'->>'programId') as program_name,
                  d.payload->'data'->>'programId' as program_id`,
      [nextAt, deliveryId, attempt - 1],
    );
    if (!claimed) return;
    const started = Date.now();
    const answer: Answer = claimed.enabled
      ? await this.send(claimed, now)
      : { statusCode: null, response: 'the endpoint is disabled' };
    const delivered = answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
    const givesUp = !delivered && (!claimed.enabled || nextAt.getTime() > new Date(claimed.give_up_at).getTime());
    await em.transactional(async (tem) => {
      await rawQuery(
        tem,
        `insert into webhook_attempt (id, delivery_id, attempt, at, status_code, response, duration_ms) values (gen_random_uuid(), ?, ?, ?, ?, ?, ?) on conflict do nothing`,
        [claimed.id, attempt, now, answer.statusCode, answer.response, Date.now() - started],
      );
      if (delivered)
        await rawQuery(tem, `update webhook_delivery set status = ?, delivered_at = ? where id = ?`, [
          WebhookDeliveryStatus.Delivered,
          now,
          claimed.id,
        ]);
      else if (givesUp)
        await rawQuery(tem, `update webhook_delivery set status = ? where id = ?`, [
          WebhookDeliveryStatus.Failed,
          claimed.id,
        ]);
    });
    if (!delivered && !givesUp) {
      await this.producer.afterCommit('the next webhook attempt', () =>
        this.producer.enqueueAt(
          JobName.WebhooksDeliver,
          [{ payload: { deliveryId, attempt: attempt + 1 }, dueAt: nextAt }],
          this.clock.now(),
        ),
      );
    }
  }

  /** One signed POST; never follows a redirect, never reaches a private address the install does not allow. */
  private send(claimed: Claimed, now: Date): Promise<Answer> {
    const link = claimed.program_id
      ? `${this.config.publicUrl}/console/programs/${claimed.program_id}`
      : `${this.config.publicUrl}/console`;
    const body = webhookBody(claimed.format, claimed.payload, { programName: claimed.program_name ?? undefined, link });
    let signature: string;
    try {
      signature = new Webhook(decryptWebhookSecret(this.config.appSecret, claimed.secret_encrypted)).sign(
        claimed.event_id,
        now,
        body,
      );
    } catch {
      return Promise.resolve({
        statusCode: null,
        response: 'the signing secret cannot be read (APP_SECRET changed?): give the endpoint a new secret',
      });
    }
    const url = new URL(claimed.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Answer>((resolve) => {
      // Text as PostgreSQL keeps it: no NUL character.
      const kept = (text: string) => text.slice(0, RESPONSE_CHARS).replace(/\u0000/g, '');
      const req = send(
        url,
        {
          method: 'POST',
          lookup: guardedLookup(this.config.webhookAllowPrivateNetworks) as never,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Tandem-Webhooks/1',
            'webhook-id': claimed.event_id,
            'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
            'webhook-signature': signature,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < RESPONSE_CHARS) text += chunk;
          });
          res.on('end', () => {
            clearTimeout(deadline);
            resolve({ statusCode: res.statusCode ?? null, response: kept(text) });
          });
          // Cut off mid-answer (the deadline, a reset): no complete answer, so not delivered.
          res.on('error', (err) => {
            clearTimeout(deadline);
            resolve({ statusCode: null, response: kept(`the answer broke off: ${err.message}`) });
          });
        },
      );
      // A receiver that answers slowly, a byte at a time, is cut off at the deadline like one that never answers.
      const deadline = setTimeout(
        () => req.destroy(new Error(`no complete answer within ${TIMEOUT_MS / 1000} s`)),
        TIMEOUT_MS,
      );
      req.on('error', (err) => {
        clearTimeout(deadline);
        this.logger.warn(`webhook delivery ${claimed.id} attempt failed: ${err.message}`);
        resolve({ statusCode: null, response: kept(err.message) });
      });
      req.end(body);
    });
  }
}
