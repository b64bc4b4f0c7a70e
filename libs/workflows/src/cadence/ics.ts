import { type Locale, translator } from '@tandem/mail';

/** One event of a calendar file. */
export interface CalendarEvent {
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  cancelled: boolean;
  attendees: { name: string; email: string }[];
}

/** What a coaching session's calendar event is made of. */
export interface SessionEventSource {
  id: string;
  index: number;
  sequence: number;
  starts_at: Date;
  ends_at: Date;
  /** How many sessions the pairing has. */
  sessions: number;
  session_status: string;
  program_name: string;
  coach_name: string;
  coach_email: string;
  coachee_name: string;
  coachee_email: string;
}

/**
 * A coaching session as a calendar event, its visible texts in the reader's language; its UID stays the same for life,
 * so updates and cancellations replace it.
 */
export function sessionEvent(session: SessionEventSource, locale: Locale): CalendarEvent {
  const tr = translator(locale);
  return {
    uid: `${session.id}@tandem`,
    sequence: session.sequence,
    start: session.starts_at,
    end: session.ends_at,
    summary: tr('ics.summary', {
      index: session.index,
      coach: session.coach_name.trim(),
      coachee: session.coachee_name.trim(),
    }),
    description: tr('ics.description', {
      program: session.program_name,
      index: session.index,
      sessions: session.sessions,
    }),
    cancelled: session.session_status === 'cancelled',
    attendees: [
      { name: session.coach_name, email: session.coach_email },
      { name: session.coachee_name, email: session.coachee_email },
    ],
  };
}

/** Control characters a content line may not hold (RFC 5545 3.1: CONTROL is everything below 0x20 but HTAB, and DEL). */
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma are escaped, every line break (CRLF, a bare
 * LF or a bare CR, and the Unicode line and paragraph separators) becomes `\n`, and other control characters are
 * dropped, so no text can end its content line and start a property of its own.
 */
export function icsText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|[\r\n\u2028\u2029]/g, '\\n')
    .replace(CONTROLS, '');
}

/**
 * A parameter value (RFC 5545 3.2): quoted, so `;`, `:` and `,` are plain text; it cannot hold a double quote or a
 * control character (nor a line break), so those become spaces.
 */
export function icsParam(value: string): string {
  return `"${value
    .replace(/["\r\n\u2028\u2029]/g, ' ')
    .replace(CONTROLS, ' ')
    .trim()}"`;
}

/** A mailto: address for ORGANIZER and ATTENDEE: only the characters an address may hold (others are dropped). */
function mailto(email: string): string {
  return `mailto:${email.replace(/[^A-Za-z0-9.!#$%&'*+/=?^_`{|}~@-]/g, '')}`;
}

/** Who sends the invites (RFC 5546's ORGANIZER): the program's sender. */
export interface Organizer {
  name: string;
  email: string;
}

/**
 * The organizer named by a From address (`MAIL_FROM`): `Name <address>`, `"Name" <address>` or a bare address (whose
 * name is then "Tandem").
 */
export function organizerFrom(mailFrom: string): Organizer {
  const named = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+)>\s*$/.exec(mailFrom);
  if (named) return { name: named[1].trim() || 'Tandem', email: named[2] };
  return { name: 'Tandem', email: mailFrom.trim() };
}

const utc = (at: Date) =>
  at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Folds a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** The iTIP method (RFC 5546) of an event's message: a cancelled event is a CANCEL, any other a REQUEST. */
export function eventMethod(event: CalendarEvent): 'REQUEST' | 'CANCEL' {
  return event.cancelled ? 'CANCEL' : 'REQUEST';
}

/**
 * The invites (iTIP over email, RFC 5546 and 6047) for the given events, in UTC (clients show them in each reader's
 * zone): one VCALENDAR per event, since every component of an iTIP message must share one UID, joined into one
 * iCalendar stream (RFC 5545 3.4) that the sender splits into one text/calendar part each. An event is a REQUEST
 * (ORGANIZER, one ATTENDEE per person, STATUS:CONFIRMED); an update re-sends it with the same UID and a higher SEQUENCE;
 * a cancellation is a CANCEL with the same UID, a higher SEQUENCE and STATUS:CANCELLED. Attendees are asked for no
 * reply (RSVP=FALSE): replies would go to the sender's address, which reads none; people move or cancel by link.
 */
export function calendarFile(events: CalendarEvent[], stamp: Date, organizer: Organizer): string {
  return events.map((event) => invite(event, stamp, organizer)).join('');
}

function invite(event: CalendarEvent, stamp: Date, organizer: Organizer): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tandem//Coaching sessions//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${eventMethod(event)}`,
    'BEGIN:VEVENT',
    `UID:${icsText(event.uid)}`,
    `DTSTAMP:${utc(stamp)}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTART:${utc(event.start)}`,
    `DTEND:${utc(event.end)}`,
    `SUMMARY:${icsText(event.summary)}`,
    `DESCRIPTION:${icsText(event.description)}`,
    `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    `ORGANIZER;CN=${icsParam(organizer.name)}:${mailto(organizer.email)}`,
    ...event.attendees.map(
      (a) => `ATTENDEE;CN=${icsParam(a.name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:${mailto(a.email)}`,
    ),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}
