import type { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { asLocale, type Locale, personLocaleSql } from './locales';

/** An organization's default language: the language of emails to its admins and of people without one of their own. */
export async function organizationLocale(em: EntityManager, organizationId: string): Promise<Locale> {
  const [row] = await rawQuery<{ default_locale: string }>(em, `select default_locale from organization where id = ?`, [
    organizationId,
  ]);
  return asLocale(row?.default_locale);
}

/** The language of each coach of the given pairings, by pairing id (for the offers written for them). */
export async function coachLocalesOfPairings(em: EntityManager, pairingIds: string[]): Promise<Map<string, Locale>> {
  if (pairingIds.length === 0) return new Map();
  const rows = await rawQuery<{ id: string; locale: string }>(
    em,
    `select pr.id, ${personLocaleSql('cp')} as locale
       from pairing pr join enrollment ce on ce.id = pr.coach_id join person cp on cp.id = ce.person_id
      where pr.id = any(?::uuid[])`,
    [pairingIds],
  );
  return new Map(rows.map((r) => [r.id, asLocale(r.locale)]));
}
