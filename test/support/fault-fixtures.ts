import type { FaultRig } from './fault-rig';
import { fixtureCsv, type FixturePerson, offerLink } from './program-fixture';
import type { SmtpSink } from './smtp-sink';
import { waitFor } from './test-env';

/** `pairs` coaches (capacity 1) and coachees in a program, imported, matched, published and accepted by link. */
export async function acceptedCadence(rig: FaultRig, smtp: SmtpSink, tag: string, pairs: number, settings: Record<string, unknown>) {
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
  const isOffer = (m: { subject: string; to: string[] }) => m.subject.startsWith('Coaching offer') && m.to[0].endsWith(`@${tag}.example`);
  const offers = await waitFor(async () => (smtp.messages.filter(isOffer).length === pairs ? smtp.messages.filter(isOffer) : undefined), `the ${tag} offers`, 60_000);
  for (const offer of offers) {
    const accepted = await rig.fetch(`${new URL(offerLink(offer.text)).pathname}/accept`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    if (accepted.status !== 200) throw new Error(`accept answered ${accepted.status}`);
  }
  return { programId: program.id as string };
}

/** The program's sessions, once all `count` are planned. */
export function plannedSessions(rig: FaultRig, programId: string, count: number) {
  return waitFor(async () => {
    const rows = await rig.rows<{ id: string; sequence: number }>(
      `select s.id, s.sequence from coaching_session s join pairing p on p.id = s.pairing_id where p.program_id = ? order by s.id`,
      [programId],
    );
    return rows.length === count ? rows : undefined;
  }, 'the planned sessions', 60_000);
}

/** The outbox keys of each session's two reminders and two feedback requests. */
export function cadenceEmailKeys(sessions: { id: string; sequence: number }[]): string[] {
  return sessions.flatMap((s) => ['coach', 'coachee'].flatMap((role) => [`session-reminder:${s.id}:${s.sequence}:${role}`, `feedback-request:${s.id}:${role}`]));
}
