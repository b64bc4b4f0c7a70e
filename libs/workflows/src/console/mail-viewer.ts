import type { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { expandLinks, type OutboxItem } from '@tandem/mail';

/** What each kind of email is (the outbox key's prefix), in words. */
export const MAIL_KINDS: Readonly<Record<string, string>> = {
  'admin-signin': 'Console sign-in links',
  welcome: 'Welcome emails',
  offer: 'Offers to coaches',
  'offer-reminder': 'Offer reminders',
  intro: 'Introductions',
  'session-invites': 'Session invitations',
  'session-reminder': 'Session reminders',
  'inactivity-nudge': 'Inactivity nudges',
  'at-risk': 'At-risk alerts',
  'rematch-offer': 'Re-match offers',
  'pairing-ended': 'Pairing ended',
  'closing-survey': 'Closing surveys',
  unmatched: 'No coach found',
  'waitlist-matched': 'Waiting-list matches',
};

/** One page of the local mail viewer. */
export interface MailPageQuery {
  /** A kind (outbox key prefix), or '' for every kind. */
  kind: string;
  /** Part of a recipient's address, or ''. */
  to: string;
  offset: number;
  limit: number;
}

/**
 * The organization's outbox for the local mail viewer (SMTP_URL unset), newest first, filtered by kind and recipient
 * and paged; links expanded so they work. Answers one more row than `limit` is not shown: `more` says whether a next
 * page exists. The kinds present in the outbox come with their counts.
 */
export async function readMailPage(
  em: EntityManager,
  organizationId: string,
  query: MailPageQuery,
  config: { publicUrl: string; appSecret: string },
): Promise<{ items: OutboxItem[]; more: boolean; kinds: { kind: string; count: number }[] }> {
  const to = query.to.trim()
    ? `%${query.to
        .trim()
        .slice(0, 200)
        .replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    : null;
  const kind = query.kind ? query.kind.slice(0, 40) : null;
  const rows = await rawQuery<OutboxItem>(
    em,
    `select id, "to", subject, text, status, idempotency_key as "idempotencyKey", attempts, created_at as "createdAt", sent_at as "sentAt"
       from outbox_message
      where organization_id = ? and (?::text is null or split_part(idempotency_key, ':', 1) = ?) and (?::text is null or "to" ilike ?)
      order by created_at desc, id desc limit ? offset ?`,
    [organizationId, kind, kind, to, to, query.limit + 1, query.offset],
  );
  const kinds = await rawQuery<{ kind: string; count: number }>(
    em,
    `select split_part(idempotency_key, ':', 1) as kind, count(*)::int as count from outbox_message where organization_id = ? group by 1 order by 1`,
    [organizationId],
  );
  return {
    items: rows
      .slice(0, query.limit)
      .map((item) => ({ ...item, text: expandLinks(item.text, config.publicUrl, config.appSecret) })),
    more: rows.length > query.limit,
    kinds,
  };
}
