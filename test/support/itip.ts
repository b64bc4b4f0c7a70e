import ICAL from 'ical.js';

/** One invite as an independent iCalendar parser (ical.js) reads it. */
export interface ParsedInvite {
  method: 'REQUEST' | 'CANCEL';
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  status: string;
  summary: string;
  description: string;
  /** The ORGANIZER's address (without mailto:) and name. */
  organizer: { email: string; name: string };
  /** Each ATTENDEE's address (without mailto:), name and parameters. */
  attendees: { email: string; name: string; partstat: string; rsvp: string; role: string }[];
}

const fail = (rule: string, ics: string): never => {
  throw new Error(`invite breaks a rule: ${rule}\n${ics}`);
};

const address = (value: unknown, ics: string): string => {
  const text = String(value);
  if (!/^mailto:/i.test(text)) fail(`a calendar address is a mailto: URI (got ${text})`, ics);
  return text.replace(/^mailto:/i, '');
};

/**
 * Parses one iTIP message (one VCALENDAR object) with ical.js and checks it against RFC 5545 (CRLF line breaks, lines
 * folded at 75 octets, UTC date-times) and RFC 5546 3.2.2 and 3.2.5 (METHOD, every component one UID, DTSTAMP, DTSTART,
 * SUMMARY, ORGANIZER, one ATTENDEE at least; a CANCEL carries SEQUENCE and STATUS:CANCELLED). Throws naming the rule.
 */
export function parseInvite(ics: string): ParsedInvite {
  if (/\r(?!\n)|(?<!\r)\n/.test(ics)) fail('every line ends in CRLF (RFC 5545 3.1)', ics);
  if (!ics.endsWith('\r\n')) fail('the object ends with CRLF', ics);
  const long = ics.split('\r\n').filter((line) => Buffer.byteLength(line, 'utf8') > 75);
  if (long.length > 0) fail(`lines fold at 75 octets (RFC 5545 3.1): ${long[0]}`, ics);
  const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  if (calendar.name !== 'vcalendar') fail('the object is a VCALENDAR', ics);
  if (calendar.getFirstPropertyValue('version') !== '2.0') fail('VERSION:2.0', ics);
  if (!calendar.getFirstPropertyValue('prodid')) fail('PRODID present', ics);
  const method = String(calendar.getFirstPropertyValue('method') ?? '');
  if (method !== 'REQUEST' && method !== 'CANCEL') fail(`METHOD is REQUEST or CANCEL (got "${method}")`, ics);
  const events = calendar.getAllSubcomponents('vevent');
  if (events.length === 0) fail('the message holds a VEVENT', ics);
  const uids = new Set(events.map((e) => e.getFirstPropertyValue('uid')));
  if (uids.size !== 1) fail('every component of an iTIP message has the same UID (RFC 5546 3.2)', ics);
  if (events.length !== 1) fail('one VEVENT per invite (Tandem sends no recurrence instances)', ics);
  const event = events[0];
  for (const name of ['uid', 'dtstamp', 'dtstart', 'dtend', 'summary', 'organizer']) {
    if (!event.hasProperty(name)) fail(`${name.toUpperCase()} present in a ${method}`, ics);
  }
  for (const name of ['dtstamp', 'dtstart', 'dtend']) {
    const time = event.getFirstPropertyValue(name) as InstanceType<typeof ICAL.Time>;
    if (time.zone?.tzid !== 'UTC') fail(`${name.toUpperCase()} is in UTC (no VTIMEZONE is sent)`, ics);
  }
  const attendees = event.getAllProperties('attendee');
  if (attendees.length === 0) fail(`a ${method} names its attendees`, ics);
  if (method === 'CANCEL' && !event.hasProperty('sequence')) fail('a CANCEL carries SEQUENCE (RFC 5546 3.2.5)', ics);
  const status = String(event.getFirstPropertyValue('status') ?? '');
  if (method === 'CANCEL' && status !== 'CANCELLED') fail('a CANCEL of the whole event has STATUS:CANCELLED', ics);
  if (method === 'REQUEST' && status === 'CANCELLED') fail('a REQUEST is not cancelled', ics);
  const organizer = event.getFirstProperty('organizer')!;
  const ical = new ICAL.Event(event);
  return {
    method: method as ParsedInvite['method'],
    uid: ical.uid,
    sequence: ical.sequence,
    start: ical.startDate.toJSDate(),
    end: ical.endDate.toJSDate(),
    status,
    summary: ical.summary,
    description: ical.description,
    organizer: { email: address(organizer.getFirstValue(), ics), name: String(organizer.getParameter('cn') ?? '') },
    attendees: attendees.map((a) => ({
      email: address(a.getFirstValue(), ics),
      name: String(a.getParameter('cn') ?? ''),
      partstat: String(a.getParameter('partstat') ?? ''),
      rsvp: String(a.getParameter('rsvp') ?? ''),
      role: String(a.getParameter('role') ?? ''),
    })),
  };
}
