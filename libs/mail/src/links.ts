import { type LinkKind, linkToken } from '@tandem/domain';

/** Where each kind of link points. */
const LINK_PATHS: Record<LinkKind, string> = { offer: '/offers/', 'session-coach': '/sessions/', 'session-coachee': '/sessions/', feedback: '/feedback/', rematch: '/rematch/', survey: '/surveys/', signin: '/console/signin/' };

const PLACEHOLDER = /\{\{link:(offer|session-coach|session-coachee|feedback|rematch|survey|signin):([0-9a-f-]{36})\}\}/g;

/** A placeholder the outbox stores in place of a link with a token; expanded only when the message is sent. */
export function linkPlaceholder(kind: LinkKind, subjectId: string): string {
  return `{{link:${kind}:${subjectId}}}`;
}

/** Replaces every link placeholder with the real link, built from PUBLIC_URL (never from a request's Host). */
export function expandLinks(text: string, publicUrl: string, appSecret: string): string {
  return text.replace(PLACEHOLDER, (_match, kind: LinkKind, id: string) => `${publicUrl}${LINK_PATHS[kind]}${linkToken(appSecret, kind, id)}`);
}

/** Replaces every link placeholder with a neutral label (for listings that must not reveal tokens). */
export function redactLinks(text: string): string {
  return text.replace(PLACEHOLDER, (_match, kind: string) => `[${kind.split('-')[0]} link]`);
}
