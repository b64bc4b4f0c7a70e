import type { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { expandLinks, redactLinks, sealLinks } from './links';
import type { Locale } from './i18n';
import type { RenderedEmail } from './templates';

/** An email to write into the outbox. */
export interface OutboxDraft extends Omit<RenderedEmail, 'locale'> {
  /** The language it is written in (every template says); null for a message in none in particular. */
  locale?: Locale | null;
  organizationId: string;
  idempotencyKey: string;
  to: string;
  /** Calendar invites (RFC 5545/5546): one VCALENDAR per iTIP message, each sent as a text/calendar part with its method. */
  ics?: string;
}

/**
 * Writes messages into the outbox inside the caller's transaction. A message whose idempotency key exists already
 * is skipped, so re-running the step that caused it never writes it twice. Returns the ids of new messages only.
 * Only the links the templates wrote are stored as placeholders; placeholder text inside user text is defused.
 */
export async function writeOutbox(em: EntityManager, drafts: OutboxDraft[]): Promise<string[]> {
  if (drafts.length === 0) return [];
  const ids: string[] = [];
  const chunk = 5000;
  for (let i = 0; i < drafts.length; i += chunk) {
    const part = drafts.slice(i, i + chunk);
    const rows = await rawQuery<{ id: string }>(
      em,
      `insert into outbox_message (id, organization_id, idempotency_key, "to", subject, text, html, ics, locale)
       select gen_random_uuid(), o, k, t, s, x, h, c, l
       from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as d(o, k, t, s, x, h, c, l)
       on conflict (idempotency_key) do nothing
       returning id`,
      [
        part.map((d) => d.organizationId),
        part.map((d) => d.idempotencyKey),
        part.map((d) => d.to),
        part.map((d) => sealLinks(d.subject)),
        part.map((d) => sealLinks(d.text)),
        part.map((d) => (d.html ? sealLinks(d.html) : null)),
        part.map((d) => d.ics ?? null),
        part.map((d) => d.locale ?? null),
      ],
    );
    for (const row of rows) ids.push(row.id);
  }
  return ids;
}

/** An outbox message as admins read it (the API's listing and the console's mail viewer). */
export interface OutboxItem {
  id: string;
  to: string;
  subject: string;
  text: string;
  status: string;
  idempotencyKey: string;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
}

/**
 * An organization's emails, newest first. Without SMTP the listing is the local mail viewer, so its links work; with
 * SMTP it must not reveal link tokens, so they are replaced by labels.
 */
export async function readOutbox(
  em: EntityManager,
  organizationId: string,
  limit: number,
  config: { smtpUrl?: string; publicUrl: string; appSecret: string },
): Promise<OutboxItem[]> {
  const items = await rawQuery<OutboxItem>(
    em,
    `select id, "to", subject, text, status, idempotency_key as "idempotencyKey", attempts, created_at as "createdAt", sent_at as "sentAt"
       from outbox_message where organization_id = ? order by created_at desc, id desc limit ?`,
    [organizationId, limit],
  );
  const links = (text: string) =>
    config.smtpUrl ? redactLinks(text) : expandLinks(text, config.publicUrl, config.appSecret);
  return items.map((item) => ({ ...item, text: links(item.text) }));
}
