import { randomBytes } from 'node:crypto';
import { type LinkKind, linkToken } from '@tandem/domain';

/** Where each kind of link points. */
const LINK_PATHS: Record<LinkKind, string> = {
  offer: '/offers/',
  'session-coach': '/sessions/',
  'session-coachee': '/sessions/',
  feedback: '/feedback/',
  rematch: '/rematch/',
  survey: '/surveys/',
  signin: '/console/signin/',
  questionnaire: '/questionnaire/',
  registration: '/register/',
  'registration-confirm': '/register/confirm/',
  'me-signin': '/me/signin/',
};

const KINDS =
  'offer|session-coach|session-coachee|feedback|rematch|survey|signin|questionnaire|registration-confirm|registration|me-signin';

/** A stored placeholder: what the outbox keeps in place of a link with a token, expanded when the message is sent. */
const PLACEHOLDER = new RegExp(`\\{\\{link:(${KINDS}):([0-9a-f-]{36})\\}\\}`, 'g');

/**
 * A secret of this process that marks the placeholders a template wrote. A template's text also carries what users
 * wrote (names, goals, program names), and such text may hold placeholder text of its own (`{{link:offer:<id>}}` of
 * somebody else's offer): expanded, it would be a working link in the wrong email. Only a placeholder with this mark
 * becomes a stored placeholder in `writeOutbox`; any other is defused first. The mark never leaves the process.
 */
const TEMPLATE_MARK = randomBytes(18).toString('base64url');

const MARKED = new RegExp(`\\{\\{link:(${KINDS}):([0-9a-f-]{36}):${TEMPLATE_MARK}\\}\\}`, 'g');

/** Anything that reads as a placeholder, with or without a mark: what user text must not carry into the outbox. */
const LOOKS_LIKE_PLACEHOLDER = /\{\{(\s*link\s*:)/gi;

/** A template's link to a token page: a marked placeholder, made a stored one by `writeOutbox`. */
export function linkPlaceholder(kind: LinkKind, subjectId: string): string {
  return `{{link:${kind}:${subjectId}:${TEMPLATE_MARK}}}`;
}

/**
 * The text to store for a rendered email: placeholders written by a template (marked) become stored placeholders, and
 * placeholder text that came with user text is defused (`{{ link:` is not a placeholder), so it stays text.
 */
export function sealLinks(text: string): string {
  const defuse = (userText: string) => userText.replace(LOOKS_LIKE_PLACEHOLDER, '{{ $1');
  let sealed = '';
  let last = 0;
  for (const match of text.matchAll(MARKED)) {
    sealed += defuse(text.slice(last, match.index)) + `{{link:${match[1]}:${match[2]}}}`;
    last = match.index + match[0].length;
  }
  return sealed + defuse(text.slice(last));
}

/** Replaces every stored placeholder with the real link, built from PUBLIC_URL (never from a request's Host). */
export function expandLinks(text: string, publicUrl: string, appSecret: string): string {
  return text.replace(
    PLACEHOLDER,
    (_match, kind: LinkKind, id: string) => `${publicUrl}${LINK_PATHS[kind]}${linkToken(appSecret, kind, id)}`,
  );
}

/** Replaces every link placeholder with a neutral label (for listings that must not reveal tokens). */
export function redactLinks(text: string): string {
  return text.replace(PLACEHOLDER, (_match, kind: string) => `[${kind.split('-')[0]} link]`);
}
