import { CATALOGS, formatInstant, matchReasons, placeholdersOf, skillLabel, t, WHY_VALUES } from './catalog';
import { en } from './catalog.en';
import {
  localeFromAcceptLanguage,
  localeOfLanguages,
  parseLocaleTag,
  resolveLocale,
  SUPPORTED_LOCALES,
} from './locales';

describe('the catalogs', () => {
  const keys = Object.keys(en).sort();

  it.each(SUPPORTED_LOCALES.filter((l) => l !== 'en'))(
    '%s has every English key, no other, none empty, with the same placeholders',
    (locale) => {
      const catalog = CATALOGS[locale] as Record<string, unknown>;
      expect(Object.keys(catalog).sort()).toEqual(keys);
      for (const key of keys) {
        const text = catalog[key];
        expect({ key, type: typeof text }).toEqual({ key, type: 'string' });
        expect({ key, empty: (text as string).trim() === '' }).toEqual({ key, empty: false });
        expect({ key, placeholders: placeholdersOf(text as string) }).toEqual({
          key,
          placeholders: placeholdersOf(en[key as keyof typeof en]),
        });
      }
    },
  );

  it('has no empty English text, and no German text copied from the English but the signature and placeholder-only texts', () => {
    for (const key of keys)
      expect({ key, empty: en[key as keyof typeof en].trim() === '' }).toEqual({ key, empty: false });
    const words = (text: string) => /\p{L}/u.test(text.replace(/\{[a-zA-Z]+\}/g, ''));
    const untranslated = keys.filter(
      (key) => CATALOGS.de[key as keyof typeof en] === en[key as keyof typeof en] && words(en[key as keyof typeof en]),
    );
    expect(untranslated).toEqual(['mail.signature']);
  });

  it('fills placeholders, and leaves braces inside values alone', () => {
    expect(t('en', 'mail.greeting', { first: 'Ana' })).toBe('Hi Ana,');
    expect(t('de', 'mail.greeting', { first: '{first}' })).toBe('Hallo {first},');
    expect(t('de', 'welcome.subject', { program: 'Leaders' })).toBe('Willkommen bei Leaders');
  });
});

describe('match reasons', () => {
  const texts = [
    "strong in active listening, Dieter's biggest need",
    '2.5 working hours in common with Dieter',
    'measured effectiveness 4.5/5 in curiosity',
  ];
  const wording = ['strong:active_listening biggestNeed', 'overlap:2.5', 'measured:curiosity:4.5'];
  const context = {
    name: 'Dieter',
    skills: [
      { key: 'active_listening', label: 'Active listening' },
      { key: 'curiosity', label: 'Neugier' },
    ],
  };

  it('keeps the stored English sentences, and words each reason in another language from its parts', () => {
    expect(matchReasons(texts, wording, 'en', context)).toEqual(texts);
    expect(matchReasons(texts, wording, 'de', context)).toEqual([
      'Stärke: Aktives Zuhören, das größte Anliegen von Dieter',
      '2,5 gemeinsame Arbeitsstunden mit Dieter',
      'gemessene Wirksamkeit (Neugier): 4,5/5',
    ]);
  });

  it('falls back to the stored sentences for pairings without parts or with parts it does not know', () => {
    expect(matchReasons(texts, undefined, 'de', context)).toEqual(texts);
    for (const odd of ['somethingNew', 'overlap', 'overlap:x', 'overlap:', 'measured:%E0:4', '', 'need:3  need:3']) {
      expect(matchReasons(texts, [wording[0], odd, wording[2]], 'de', context)).toEqual(texts);
    }
    expect(
      matchReasons(
        ["speaks Dieter's preferred language (brazilian portuguese)"],
        ['language:brazilian%20portuguese'],
        'de',
        context,
      ),
    ).toEqual(['spricht die bevorzugte Sprache von Dieter (brazilian portuguese)']);
    expect(matchReasons(texts, wording.slice(1), 'de', context)).toEqual(texts);
  });

  it('knows the values of every why text, and fills each of its placeholders', () => {
    const whyKeys = Object.keys(en)
      .filter((k) => k.startsWith('why.'))
      .map((k) => k.slice(4))
      .sort();
    expect(Object.keys(WHY_VALUES).sort()).toEqual(whyKeys);
    for (const key of whyKeys) {
      const names = [...WHY_VALUES[key as keyof typeof WHY_VALUES], 'name'];
      expect({
        key,
        missing: placeholdersOf(en[`why.${key}` as keyof typeof en]).filter((p) => !names.includes(p)),
      }).toEqual({ key, missing: [] });
    }
  });
});

describe('dates and times', () => {
  const at = new Date('2026-12-10T13:00:00Z');

  it('keeps the English form', () => {
    expect(formatInstant(at, 'Europe/Berlin', 'en')).toBe('10 Dec 2026, 14:00 CET');
    expect(formatInstant(at, 'Europe/Berlin')).toBe('10 Dec 2026, 14:00 CET');
  });

  it("writes German dates in full, in the reader's time zone", () => {
    expect(formatInstant(at, 'Europe/Berlin', 'de')).toBe('Donnerstag, 10. Dezember 2026, 14:00 MEZ');
    expect(formatInstant(new Date('2026-07-02T08:30:00Z'), 'Europe/Vienna', 'de')).toBe(
      'Donnerstag, 2. Juli 2026, 10:30 MESZ',
    );
    expect(formatInstant(at, 'America/New_York', 'de')).toMatch(/^Donnerstag, 10\. Dezember 2026, 08:00 /);
  });
});

describe('choosing a language', () => {
  it("takes the person's locale, else their first supported spoken language, else the organization's default", () => {
    expect(resolveLocale({ locale: 'de', languages: ['en'] }, 'en')).toBe('de');
    expect(resolveLocale({ locale: null, languages: ['pt', 'Deutsch', 'en'] }, 'en')).toBe('de');
    expect(resolveLocale({ locale: null, languages: ['pt', 'de-at'] }, 'en')).toBe('de');
    expect(resolveLocale({ locale: null, languages: ['pt'] }, 'de')).toBe('de');
    expect(resolveLocale({ locale: 'fr', languages: [] }, 'fr')).toBe('en');
    expect(localeOfLanguages(['english', 'german'])).toBe('en');
  });

  it('reads language tags', () => {
    expect(parseLocaleTag('de-DE')).toEqual({ locale: 'de' });
    expect(parseLocaleTag('en_US')).toEqual({ locale: 'en' });
    expect(parseLocaleTag('fr')).toEqual({ problem: 'unsupported' });
    expect(parseLocaleTag('not a tag')).toEqual({ problem: 'invalid' });
  });

  it("reads a browser's preference for pages that know no person", () => {
    expect(localeFromAcceptLanguage('fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7')).toBe('de');
    expect(localeFromAcceptLanguage('en;q=0.5, de-CH')).toBe('de');
    expect(localeFromAcceptLanguage('de;q=0, en')).toBe('en');
    expect(localeFromAcceptLanguage(undefined)).toBe('en');
  });

  it('translates the default skills only when the program kept their label', () => {
    expect(skillLabel({ key: 'active_listening', label: 'Active listening' }, 'de')).toBe('Aktives Zuhören');
    expect(skillLabel({ key: 'active_listening', label: 'Zuhören können' }, 'de')).toBe('Zuhören können');
    expect(skillLabel({ key: 'active_listening', label: 'Active listening' }, 'en', true)).toBe('active listening');
    expect(skillLabel({ key: 'active_listening', label: 'Active listening' }, 'de', true)).toBe('Aktives Zuhören');
  });
});
