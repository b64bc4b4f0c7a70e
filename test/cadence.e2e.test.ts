import { rawQuery } from '@tandem/domain';
import { TANDEM_CONFIG, type TandemConfig } from '@tandem/config';
import { JobProducer, QueueName } from '@tandem/queues';
import { CadenceService, organizerFrom, ReconcilerService } from '@tandem/workflows';
import { DateTime } from 'luxon';
import { type FixturePerson, fixtureCsv, offerLink, roundDone } from './support/program-fixture';
import { form, mailScenario } from './support/mail-scenario';
import { parseInvite } from './support/itip';
import { waitFor } from './support/test-env';

const sessionLinks = (text: string) =>
  [...text.matchAll(/https?:\/\/\S+\/sessions\/([A-Za-z0-9_-]{43})/g)].map((m) => `/sessions/${m[1]}`);

describe('session cadence: planning, invites, reminders, moving and cancelling', () => {
  const ctx = mailScenario();
  beforeAll(ctx.start);
  afterAll(ctx.stop);
  const { db, mailTo } = ctx;
  /** The program's sender, whom every invite names as its ORGANIZER. */
  const organizer = () => organizerFrom(ctx.tandem.api.get<TandemConfig>(TANDEM_CONFIG).mailFrom);

  /** A program of one coach and one coachee (the coach's CSV row may carry a preferred weekday and hour), paired and accepted. */
  async function activePairing(
    tag: string,
    cadence: Record<string, unknown>,
    coachZone: string,
    slot: [string, string],
  ) {
    const coachEmail = `coach-${tag}@acme.example`;
    const coacheeEmail = `coachee-${tag}@acme.example`;
    const people: FixturePerson[] = [
      { role: 'coach', email: coachEmail, name: `Cora ${tag}`, capacity: 1, timezone: coachZone },
      {
        role: 'coachee',
        email: coacheeEmail,
        name: `Eli ${tag}`,
        timezone: 'America/New_York',
        goals: 'Listen better',
      },
    ];
    const [header, ...rows] = fixtureCsv(people).split('\n');
    const csv = [`${header},preferred_day,preferred_hour`, `${rows[0]},${slot.join(',')}`, `${rows[1]},,`].join('\n');
    const program = await ctx.tandem.request('POST', '/api/v1/programs', {
      key: ctx.key,
      json: { name: `Leaders ${tag}`, cadence, policy: { maxTimezoneGapHours: 12 } },
    });
    expect(program.status).toBe(201);
    const imported = await ctx.tandem.request('POST', `/api/v1/programs/${program.body.id}/imports`, {
      key: ctx.key,
      body: csv,
    });
    expect(imported.status).toBe(202);
    await waitFor(
      async () =>
        (await ctx.tandem.request('GET', `/api/v1/imports/${imported.body.id}`, { key: ctx.key })).body.status ===
        'succeeded'
          ? true
          : undefined,
      'the import',
    );
    const round = await ctx.tandem.request('POST', `/api/v1/programs/${program.body.id}/rounds`, { key: ctx.key });
    expect((await roundDone(ctx.tandem, ctx.key, round.body.id)).matched).toBe(1);
    expect((await ctx.tandem.request('POST', `/api/v1/rounds/${round.body.id}/publish`, { key: ctx.key })).status).toBe(
      200,
    );
    const offer = await waitFor(async () => mailTo(coachEmail, 'Coaching offer')[0], 'the offer');
    const accepted = await ctx.tandem.request('POST', `${new URL(offerLink(offer.text)).pathname}/accept`, {
      body: '',
      ...form,
    });
    expect(accepted.status).toBe(200);
    const [pairing] = await rawQuery<{ id: string }>(
      db(),
      `select id from pairing where program_id = ? and status = 'active'`,
      [program.body.id],
    );
    return { pairingId: pairing.id, coachEmail, coacheeEmail };
  }

  const sessionsOf = (pairingId: string) =>
    rawQuery<{
      id: string;
      index: number;
      starts_at: string;
      ends_at: string;
      remind_at: string;
      reminded_at: string | null;
      status: string;
      sequence: number;
    }>(
      db(),
      `select id, index, starts_at, ends_at, remind_at, reminded_at, status, sequence from coaching_session where pairing_id = ? order by index`,
      [pairingId],
    );

  it('plans 3 sessions at PT12H after acceptance, sends both the .ics series invite and a reminder before each session, once', async () => {
    const { pairingId, coachEmail, coacheeEmail } = await activePairing(
      'fast',
      { interval: 'PT12H', sessions: 3, sessionDuration: 'PT1H', reminderLead: 'PT2H' },
      'Europe/Paris',
      ['', ''],
    );
    const sessions = await waitFor(async () => {
      const rows = await sessionsOf(pairingId);
      return rows.length === 3 ? rows : undefined;
    }, 'the planned sessions');
    const starts = sessions.map((s) => new Date(s.starts_at).getTime());
    expect(sessions.map((s) => s.index)).toEqual([1, 2, 3]);
    const HOUR = 3600 * 1000;
    expect(starts[0] - ctx.tandem.clock.now().getTime()).toBeGreaterThan(11 * HOUR);
    expect(starts[1] - starts[0]).toBe(12 * HOUR);
    expect(starts[2] - starts[1]).toBe(12 * HOUR);
    expect(sessions.map((s) => new Date(s.ends_at).getTime() - new Date(s.starts_at).getTime())).toEqual([
      HOUR,
      HOUR,
      HOUR,
    ]);
    expect(sessions.map((s) => new Date(s.starts_at).getTime() - new Date(s.remind_at).getTime())).toEqual([
      2 * HOUR,
      2 * HOUR,
      2 * HOUR,
    ]);

    for (const email of [coachEmail, coacheeEmail]) {
      const [invite] = await waitFor(
        async () =>
          mailTo(email, 'Your coaching sessions').length > 0 ? mailTo(email, 'Your coaching sessions') : undefined,
        `the invite to ${email}`,
      );
      expect(sessionLinks(invite.text)).toHaveLength(3);
      // One iTIP REQUEST per session (an iTIP message holds one UID), each a text/calendar part naming its method.
      expect(invite.calendars).toHaveLength(3);
      expect(invite.calendarTypes).toEqual(
        [1, 2, 3].map((n) => `text/calendar; charset=utf-8; method=REQUEST; name=invite-${n}.ics`),
      );
      const invites = invite.calendars.map(parseInvite);
      expect(invites.map((i) => i.uid)).toEqual(sessions.map((s) => `${s.id}@tandem`));
      for (const [i, session] of sessions.entries()) {
        expect(invites[i]).toMatchObject({
          method: 'REQUEST',
          sequence: 0,
          status: 'CONFIRMED',
          organizer: organizer(),
        });
        expect(invites[i].start.getTime()).toBe(new Date(session.starts_at).getTime());
        expect(invites[i].end.getTime()).toBe(new Date(session.ends_at).getTime());
        expect(invites[i].attendees.map((a) => [a.email, a.name, a.partstat, a.rsvp])).toEqual([
          [coachEmail, 'Cora fast', 'NEEDS-ACTION', 'FALSE'],
          [coacheeEmail, 'Eli fast', 'NEEDS-ACTION', 'FALSE'],
        ]);
        expect(invite.calendars[i].startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
        expect(invite.calendars[i]).toContain(
          `DTSTART:${new Date(session.starts_at).toISOString().replace(/[-:]/g, '').replace('.000', '')}\r\n`,
        );
      }
    }
    // Each person has links of their own.
    const coachLinks = sessionLinks(mailTo(coachEmail, 'Your coaching sessions')[0].text);
    const coacheeLinks = sessionLinks(mailTo(coacheeEmail, 'Your coaching sessions')[0].text);
    expect(coachLinks.filter((l) => coacheeLinks.includes(l))).toEqual([]);

    // No reminder before its time; two days on, each session's reminder has gone out, at its time.
    await ctx.tandem.queuesIdle();
    expect(mailTo(coacheeEmail, 'Reminder: coaching session')).toHaveLength(0);
    await ctx.tandem.advance('P2D');
    expect(mailTo(coacheeEmail, 'Reminder: coaching session')).toHaveLength(3);
    expect(mailTo(coachEmail, 'Reminder: coaching session')).toHaveLength(3);
    const reminded = await sessionsOf(pairingId);
    for (const s of reminded) {
      expect(s.reminded_at).not.toBeNull();
      expect(new Date(s.reminded_at!).getTime()).toBeGreaterThanOrEqual(new Date(s.remind_at).getTime());
      expect(new Date(s.reminded_at!).getTime()).toBeLessThan(new Date(s.starts_at).getTime());
    }
    expect(mailTo(coachEmail, 'Reminder: coaching session 1 ')).toHaveLength(1);

    // The jobs again (as after a lost acknowledgement): nothing is planned or sent twice.
    const cadence = ctx.tandem.get(CadenceService);
    await cadence.scheduleSessions(pairingId);
    expect(await cadence.remind(sessions[0].id)).toBe('done');
    expect(await sessionsOf(pairingId)).toHaveLength(3);
    const [{ n }] = await rawQuery<{ n: string }>(
      db(),
      `select count(*) as n from outbox_message where idempotency_key like ?`,
      [`session-%`],
    );
    expect(Number(n)).toBe(8);
  });

  it('keeps the coach’s weekday and local hour across a daylight-saving change', async () => {
    const { pairingId } = await activePairing('weekly', { interval: 'P7D', sessions: 30 }, 'Europe/Paris', [
      'mon',
      '9',
    ]);
    const sessions = await waitFor(async () => {
      const rows = await sessionsOf(pairingId);
      return rows.length === 30 ? rows : undefined;
    }, 'the planned sessions');
    const local = sessions.map((s) => DateTime.fromJSDate(new Date(s.starts_at), { zone: 'Europe/Paris' }));
    expect(local.every((d) => d.weekday === 1 && d.hour === 9 && d.minute === 0)).toBe(true);
    // Thirty weeks from late November cross the end of March: the UTC hour changes, the local hour does not.
    const utcHours = new Set(sessions.map((s) => new Date(s.starts_at).getUTCHours()));
    expect([...utcHours].sort()).toEqual([7, 8]);
    expect(new Date(sessions[0].starts_at).getTime()).toBeGreaterThan(
      ctx.tandem.clock.now().getTime() + 24 * 3600 * 1000 - 60_000,
    );
  });

  it('moves and cancels a session by link; GET changes nothing; both get the updated invite', async () => {
    const { pairingId, coachEmail, coacheeEmail } = await activePairing(
      'moves',
      { interval: 'P14D', sessions: 3 },
      'Europe/Berlin',
      ['thu', '14'],
    );
    const invite = await waitFor(async () => mailTo(coacheeEmail, 'Your coaching sessions')[0], 'the invite');
    const [first, second] = sessionLinks(invite.text);
    const before = await sessionsOf(pairingId);
    const first0 = parseInvite(invite.calendars[0]);
    expect(first0).toMatchObject({ method: 'REQUEST', uid: `${before[0].id}@tandem`, sequence: 0 });

    const shown = await ctx.tandem.request('GET', first);
    expect(shown.status).toBe(200);
    expect(shown.headers['referrer-policy']).toBe('no-referrer');
    expect(shown.text).toContain('Session 1 of 3 with Cora');
    expect((await ctx.tandem.request('HEAD', first)).status).toBe(200);
    expect(await sessionsOf(pairingId)).toEqual(before);

    // The coachee (New York) moves session 1 to a time in their own zone.
    const target = DateTime.fromJSDate(new Date(before[0].starts_at), { zone: 'America/New_York' })
      .plus({ days: 1 })
      .set({ hour: 8, minute: 30 });
    const local = target.toFormat("yyyy-MM-dd'T'HH:mm");
    const moved = await ctx.tandem.request('POST', `${first}/move`, {
      body: `startsAt=${encodeURIComponent(local)}`,
      ...form,
    });
    expect(moved.status).toBe(200);
    expect(moved.text).toContain('Session moved');
    const [after] = await sessionsOf(pairingId);
    expect(new Date(after.starts_at).getTime()).toBe(target.toMillis());
    expect(after).toMatchObject({ sequence: 1, status: 'scheduled', reminded_at: null });
    expect(new Date(after.starts_at).getTime() - new Date(after.remind_at).getTime()).toBe(24 * 3600 * 1000);
    const again = await ctx.tandem.request('POST', `${first}/move`, {
      body: `startsAt=${encodeURIComponent(local)}`,
      ...form,
    });
    expect(again.text).toContain('Nothing changed');
    for (const email of [coachEmail, coacheeEmail]) {
      const [update] = await waitFor(
        async () =>
          mailTo(email, 'Moved: coaching session 1').length > 0
            ? mailTo(email, 'Moved: coaching session 1')
            : undefined,
        `the move to ${email}`,
      );
      // The move re-sends the session's REQUEST: same UID, a higher SEQUENCE, the new time; the alternative of the body.
      expect(update.calendars).toHaveLength(1);
      expect(update.calendarTypes).toEqual(['text/calendar; charset=utf-8; method=REQUEST']);
      const moved = parseInvite(update.calendars[0]);
      expect(moved).toMatchObject({
        method: 'REQUEST',
        uid: `${after.id}@tandem`,
        sequence: 1,
        organizer: organizer(),
      });
      expect(moved.sequence).toBeGreaterThan(first0.sequence);
      expect(moved.start.getTime()).toBe(target.toMillis());
      expect(moved.attendees.map((a) => a.email)).toEqual([coachEmail, coacheeEmail]);
    }
    await ctx.tandem.queuesIdle();
    expect(mailTo(coachEmail, 'Moved:')).toHaveLength(1);
    // The moved session's reminder is a job of its own.
    const job = await ctx.tandem.get(JobProducer).queue(QueueName.Cadence).getJob(`remind.${after.id}.1`);
    expect(job?.data).toEqual({ sessionId: after.id, sequence: 1 });

    // Bad input answers 422 and changes nothing.
    expect((await ctx.tandem.request('POST', `${first}/move`, { body: 'startsAt=tomorrow', ...form })).status).toBe(
      422,
    );
    expect(
      (await ctx.tandem.request('POST', `${first}/move`, { body: 'startsAt=2020-01-01T10:00', ...form })).status,
    ).toBe(422);
    expect((await sessionsOf(pairingId))[0].sequence).toBe(1);

    // The coach cancels session 2 from their own link.
    const coachInvite = mailTo(coachEmail, 'Your coaching sessions')[0];
    const coachSecond = sessionLinks(coachInvite.text)[1];
    expect(coachSecond).not.toBe(second);
    const cancelled = await ctx.tandem.request('POST', `${coachSecond}/cancel`, { body: '', ...form });
    expect(cancelled.text).toContain('Session cancelled');
    expect((await ctx.tandem.request('POST', `${second}/cancel`, { body: '', ...form })).text).toContain(
      'Already cancelled',
    );
    expect(
      (await ctx.tandem.request('POST', `${second}/move`, { body: `startsAt=${encodeURIComponent(local)}`, ...form }))
        .status,
    ).toBe(200);
    expect((await sessionsOf(pairingId))[1]).toMatchObject({ status: 'cancelled', sequence: 1 });
    for (const email of [coachEmail, coacheeEmail]) {
      const [update] = await waitFor(
        async () =>
          mailTo(email, 'Cancelled: coaching session 2').length > 0
            ? mailTo(email, 'Cancelled: coaching session 2')
            : undefined,
        'the cancellation',
      );
      // The cancellation is a CANCEL of the session's UID with a higher SEQUENCE, to both people.
      expect(update.calendarTypes).toEqual(['text/calendar; charset=utf-8; method=CANCEL']);
      const cancel = parseInvite(update.calendars[0]);
      expect(cancel).toMatchObject({
        method: 'CANCEL',
        uid: `${before[1].id}@tandem`,
        sequence: 1,
        status: 'CANCELLED',
        organizer: organizer(),
      });
      expect(cancel.sequence).toBeGreaterThan(before[1].sequence);
      expect(cancel.attendees.map((a) => a.email)).toEqual([coachEmail, coacheeEmail]);
    }
    const audit = await rawQuery<{ actor: string; action: string }>(
      db(),
      `select actor, action from audit_event where subject_type = 'session' order by created_at`,
    );
    expect(audit).toEqual([
      { actor: 'coachee', action: 'session.moved' },
      { actor: 'coach', action: 'session.cancelled' },
    ]);

    // Unknown and altered tokens: a plain 404 page.
    expect((await ctx.tandem.request('GET', `/sessions/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await ctx.tandem.request('POST', `/sessions/${'A'.repeat(43)}/cancel`, { body: '', ...form })).status).toBe(
      404,
    );
    expect((await ctx.tandem.request('GET', '/sessions/short')).status).toBe(404);
  });

  it('re-creates a due reminder whose job Redis lost, and sends it once', async () => {
    const { pairingId, coachEmail } = await activePairing('lost', { interval: 'P7D', sessions: 2 }, 'Asia/Tokyo', [
      'fri',
      '7',
    ]);
    const [session] = await waitFor(async () => {
      const rows = await sessionsOf(pairingId);
      return rows.length === 2 ? rows : undefined;
    }, 'the planned sessions');
    const queue = ctx.tandem.get(JobProducer).queue(QueueName.Cadence);
    const job = await waitFor(
      async () => (await queue.getJob(`remind.${session.id}.0`)) ?? undefined,
      'the delayed reminder job',
    );
    await job.remove();
    await rawQuery(db(), `update coaching_session set remind_at = ?::timestamptz - interval '1 minute' where id = ?`, [
      ctx.tandem.clock.now(),
      session.id,
    ]);
    const report = await ctx.tandem.get(ReconcilerService).reconcile();
    expect(report.sessionReminders).toBe(1);
    await waitFor(
      async () => (mailTo(coachEmail, 'Reminder: coaching session 1').length === 1 ? true : undefined),
      'the re-created reminder',
    );
    expect((await ctx.tandem.get(ReconcilerService).reconcile()).sessionReminders).toBe(0);
    await ctx.tandem.queuesIdle();
    expect(mailTo(coachEmail, 'Reminder: coaching session')).toHaveLength(1);
  });
});
