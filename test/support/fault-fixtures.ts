import { messageIdOf } from '@tandem/mail';
import type { FaultRig } from './fault-rig';
import { fixtureCsv, type FixturePerson, offerLink } from './program-fixture';
import type { SmtpSink } from './smtp-sink';
import { waitFor } from './test-env';

/** `pairs` coaches (capacity 1) and coachees in a program, imported, matched, published and accepted by link. */
export async function acceptedCadence(
  rig: FaultRig,
  smtp: SmtpSink,
  tag: string,
  pairs: number,
  settings: Record<string, unknown>,
) {
  const people: FixturePerson[] = [];
  for (let i = 0; i < pairs; i++) {
    people.push({ role: 'coach', email: `coach${i}@${tag}.example`, name: `Coach ${i}`, capacity: 1 });
    people.push({ role: 'coachee', email: `coachee${i}@${tag}.example`, name: `Coachee ${i}` });
  }
  const program = await rig.post('/api/v1/programs', { name: `Cadence ${tag}`, ...settings });
  await rig.importDone((await rig.post(`/api/v1/programs/${program.id}/imports`, fixtureCsv(people), 'text/csv')).id);
  const round = await rig.post(`/api/v1/programs/${program.id}/rounds`);
  const solved = await rig.roundDone(round.id);
  if (solved.matched !== pairs) throw new Error(`round matched ${solved.matched} of ${pairs}`);
  await rig.post(`/api/v1/rounds/${round.id}/publish`);
  const isOffer = (m: { subject: string; to: string[] }) =>
    m.subject.startsWith('Coaching offer') && m.to[0].endsWith(`@${tag}.example`);
  const offers = await waitFor(
    async () => (smtp.messages.filter(isOffer).length === pairs ? smtp.messages.filter(isOffer) : undefined),
    `the ${tag} offers`,
    60_000,
  );
  for (const offer of offers) {
    const accepted = await rig.fetch(`${new URL(offerLink(offer.text)).pathname}/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    if (accepted.status !== 200) throw new Error(`accept answered ${accepted.status}`);
  }
  return { programId: program.id as string };
}

/** The program's sessions, once all `count` are planned. */
export function plannedSessions(rig: FaultRig, programId: string, count: number) {
  return waitFor(
    async () => {
      const rows = await rig.rows<{ id: string; sequence: number }>(
        `select s.id, s.sequence from coaching_session s join pairing p on p.id = s.pairing_id where p.program_id = ? order by s.id`,
        [programId],
      );
      return rows.length === count ? rows : undefined;
    },
    'the planned sessions',
    60_000,
  );
}

/** The outbox keys of each session's two reminders and two feedback requests. */
export function cadenceEmailKeys(sessions: { id: string; sequence: number }[]): string[] {
  return sessions.flatMap((s) =>
    ['coach', 'coachee'].flatMap((role) => [
      `session-reminder:${s.id}:${s.sequence}:${role}`,
      `feedback-request:${s.id}:${role}`,
    ]),
  );
}

/**
 * Waits for every session's two reminders and two feedback requests and the outbox to drain, then checks each went
 * out exactly once, the database agrees (every session reminded, one request per person), and no email at all
 * (invites, offers and welcomes included) went out twice. Answers how many cadence emails were expected.
 */
export async function expectCadenceEmailsOnce(
  rig: FaultRig,
  smtp: SmtpSink,
  sessions: { id: string; sequence: number }[],
  timeoutMs = 120_000,
): Promise<number> {
  const expectedIds = new Set(cadenceEmailKeys(sessions).map(messageIdOf));
  const arrived = () => smtp.messages.filter((m) => expectedIds.has(m.messageId));
  await waitFor(
    async () => (arrived().length >= expectedIds.size ? true : undefined),
    `${expectedIds.size} reminders and feedback requests`,
    timeoutMs,
    200,
  );
  await waitFor(
    async () =>
      (await rig.count(`select count(*) as n from outbox_message where status <> 'sent'`)) === 0 ? true : undefined,
    'the outbox to drain',
    60_000,
    200,
  );
  await rig.queuesIdle();
  const ids = arrived().map((m) => m.messageId);
  const sessionIds = sessions.map((s) => s.id);
  const reminded = await rig.count(
    `select count(*) as n from coaching_session where id = any(?) and reminded_at is not null`,
    [sessionIds],
  );
  const requests = await rig.count(`select count(*) as n from feedback where session_id = any(?)`, [sessionIds]);
  const all = smtp.messages.map((m) => m.messageId);
  // (A support module has no jest `expect` in the build; the same checks, each failing the test with what it saw.)
  const failures = [
    ids.length !== expectedIds.size && `${ids.length} cadence emails arrived, ${expectedIds.size} expected`,
    new Set(ids).size !== ids.length && `${ids.length - new Set(ids).size} cadence emails arrived twice`,
    reminded !== sessions.length && `${reminded} of ${sessions.length} sessions reminded`,
    requests !== sessions.length * 2 && `${requests} feedback requests, ${sessions.length * 2} expected`,
    new Set(all).size !== all.length && `${all.length - new Set(all).size} emails went out twice`,
  ].filter((f): f is string => typeof f === 'string');
  if (failures.length > 0) throw new Error(failures.join('; '));
  return expectedIds.size;
}
