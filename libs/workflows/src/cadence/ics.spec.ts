import { calendarParts } from '@tandem/mail';
import { parseInvite } from '../../../../test/support/itip';
import { calendarFile, type CalendarEvent, icsText, organizerFrom } from './ics';

const organizer = { name: 'Tandem', email: 'no-reply@tandem.example' };
const stamp = new Date('2026-12-01T00:00:00Z');
const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: 'u1@tandem',
  sequence: 0,
  start: new Date('2027-01-01T10:00:00Z'),
  end: new Date('2027-01-01T11:00:00Z'),
  summary: 'Coaching session 1',
  description: 'Session 1 of 2',
  cancelled: false,
  attendees: [
    { name: 'Cora Coach', email: 'cora@example.com' },
    { name: 'Eli Coachee', email: 'eli@example.com' },
  ],
  ...over,
});

describe('calendarFile: iTIP invites (RFC 5546) as ical.js reads them', () => {
  it('sends one REQUEST per session, each with its own UID, the ORGANIZER and one ATTENDEE per person, in UTC', () => {
    const stream = calendarFile(
      [
        event(),
        event({ uid: 'u2@tandem', start: new Date('2027-01-08T10:00:00Z'), end: new Date('2027-01-08T11:00:00Z') }),
      ],
      stamp,
      organizer,
    );
    const parts = calendarParts(stream).attachments!;
    expect(parts.map((p) => p.contentType)).toEqual([
      'text/calendar; charset=utf-8; method=REQUEST',
      'text/calendar; charset=utf-8; method=REQUEST',
    ]);
    expect(parts.map((p) => p.content).join('')).toBe(stream);
    const [first, second] = parts.map((p) => parseInvite(p.content));
    expect(first).toMatchObject({
      method: 'REQUEST',
      uid: 'u1@tandem',
      sequence: 0,
      status: 'CONFIRMED',
      organizer: { email: 'no-reply@tandem.example', name: 'Tandem' },
    });
    expect(first.start.toISOString()).toBe('2027-01-01T10:00:00.000Z');
    expect(first.end.toISOString()).toBe('2027-01-01T11:00:00.000Z');
    expect(second.uid).toBe('u2@tandem');
    expect(second.start.toISOString()).toBe('2027-01-08T10:00:00.000Z');
    expect(first.attendees).toEqual([
      {
        email: 'cora@example.com',
        name: 'Cora Coach',
        partstat: 'NEEDS-ACTION',
        rsvp: 'FALSE',
        role: 'REQ-PARTICIPANT',
      },
      {
        email: 'eli@example.com',
        name: 'Eli Coachee',
        partstat: 'NEEDS-ACTION',
        rsvp: 'FALSE',
        role: 'REQ-PARTICIPANT',
      },
    ]);
    expect(parts[0].content).toContain('DTSTAMP:20261201T000000Z\r\n');
  });

  it('a single invite goes as the body’s text/calendar alternative with its method; a cancellation is a CANCEL of the same UID', () => {
    const moved = calendarParts(calendarFile([event({ sequence: 1 })], stamp, organizer));
    expect(moved.attachments).toBeUndefined();
    expect(moved.icalEvent).toMatchObject({ method: 'REQUEST', filename: 'invite.ics' });
    expect(parseInvite(moved.icalEvent!.content)).toMatchObject({ method: 'REQUEST', uid: 'u1@tandem', sequence: 1 });
    const cancel = calendarParts(calendarFile([event({ sequence: 2, cancelled: true })], stamp, organizer)).icalEvent!;
    expect(cancel.method).toBe('CANCEL');
    const parsed = parseInvite(cancel.content);
    expect(parsed).toMatchObject({
      method: 'CANCEL',
      uid: 'u1@tandem',
      sequence: 2,
      status: 'CANCELLED',
      organizer: { email: 'no-reply@tandem.example' },
    });
    expect(parsed.attendees.map((a) => a.email)).toEqual(['cora@example.com', 'eli@example.com']);
    // A message without a calendar has no calendar part; one written before the invites were iTIP keeps its method.
    expect(calendarParts(null)).toEqual({});
    expect(
      calendarParts('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n').icalEvent?.method,
    ).toBe('PUBLISH');
  });

  it('takes the organizer from MAIL_FROM: a name and address, a quoted name, or a bare address', () => {
    expect(organizerFrom('Tandem <no-reply@tandem.local>')).toEqual({ name: 'Tandem', email: 'no-reply@tandem.local' });
    expect(organizerFrom('"Acme Coaching, EU" <coach@acme.example>')).toEqual({
      name: 'Acme Coaching, EU',
      email: 'coach@acme.example',
    });
    expect(organizerFrom(' programs@acme.example ')).toEqual({ name: 'Tandem', email: 'programs@acme.example' });
    const ics = calendarFile([event()], stamp, organizerFrom('"Acme; Coaching: EU" <coach@acme.example>'));
    expect(ics).toContain('ORGANIZER;CN="Acme; Coaching: EU":mailto:coach@acme.example\r\n');
    expect(parseInvite(ics).organizer).toEqual({ email: 'coach@acme.example', name: 'Acme; Coaching: EU' });
  });

  it('escapes text, folds long lines at 75 octets with CRLF, and ical.js reads the text back as written', () => {
    expect(icsText('a;b,c\\d\ne')).toBe('a\\;b\\,c\\\\d\\ne');
    const ics = calendarFile(
      [
        event({
          sequence: 2,
          summary: 'Séance; "one", \\two',
          description: 'é'.repeat(60),
          attendees: [{ name: 'Ana "A" Lima', email: 'ana@example.com' }],
        }),
      ],
      stamp,
      organizer,
    );
    const lines = ics.split('\r\n');
    expect(lines.every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    expect(ics).not.toMatch(/[^\r]\n/);
    expect(ics).toContain('DTSTART:20270101T100000Z\r\n');
    expect(ics).toContain('SUMMARY:Séance\\; "one"\\, \\\\two\r\n');
    expect(ics).toContain('SEQUENCE:2\r\n');
    expect(ics.replace(/\r\n /g, '')).toContain(
      'ATTENDEE;CN="Ana  A  Lima";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:ana@example.com\r\n',
    );
    expect(ics.replace(/\r\n /g, '')).toContain(`DESCRIPTION:${'é'.repeat(60)}\r\n`);
    const parsed = parseInvite(ics);
    expect(parsed.summary).toBe('Séance; "one", \\two');
    expect(parsed.description).toBe('é'.repeat(60));
    expect(parsed.attendees[0].name).toBe('Ana  A  Lima');
  });

  it('lets no text end its content line: a bare CR, LF, CRLF or Unicode separator is \\n, other controls go', () => {
    expect(icsText('a\rX-INJECTED:1')).toBe('a\\nX-INJECTED:1');
    expect(icsText('a\r\nb\nc\u2028d\u2029e')).toBe('a\\nb\\nc\\nd\\ne');
    expect(icsText('a\u0000b\u001bc\u007fd\te')).toBe('abcd\te');
    const ics = calendarFile(
      [
        event({
          summary: 'S\rX-A:1',
          description: `${'🙂'.repeat(30)}\rX-B:1`,
          attendees: [{ name: 'Eve\rX-C:1;ROLE=CHAIR:mailto:evil@x', email: 'eve@example.com\r\nX-D:1' }],
        }),
      ],
      stamp,
      { name: 'Org\r\nX-E:1', email: 'org@example.com\rX-F:1' },
    );
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.replace(/\r\n /g, '').split(/\r\n|\r|\n/);
    expect(lines.filter((line) => /^X-/.test(line))).toEqual([]);
    expect(lines.filter((line) => line.startsWith('ATTENDEE'))).toEqual([
      'ATTENDEE;CN="Eve X-C:1;ROLE=CHAIR:mailto:evil@x";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:eve@example.comX-D1',
    ]);
    expect(lines.filter((line) => line.startsWith('ORGANIZER'))).toEqual([
      'ORGANIZER;CN="Org  X-E:1":mailto:org@example.comX-F1',
    ]);
    // Folding never splits a UTF-8 sequence: every folded piece decodes on its own.
    for (const line of ics.split('\r\n'))
      expect(Buffer.from(Buffer.from(line).toString('utf8')).equals(Buffer.from(line))).toBe(true);
    const parsed = parseInvite(ics);
    expect(parsed.attendees).toHaveLength(1);
    expect(parsed.attendees[0]).toMatchObject({ email: 'eve@example.comX-D1', role: 'REQ-PARTICIPANT' });
    expect(parsed.description).toBe(`${'🙂'.repeat(30)}\nX-B:1`);
  });

  it('the RFC checks catch what a calendar would reject: no ORGANIZER, a PUBLISH, two UIDs, a bare LF, a long line', () => {
    const good = calendarFile([event()], stamp, organizer);
    expect(() => parseInvite(good.replace(/ORGANIZER[^\r]*\r\n/, ''))).toThrow(/ORGANIZER present/);
    expect(() => parseInvite(good.replace('METHOD:REQUEST', 'METHOD:PUBLISH'))).toThrow(/METHOD is REQUEST or CANCEL/);
    expect(() => parseInvite(good.replace(/ATTENDEE[^\r]*\r\n/g, ''))).toThrow(/names its attendees/);
    const two = calendarFile([event(), event({ uid: 'u2@tandem' })], stamp, organizer).replace(
      /END:VCALENDAR\r\nBEGIN:VCALENDAR[^]*?METHOD:REQUEST\r\n/,
      '',
    );
    expect(() => parseInvite(two)).toThrow(/same UID/);
    expect(() => parseInvite(good.replace('VERSION:2.0\r\n', 'VERSION:2.0\n'))).toThrow(/CRLF/);
    expect(() => parseInvite(good.replace(/\r\n /g, ''))).toThrow(/75 octets/);
    expect(() =>
      parseInvite(
        calendarFile([event({ cancelled: true })], stamp, organizer).replace('STATUS:CANCELLED', 'STATUS:CONFIRMED'),
      ),
    ).toThrow(/STATUS:CANCELLED/);
  });
});
