/** The languages Tandem writes to participants in; the first is the fallback of last resort. */
export const SUPPORTED_LOCALES = ['en', 'de'] as const;

/** A supported language: a BCP 47 base language subtag. */
export type Locale = (typeof SUPPORTED_LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'en';

/**
 * Spoken-language entries (the person's `languages`, codes or names, lower case) that name a supported language. A code
 * with a region (`de-ch`) counts by its base language.
 */
export const LANGUAGE_ALIASES: Readonly<Record<string, Locale>> = {
  en: 'en',
  eng: 'en',
  english: 'en',
  englisch: 'en',
  de: 'de',
  deu: 'de',
  ger: 'de',
  german: 'de',
  deutsch: 'de',
};

/** Whether a value is a supported locale. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** A stored or configured locale as a supported one; anything else (null, a language since removed) is the default. */
export function asLocale(value: unknown): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

const BCP47 = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i;

/**
 * Reads a language tag as given by a CSV, JSON or SCIM (`de`, `de-DE`, `EN_gb`): `locale` when its base language is
 * supported, `unsupported` for a well-formed tag of another language, `invalid` for anything that is not a tag.
 */
export function parseLocaleTag(value: string): { locale: Locale } | { problem: 'invalid' | 'unsupported' } {
  const tag = value.trim().replace(/_/g, '-');
  if (!BCP47.test(tag)) return { problem: 'invalid' };
  const base = tag.split('-')[0].toLowerCase();
  return isLocale(base) ? { locale: base } : { problem: 'unsupported' };
}

/** The first supported language of a person's spoken languages, if any. */
export function localeOfLanguages(languages: readonly string[]): Locale | null {
  for (const language of languages) {
    const entry = language.trim().toLowerCase();
    const found = LANGUAGE_ALIASES[entry] ?? LANGUAGE_ALIASES[entry.split('-')[0]];
    if (found) return found;
  }
  return null;
}

/** The language Tandem writes to a person in: their own locale, else their first supported spoken language, else the organization's default. */
export function resolveLocale(
  person: { locale?: string | null; languages?: readonly string[] | null },
  organizationDefault?: string | null,
): Locale {
  if (isLocale(person.locale)) return person.locale;
  return localeOfLanguages(person.languages ?? []) ?? asLocale(organizationDefault);
}

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * The same choice as `resolveLocale`, as a SQL expression over a `person` row aliased `alias`, so any query that reads a
 * recipient can read their language with one more column. Built from the constants above only (no input reaches it).
 */
export function personLocaleSql(alias: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new Error(`not a table alias: ${alias}`);
  const aliases = Object.entries(LANGUAGE_ALIASES)
    .map(([name, locale]) => `(${sqlString(name)}, ${sqlString(locale)})`)
    .join(', ');
  return `coalesce(${alias}.locale,
    (select a.locale from unnest(${alias}.languages) with ordinality as l(name, n)
       join (values ${aliases}) as a(name, locale) on a.name = l.name or a.name = split_part(l.name, '-', 1)
      order by l.n limit 1),
    (select o.default_locale from organization o where o.id = ${alias}.organization_id))`;
}

/** An organization's default language, as a SQL expression for the organization with the id in `column`. */
export function organizationLocaleSql(column: string): string {
  if (!/^[a-z_][a-z0-9_.]*$/.test(column)) throw new Error(`not a column: ${column}`);
  return `(select o.default_locale from organization o where o.id = ${column})`;
}

/** The supported language a browser prefers most (an `Accept-Language` header), for pages that know no person. */
export function localeFromAcceptLanguage(header: string | string[] | undefined): Locale {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranked = value
    .slice(0, 500)
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](\.\d{0,3})?)\s*$/.exec(p)?.[1]).find((x) => x !== undefined);
      return { base: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.q > 0 && isLocale(r.base))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked.length > 0 ? (ranked[0].base as Locale) : DEFAULT_LOCALE;
}
