import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { offerLink, roundDone, seedProgram } from './support/program-fixture';
import { SmtpSink } from './support/smtp-sink';
import { TestTandem } from './support/tandem';
import { waitFor } from './support/test-env';

describe('rounds: automatic publishing, tenants, bad input and rate limits', () => {
  const smtp = new SmtpSink();
  let tandem: TestTandem;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    await smtp.start();
    tandem = await TestTandem.start({ env: { SMTP_URL: smtp.url, PAGE_RATE_LIMIT: '5' } });
    ({ apiKey: key } = await tandem.organization('Acme'));
    ({ apiKey: otherKey } = await tandem.organization('Globex'));
  });

  afterAll(async () => {
    await tandem?.stop();
    await smtp.stop();
  });

  it('publishes by itself when the program says so, and hides rounds from other organizations', async () => {
    const { programId } = await seedProgram(tandem, key, { autoPublish: true }, [
      { role: 'coach', email: 'auto-coach@auto.example', name: 'Ada Coach' },
      { role: 'coachee', email: 'auto-coachee@auto.example', name: 'Bo Coachee' },
    ]);
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    const round = await waitFor(async () => {
      const view = await tandem.request('GET', `/api/v1/rounds/${launched.body.id}`, { key });
      return view.body.status === 'published' ? view.body : undefined;
    }, 'the round to publish itself');
    expect(round.matched).toBe(1);
    await waitFor(
      async () =>
        smtp.messages.some((m) => m.to.includes('auto-coach@auto.example') && m.subject.startsWith('Coaching offer'))
          ? true
          : undefined,
      'the offer',
    );

    const pairings = await tandem.request('GET', `/api/v1/pairings?programId=${programId}`, { key });
    expect(pairings.body.items).toEqual([
      expect.objectContaining({
        status: 'offered',
        coach: expect.objectContaining({ email: 'auto-coach@auto.example' }),
      }),
    ]);
    const pairingId = pairings.body.items[0].id;
    expect((await tandem.request('GET', `/api/v1/pairings/${pairingId}`, { key })).body).toMatchObject({
      id: pairingId,
      programId,
      status: 'offered',
    });

    const foreign = [
      await tandem.request('GET', `/api/v1/pairings/${pairingId}`, { key: otherKey }),
      await tandem.request('GET', `/api/v1/rounds/${round.id}`, { key: otherKey }),
      await tandem.request('GET', `/api/v1/rounds/${round.id}/proposals`, { key: otherKey }),
      await tandem.request('POST', `/api/v1/rounds/${round.id}/publish`, { key: otherKey }),
      await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key: otherKey }),
      await tandem.request('GET', `/api/v1/pairings?programId=${programId}`, { key: otherKey }),
    ];
    expect(foreign.map((a) => a.status)).toEqual([404, 404, 404, 404, 404, 404]);
  });

  it('answers bad round requests with a 4xx and changes nothing', async () => {
    const { programId, idOf } = await seedProgram(tandem, key, {}, [
      { role: 'coach', email: 'g-coach@guard.example', name: 'Cy Coach' },
      { role: 'coachee', email: 'g-coachee@guard.example', name: 'Di Coachee' },
    ]);
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    const round = await roundDone(tandem, key, launched.body.id);
    const count = async () =>
      Number(
        (await rawQuery<{ n: string }>(tandem.get(EntityManager).fork(), 'select count(*) as n from pairing'))[0].n,
      );
    const before = await count();
    const pin = (json: unknown) => tandem.request('POST', `/api/v1/rounds/${round.id}/pins`, { key, json });
    const answers = [
      await pin({ coacheeId: idOf('g-coachee@guard.example'), coachId: idOf('g-coach@guard.example') }),
      await pin({ coacheeId: 'x', coachId: idOf('g-coach@guard.example'), revision: 1 }),
      await pin({
        coacheeId: idOf('g-coachee@guard.example'),
        coachId: idOf('g-coach@guard.example'),
        revision: 1,
        extra: true,
      }),
      await pin({ coacheeId: idOf('g-coach@guard.example'), coachId: idOf('g-coach@guard.example'), revision: 1 }),
      await tandem.request('GET', '/api/v1/rounds/not-a-round', { key }),
      await tandem.request('GET', '/api/v1/pairings', { key }),
      await tandem.request('GET', `/api/v1/pairings?programId=${programId}&status=dancing`, { key }),
      await tandem.request('DELETE', `/api/v1/rounds/${round.id}/pins/${idOf('g-coachee@guard.example')}`, {
        key,
        json: { revision: 1 },
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([422, 422, 422, 422, 404, 422, 422, 404]);
    expect(answers.every((a) => typeof a.body.code === 'string')).toBe(true);
    expect(await count()).toBe(before);
  });

  it('fails a round, with the reason, when its pins no longer fit the pool', async () => {
    const { programId, idOf } = await seedProgram(tandem, key, {}, [
      { role: 'coach', email: 'p-coach@pins.example', name: 'Ed Coach', capacity: 1 },
      { role: 'coachee', email: 'p-a@pins.example', name: 'Fa Coachee' },
      { role: 'coachee', email: 'p-b@pins.example', name: 'Gu Coachee' },
    ]);
    const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
    await roundDone(tandem, key, launched.body.id);
    const pinned = await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/pins`, {
      key,
      json: { coacheeId: idOf('p-a@pins.example'), coachId: idOf('p-coach@pins.example'), revision: 1 },
    });
    expect(pinned.status).toBe(200);
    await roundDone(tandem, key, launched.body.id);
    // The coach's capacity drops to zero (a re-import, say) before the admin's next change re-solves the round.
    await rawQuery(tandem.get(EntityManager).fork(), `update enrollment set capacity = 0 where id = ?`, [
      idOf('p-coach@pins.example'),
    ]);
    const excluded = await tandem.request('POST', `/api/v1/rounds/${launched.body.id}/exclusions`, {
      key,
      json: { coacheeId: idOf('p-b@pins.example'), coachId: idOf('p-coach@pins.example'), revision: 2 },
    });
    expect(excluded.status).toBe(200);
    const failed = await roundDone(tandem, key, launched.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/capacity|pin/i);
    // A new round can start after a failed one.
    expect((await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key })).status).toBe(202);
  });

  it('rate-limits the offer page per client', async () => {
    const mail = smtp.messages.find((m) => m.subject.startsWith('Coaching offer'))!;
    const path = new URL(offerLink(mail.text)).pathname;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await tandem.request('GET', path)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});
