import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { DomainError, hashSecret, rawQuery, RetryLaterError } from '@tandem/domain';
import { inSpan } from '@tandem/observability';
import { SpanKind } from '@opentelemetry/api';
import { createTransport, type Transporter } from 'nodemailer';
import { textToHtml } from './html';
import { expandLinks } from './links';

/** What happened to one outbox message. */
export type SendOutcome = 'sent' | 'held' | 'skipped';

interface ClaimedMessage {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  ics: string | null;
  locale: string | null;
  idempotency_key: string;
}

/** SMTP connections a worker's pool opens unless SMTP_URL's `maxConnections` says otherwise. */
const POOL_CONNECTIONS = 5;

/**
 * A pooled transport: up to POOL_CONNECTIONS connections, each reused for many messages. nodemailer takes options from
 * the URL's query; an options object passed beside a URL is read as message defaults and ignored, which made every
 * message open and greet a connection of its own (67 instead of 108 messages a second to a local server). Options
 * already in SMTP_URL win.
 */
export function pooledTransport(smtpUrl: string): Transporter {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', String(POOL_CONNECTIONS));
  return createTransport(url.toString());
}

/** How many messages the pool sends at once (its connections; one when SMTP_URL turns pooling off). */
function sendSlots(smtpUrl: string): number {
  const url = new URL(smtpUrl);
  if (url.searchParams.get('pool') === 'false') return 1;
  const n = Number(url.searchParams.get('maxConnections') ?? POOL_CONNECTIONS);
  return Number.isInteger(n) && n > 0 ? n : POOL_CONNECTIONS;
}

/**
 * The calendar parts of a message: its `ics` is an iCalendar stream of one VCALENDAR per event (an iTIP message holds
 * one UID), each sent as a text/calendar part whose `method` is the object's METHOD (RFC 6047 2.4). A single invite
 * goes as nodemailer's icalEvent, a text/calendar alternative of the body (so clients show it as an invite) plus an
 * invite.ics attachment; several go as text/calendar attachments.
 */
export function calendarParts(ics: string | null): {
  icalEvent?: { method: string; content: string; filename: string };
  attachments?: { filename: string; content: string; contentType: string }[];
} {
  if (!ics) return {};
  const parts = ics
    .split(/(?<=\nEND:VCALENDAR\r\n)/)
    .filter((part) => part.trim() !== '')
    .map((content) => ({ method: /\nMETHOD:([A-Z-]+)\r\n/.exec(content)?.[1] ?? 'PUBLISH', content }));
  if (parts.length === 1)
    return { icalEvent: { method: parts[0].method, content: parts[0].content, filename: 'invite.ics' } };
  return {
    attachments: parts.map((p, i) => ({
      filename: `invite-${i + 1}.ics`,
      content: p.content,
      contentType: `text/calendar; charset=utf-8; method=${p.method}`,
    })),
  };
}

/**
 * The Message-ID of an outbox message, from its idempotency key: the same for every attempt, so receiving systems can
 * drop the duplicate a crash between send and commit can cause.
 */
export function messageIdOf(idempotencyKey: string): string {
  return `<${hashSecret(idempotencyKey).slice(0, 40)}@tandem>`;
}

const closedError = () => new RetryLaterError(0, 'the mail transport is closed (shutting down)');

/**
 * Sends outbox messages. A message is claimed with a conditional UPDATE, so two workers never send it at once and a
 * retried job never re-sends what is already marked sent. Without SMTP_URL messages are held for the mail viewer.
 */
@Injectable()
export class EmailSender implements OnApplicationShutdown {
  private readonly logger = new Logger(EmailSender.name);
  private readonly transport: Transporter | undefined;
  /** The SMTP server's host, for the send's span (never its credentials). */
  private readonly smtpHost: string | undefined;
  private closed = false;
  /**
   * Messages claimed and handed to the pool, at most one per connection: a message is claimed only once a connection
   * is free for it, so none waits inside the pool, claimed, where a stop could not take it back.
   */
  private readonly slots: number;
  private sending = 0;
  private readonly waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(
    private readonly em: EntityManager,
    @Inject(TANDEM_CONFIG) private readonly config: TandemConfig,
  ) {
    this.transport = config.smtpUrl ? pooledTransport(config.smtpUrl) : undefined;
    this.smtpHost = config.smtpUrl ? new URL(config.smtpUrl).hostname : undefined;
    this.slots = config.smtpUrl ? sendSlots(config.smtpUrl) : 1;
  }

  /**
   * A stopping worker starts no new SMTP send: what is already with the SMTP server finishes within the grace, and
   * what is not waits, unclaimed, for the next worker. A send cut off after the server took the message but before it
   * was marked sent is the one way an email goes out twice, so the stop keeps that window to the sends in flight.
   */
  stopSending(): void {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(closedError());
  }

  private async acquireSlot(): Promise<void> {
    if (this.sending < this.slots) {
      this.sending++;
      return;
    }
    // The slot is handed over by releaseSlot, so `sending` stays counted.
    await new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.sending--;
  }

  /** Sends (or holds) one message; safe to call any number of times. */
  async send(messageId: string): Promise<SendOutcome> {
    // Refused before the claim, so the message stays pending and no attempt is spent; the job goes back to the queue.
    if (this.closed) throw closedError();
    const em = this.em.fork();
    if (!this.transport) {
      const held = await rawQuery(
        em,
        `update outbox_message set status = 'held' where id = ? and status = 'pending' returning id`,
        [messageId],
      );
      return held.length > 0 ? 'held' : 'skipped';
    }
    await this.acquireSlot();
    try {
      return await this.claimAndSend(em, messageId);
    } finally {
      this.releaseSlot();
    }
  }

  private async claimAndSend(em: EntityManager, messageId: string): Promise<SendOutcome> {
    if (this.closed) throw closedError();
    const transport = this.transport!;
    const [message] = await rawQuery<ClaimedMessage>(
      em,
      `update outbox_message
          set status = 'sending', attempts = attempts + 1, locked_until = now() + make_interval(secs => ?)
        where id = ? and (status in ('pending', 'held') or (status = 'sending' and locked_until < now()))
        returning "to", subject, text, html, ics, locale, idempotency_key`,
      [this.config.emailClaimLeaseMs / 1000, messageId],
    );
    if (!message) {
      // Another claim may still hold it: a live sender, or one that crashed (its lease ends at EMAIL_CLAIM_LEASE). The
      // job must not complete as if the message were sent, or a crashed sender's message would wait for the reconciler
      // and its completed job id would keep the reconciler from queueing it again; retrying (with backoff) sends it.
      const [held] = await rawQuery<{ id: string }>(
        em,
        `select id from outbox_message where id = ? and status = 'sending'`,
        [messageId],
      );
      if (held) throw new Error(`message ${messageId} is claimed by another send until its lease ends; retrying`);
      return 'skipped';
    }
    const text = expandLinks(message.text, this.config.publicUrl, this.config.appSecret);
    try {
      // The span names the message by id and kind (the key's prefix: offer, reminder...), never its recipient or text.
      const attributes = {
        'tandem.outbox_message_id': messageId,
        'tandem.email_kind': message.idempotency_key.split(':', 1)[0],
        'server.address': this.smtpHost,
      };
      await inSpan(
        'smtp send',
        attributes,
        () =>
          transport.sendMail({
            from: this.config.mailFrom,
            to: message.to,
            subject: message.subject,
            text,
            html: message.html
              ? expandLinks(message.html, this.config.publicUrl, this.config.appSecret)
              : textToHtml(text, message.locale),
            // RFC 3282: clients (and screen readers) know the message's language.
            ...(message.locale && /^[a-z]{2,3}$/.test(message.locale)
              ? { headers: { 'Content-Language': message.locale } }
              : {}),
            ...calendarParts(message.ics),
            messageId: messageIdOf(message.idempotency_key),
          }),
        SpanKind.CLIENT,
      );
    } catch (err) {
      const responseCode = (err as { responseCode?: number }).responseCode;
      const permanent = typeof responseCode === 'number' && responseCode >= 500;
      await rawQuery(em, `update outbox_message set status = ?, locked_until = null, last_error = ? where id = ?`, [
        permanent ? 'failed' : 'pending',
        String((err as Error).message).slice(0, 500),
        messageId,
      ]);
      if (permanent)
        throw new DomainError(
          'invalid',
          'email_rejected',
          `the SMTP server rejected message ${messageId} (${responseCode})`,
        );
      throw err;
    }
    await rawQuery(
      em,
      `update outbox_message set status = 'sent', sent_at = now(), locked_until = null where id = ? and status = 'sending'`,
      [messageId],
    );
    return 'sent';
  }

  /**
   * Closes the SMTP pool once the application shuts down: after the worker's jobs have drained (they drain in
   * beforeApplicationShutdown), never in onModuleDestroy, which Nest runs first and would leave the jobs of the grace
   * period sending into a closed pool, which takes a message and never answers.
   */
  onApplicationShutdown(): void {
    this.closed = true;
    this.transport?.close();
    this.logger.debug('mail transport closed');
  }
}
