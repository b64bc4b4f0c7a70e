/** The pools the benchmarks run on, and the API steps that take one to a proposed (or published) round. */
import { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';
import { pooledTransport } from '@tandem/mail';
import { CSV_HEADER } from '../support/participants';
import type { TestTandem } from '../support/tandem';

const ZONES = ['Europe/London', 'Europe/Paris', 'Europe/Berlin', 'Europe/Madrid', 'America/New_York', 'Asia/Kolkata'];

/**
 * A deterministic pool: coaches strong in a few skills, coachees needing a few. By default a fifth of people are
 * coaches with capacities 1-8 (a tight pool: about 9,000 places for 10,000 coachees); `capacity` fixes every
 * coach's capacity instead, and `coaches` their number.
 */
export function poolCsv(coachees: number, options: { coaches?: number; capacity?: number } = {}): string {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  const lines = [CSV_HEADER];
  const coaches = options.coaches ?? Math.round(coachees / 5);
  for (let i = 0; i < coaches + coachees; i++) {
    const coach = i < coaches;
    const skills = Array.from({ length: 5 }, () => String(rand(6)));
    lines.push(
      [
        coach ? 'coach' : 'coachee',
        `p${i}@scale.example`,
        `Person ${i}`,
        `Dept ${rand(40)}`,
        i >= coaches && rand(10) === 0 ? `p${rand(coaches)}@scale.example` : '',
        String(1 + rand(8)),
        ZONES[rand(ZONES.length)],
        rand(3) === 0 ? 'en;fr' : 'en',
        coach ? String(options.capacity ?? 1 + rand(8)) : '',
        ...skills,
        coach ? '' : 'Lead with clarity',
        coach ? 'Experienced coach' : '',
      ].join(','),
    );
  }
  return lines.join('\n');
}

/** Polls every 20 ms until `probe` answers a value. */
export async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Creates a program and imports the CSV through the API; answers the program id once the import succeeded. */
export async function importedProgram(tandem: TestTandem, key: string, name: string, csv: string): Promise<string> {
  const program = await tandem.request('POST', '/api/v1/programs', { key, json: { name } });
  const imported = await tandem.request('POST', `/api/v1/programs/${program.body.id}/imports`, { key, body: csv });
  if (imported.status !== 202) throw new Error(`import refused: ${imported.text.slice(0, 300)}`);
  await until(async () => {
    const status = (await tandem.request('GET', `/api/v1/imports/${imported.body.id}`, { key })).body;
    if (status.status === 'failed') throw new Error('import failed');
    return status.status === 'succeeded' ? true : undefined;
  });
  return program.body.id as string;
}

/** Launches a round through the API and answers its view once proposed (`onPoll` runs on every poll). */
export async function proposedRound(
  tandem: TestTandem,
  key: string,
  programId: string,
  onPoll: () => void = () => undefined,
): Promise<any> {
  const launched = await tandem.request('POST', `/api/v1/programs/${programId}/rounds`, { key });
  if (launched.status !== 201 && launched.status !== 202)
    throw new Error(`launch refused: ${launched.text.slice(0, 300)}`);
  return until(async () => {
    onPoll();
    const view = (await tandem.request('GET', `/api/v1/rounds/${launched.body.id}`, { key })).body;
    if (view.status === 'failed') throw new Error(`round failed: ${view.error}`);
    return view.status === 'proposed' ? view : undefined;
  });
}

/** Estimates in every skill for every coach of the program (spread over 1..5, from 3 coachees each). */
export async function seedLearning(tandem: TestTandem, programId: string): Promise<void> {
  await rawQuery(
    tandem.get(EntityManager).fork(),
    `insert into coach_learning (id, organization_id, person_id, skill, estimate, sd, certainty, prior_mean, answers, coachees, programs)
     select gen_random_uuid(), prog.organization_id, e.person_id, sk.value ->> 'key', 1 + (abs(hashtext(e.person_id::text || (sk.value ->> 'key'))) % 400) / 100.0, 0.4, 0.6, 2.5, 6, 3, 1
       from enrollment e join program prog on prog.id = e.program_id cross join lateral jsonb_array_elements(prog.skills) sk
      where e.program_id = ? and e.role = 'coach'
     on conflict do nothing`,
    [programId],
  );
}

/**
 * The email benchmarks' baseline: `count` small messages through nodemailer's pool (the transport Tandem's sender
 * uses) straight to the server, 10 at a time. Answers the wall milliseconds; the caller empties the sink first.
 */
export async function sendBare(smtpUrl: string, count: number): Promise<number> {
  const transport = pooledTransport(smtpUrl);
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (next < count) {
        const i = next++;
        await transport.sendMail({
          from: 'a@x.example',
          to: `bare${i}@x.example`,
          subject: `Bare ${i}`,
          text: 'Hello',
        });
      }
    }),
  );
  const ms = performance.now() - started;
  transport.close();
  return ms;
}
