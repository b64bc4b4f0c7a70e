import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { type FixturePerson, offerLink, roundDone, seedProgram } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

const form = { contentType: 'application/x-www-form-urlencoded' };

/**
 * Races the other files do not run (50 concurrent accepts and the last place are in rounds.e2e): an accept racing a
 * decline of the same offer, and two admins overriding one proposal or one program at once. Each time exactly one
 * request wins, the others are refused with a 409, and nothing answers 500.
 */
describe('races: accept against decline, concurrent overrides', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let admin: string;
  let secondAdmin: string;

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: smtp.url, PAGE_RATE_LIMIT: '10000' } });
    ({ apiKey: admin } = await tandem.organization('Acme'));
    secondAdmin = (await tandem.request('POST', '/api/v1/api-keys', { key: admin, json: { role: 'admin' } })).body
      .apiKey;
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  });

  const db = () => tandem.get(EntityManager).fork();

  it('accepts racing declines on 8 offers: one decision each, the losers get 409, never a 500', async () => {
    const people: FixturePerson[] = [];
    for (let i = 0; i < 8; i++) {
      people.push({ role: 'coach', email: `coach${i}@race.example`, name: `Coach ${i}`, capacity: 1 });
      people.push({ role: 'coachee', email: `coachee${i}@race.example`, name: `Coachee ${i}` });
    }
    const { programId } = await seedProgram(tandem, admin, {}, people);
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: admin });
    expect((await roundDone(tandem, admin, launched.body.id)).matched).toBe(8);
    await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/publish`, { key: admin });
    const offers = await waitFor(async () => {
      const mails = smtp.messages.filter(
        (m) => m.subject.startsWith('Coaching offer') && m.to[0].endsWith('@race.example'),
      );
      return mails.length === 8 ? mails : undefined;
    }, 'the offers');

    let races = 0;
    for (const mail of offers) {
      const path = new URL(offerLink(mail.text)).pathname;
      const presses = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 'accept' : 'decline'));
      const answers = await Promise.all(
        presses.map((what) =>
          tandem.request('POST', `${path}/${what}`, { body: what === 'decline' ? 'reason=busy' : '', ...form }),
        ),
      );
      races++;
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      const firstAccepts = answers.filter((a, i) => presses[i] === 'accept' && a.text.includes('Thank you!'));
      const firstDeclines = answers.filter(
        (a, i) => presses[i] === 'decline' && a.status === 200 && a.text.includes('Offer declined'),
      );
      expect(firstAccepts.length + firstDeclines.length).toBe(1);
      const accepted = firstAccepts.length === 1;
      // The losing side is refused; the winner's repeats are told "already".
      expect(answers.filter((a, i) => presses[i] === (accepted ? 'decline' : 'accept')).map((a) => a.status)).toEqual([
        409, 409, 409, 409, 409,
      ]);
      expect(answers.filter((a, i) => presses[i] === (accepted ? 'accept' : 'decline')).map((a) => a.status)).toEqual([
        200, 200, 200, 200, 200,
      ]);
      const token = path.split('/').pop()!;
      const [row] = await rawQuery<{ decision: string; status: string }>(
        db(),
        `select o.decision, p.status from offer o join pairing p on p.id = o.pairing_id where p.coach_id = (select e.id from enrollment e join person pe on pe.id = e.person_id where pe.email = ? and e.program_id = ?)`,
        [mail.to[0], programId],
      );
      expect(token.length).toBe(43);
      expect(row).toEqual(
        accepted ? { decision: 'accepted', status: 'active' } : { decision: 'declined', status: 'declined' },
      );
    }
    // One introduction pair per accepted offer, no more.
    const [{ active }] = await rawQuery<{ active: string }>(
      db(),
      `select count(*) as active from pairing where program_id = ? and status = 'active'`,
      [programId],
    );
    const [{ intros }] = await rawQuery<{ intros: string }>(
      db(),
      `select count(*) as intros from outbox_message where idempotency_key like 'intro:%' and idempotency_key similar to 'intro:(' || (select string_agg(id::text, '|') from pairing where program_id = ?) || '):%'`,
      [programId],
    );
    expect(Number(intros)).toBe(2 * Number(active));
    expect(races).toBe(8);
  });

  it('two admins overriding one proposal at once: one wins, the stale writes get 409 stale_revision', async () => {
    const people: FixturePerson[] = [
      { role: 'coach', email: 'c1@override.example', name: 'Coach One', capacity: 3, skills: [5, 5, 1, 1, 1] },
      { role: 'coach', email: 'c2@override.example', name: 'Coach Two', capacity: 3, skills: [1, 1, 5, 5, 1] },
      { role: 'coachee', email: 'e1@override.example', name: 'Coachee One', skills: [5, 5, 0, 0, 0] },
      { role: 'coachee', email: 'e2@override.example', name: 'Coachee Two', skills: [0, 0, 5, 5, 0] },
    ];
    const { programId, idOf } = await seedProgram(tandem, admin, {}, people);
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: admin });
    const roundId = launched.body.id;
    await roundDone(tandem, admin, roundId);
    const auditCount = async () =>
      Number(
        (
          await rawQuery<{ n: string }>(
            db(),
            `select count(*) as n from audit_event where subject_id = ? and action like 'round.%'`,
            [roundId],
          )
        )[0].n,
      );

    for (let race = 0; race < 3; race++) {
      const { revision } = (await tandem.request('GET', `/api/v1/rounds/${roundId}/proposals`, { key: admin })).body;
      const auditsBefore = await auditCount();
      const coachee = idOf(race % 2 === 0 ? 'e1@override.example' : 'e2@override.example');
      const coach = idOf(race % 2 === 0 ? 'c2@override.example' : 'c1@override.example');
      const requests = Array.from({ length: 10 }, (_, i) =>
        tandem.request('POST', `/api/v1/rounds/${roundId}/${i % 3 === 2 ? 'exclusions' : 'pins'}`, {
          key: i % 2 === 0 ? admin : secondAdmin,
          json: { coacheeId: coachee, coachId: coach, revision },
        }),
      );
      const answers = await Promise.all(requests);
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(Array(9).fill('stale_revision'));
      expect(await auditCount()).toBe(auditsBefore + 1);
      const solved = await roundDone(tandem, admin, roundId);
      expect(solved.status).toBe('proposed');
      expect((await tandem.request('GET', `/api/v1/rounds/${roundId}/proposals`, { key: admin })).body.revision).toBe(
        revision + 1,
      );
    }
  });

  it('two admins updating one program with the same version: one wins, the others get 409 stale_version', async () => {
    const program = (await tandem.request('POST', '/api/v1/programs', { key: admin, json: { name: 'Contested' } }))
      .body;
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        tandem.request('PATCH', `/api/v1/programs/${program.id}`, {
          key: i % 2 ? admin : secondAdmin,
          json: { version: program.version, name: `Name ${i}` },
        }),
      ),
    );
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(Array(9).fill('stale_version'));
    const now = (await tandem.request('GET', `/api/v1/programs/${program.id}`, { key: admin })).body;
    expect(now).toMatchObject({ version: program.version + 1, name: winners[0].body.name });
  });
});
