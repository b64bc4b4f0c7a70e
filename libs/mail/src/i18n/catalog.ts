import { de } from './catalog.de';
import { en } from './catalog.en';
import type { Locale } from './locales';

/** A text's key. */
export type MessageKey = keyof typeof en;

/** A language's texts: every key of the English catalog, nothing else (a missing or unknown key fails to compile). */
export type Catalog = { readonly [K in MessageKey]: string };

/** The placeholder names of a text, read from its English wording (`'Hi {first},'` has `first`). */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a text needs: one per placeholder. */
export type MessageParams<K extends MessageKey> = Record<Placeholders<(typeof en)[K]>, string | number>;

/** Every language's catalog. */
export const CATALOGS: Readonly<Record<Locale, Catalog>> = { en, de };

const PLACEHOLDER = /\{([a-zA-Z]+)\}/g;

/** The placeholder names a text uses, sorted (the catalog test compares them across languages). */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
}

/**
 * A text in a language with its placeholders filled. Values are inserted as they are (emails are plain text; pages
 * escape the result through the html template), and a value's own braces are never read as placeholders.
 */
export function t<K extends MessageKey>(
  locale: Locale,
  key: K,
  ...params: Placeholders<(typeof en)[K]> extends never ? [] : [MessageParams<K>]
): string {
  const text = (CATALOGS[locale] ?? en)[key] ?? en[key];
  const values = params[0] as Record<string, string | number> | undefined;
  if (!values) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/** A translator bound to one language. */
export type Translate = <K extends MessageKey>(
  key: K,
  ...params: Placeholders<(typeof en)[K]> extends never ? [] : [MessageParams<K>]
) => string;

/** `t` bound to one language. */
export function translator(locale: Locale): Translate {
  return (key, ...params) => t(locale, key, ...params);
}

/** How each language writes a date and time; English keeps "26 Nov 2026, 19:30 CET". */
const DATE_TIME: Readonly<
  Record<Locale, { tag: string; date: Intl.DateTimeFormatOptions; time: Intl.DateTimeFormatOptions; joined: boolean }>
> = {
  en: {
    tag: 'en-GB',
    date: {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    },
    time: {},
    joined: true,
  },
  // "Donnerstag, 10. Dezember 2026, 14:00 MEZ": the date and the time written separately, so no " um " joins them.
  de: {
    tag: 'de-DE',
    date: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
    time: { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' },
    joined: false,
  },
};

const formatters = new Map<string, { date: Intl.DateTimeFormat; time?: Intl.DateTimeFormat }>();

/** A date and time as the recipient reads it: in their language and their time zone ("26 Nov 2026, 19:30 CET"). */
export function formatInstant(at: Date, timeZone: string, locale: Locale = 'en'): string {
  const id = `${locale} ${timeZone}`;
  let formatter = formatters.get(id);
  if (!formatter) {
    // Building a formatter costs ~0.1 ms; publishing 10,000 offers reuses one per language and time zone.
    const style = DATE_TIME[locale] ?? DATE_TIME.en;
    formatter = {
      date: new Intl.DateTimeFormat(style.tag, { ...style.date, timeZone }),
      time: style.joined ? undefined : new Intl.DateTimeFormat(style.tag, { ...style.time, timeZone }),
    };
    if (formatters.size < 2000) formatters.set(id, formatter);
  }
  return formatter.time ? `${formatter.date.format(at)}, ${formatter.time.format(at)}` : formatter.date.format(at);
}

/** Whether a language writes nouns in lower case inside a sentence ("your progress in active listening"). */
const LOWER_CASE_NOUNS: Readonly<Record<Locale, boolean>> = { en: true, de: false };

/**
 * A skill's label in a language: a default skill still labelled as by default reads in the language; a program's own
 * label is shown as written. `inSentence` gives the form used inside a sentence.
 */
export function skillLabel(skill: { key: string; label: string }, locale: Locale, inSentence = false): string {
  const key = `skill.${skill.key}`;
  // English shows the label exactly as the program has it; the catalog's English is only what a default label reads.
  const isDefault = Object.hasOwn(en, key) && en[key as MessageKey].toLowerCase() === skill.label.trim().toLowerCase();
  const translated = isDefault && locale !== 'en' ? CATALOGS[locale][key as MessageKey] : skill.label;
  return inSentence && LOWER_CASE_NOUNS[locale] ? translated.toLowerCase() : translated;
}

type WhyKey = MessageKey extends infer K ? (K extends `why.${infer W}` ? W : never) : never;

/**
 * The placeholders each reason part's values fill, in order: `skill` is a skill key (worded by its label) and
 * `language` a text, the rest numbers. Every text also gets `name`, the coachee's first name, from the reader's context.
 */
export const WHY_VALUES: Readonly<Record<WhyKey, readonly string[]>> = {
  strong: ['skill'],
  skill: ['skill'],
  strength: ['skill', 'strength'],
  biggestNeed: [],
  need: ['need'],
  measured: ['skill', 'figure'],
  strongFeedback: ['skill'],
  sameHours: [],
  overlapOne: ['hours'],
  overlap: ['hours'],
  noOverlap: ['gap'],
  language: ['language'],
  levelAbove: ['count'],
  levelsAbove: ['count'],
  sameLevel: [],
  levelBelow: ['count'],
  levelsBelow: ['count'],
};

const TEXT_VALUES = new Set(['skill', 'language']);
const NUMBER_TAG: Readonly<Record<Locale, string>> = { en: 'en-GB', de: 'de-DE' };

/** A reason's wording (libs/matching explainPair: `strength:empathy:3 need:3`) in a language, or null if it names something unknown. */
export function wordReason(
  wording: unknown,
  locale: Locale,
  context: { name: string; labels: Map<string, string> },
  number: Intl.NumberFormat,
): string | null {
  if (typeof wording !== 'string' || wording === '') return null;
  const out: string[] = [];
  for (const part of wording.split(' ')) {
    const [key, ...given] = part.split(':');
    if (!Object.hasOwn(WHY_VALUES, key)) return null;
    const names = WHY_VALUES[key as WhyKey];
    if (given.length !== names.length) return null;
    const values: Record<string, string> = { name: context.name };
    for (const [i, placeholder] of names.entries()) {
      if (TEXT_VALUES.has(placeholder)) {
        let text: string;
        try {
          text = decodeURIComponent(given[i]);
        } catch {
          return null;
        }
        values[placeholder] =
          placeholder === 'skill'
            ? skillLabel({ key: text, label: context.labels.get(text) ?? text }, locale, true)
            : text;
      } else {
        const n = Number(given[i]);
        if (given[i] === '' || !Number.isFinite(n)) return null;
        values[placeholder] = number.format(n);
      }
    }
    out.push(t(locale, `why.${key as WhyKey}`, values as never));
  }
  return out.join('');
}

/**
 * A pair's match reasons in a language. English keeps the stored sentences; another language words each reason from
 * its wording (the coachee's first name and the program's skill labels from `context`, numbers and default skills in
 * that language), and falls back to the stored sentences when a pairing has no wording or a part this catalog does not
 * know.
 */
export function matchReasons(
  texts: readonly string[],
  wording: readonly string[] | null | undefined,
  locale: Locale,
  context: { name: string; skills: readonly { key: string; label: string }[] },
): string[] {
  if (locale === 'en' || !Array.isArray(wording) || wording.length !== texts.length) return [...texts];
  const number = new Intl.NumberFormat(NUMBER_TAG[locale]);
  const labels = new Map(context.skills.map((s) => [s.key, s.label]));
  const worded = wording.map((w) => wordReason(w, locale, { name: context.name, labels }, number));
  return worded.every((w): w is string => w !== null) ? worded : [...texts];
}
