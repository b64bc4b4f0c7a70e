import { CSV_HEADER } from './participants';
import type { TestTandem } from './tandem';
import { waitFor } from './test-env';

/** A small program: coaches and coachees with skills that make clear best matches. */
export interface FixturePerson {
  role: 'coach' | 'coachee';
  email: string;
  name: string;
  capacity?: number;
  manager?: string;
  department?: string;
  timezone?: string;
  skills?: number[];
  goals?: string;
  bio?: string;
}

const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** A participant CSV for these people. */
export function fixtureCsv(people: FixturePerson[]): string {
  const lines = people.map((p) =>
    [
      p.role,
      p.email,
      p.name,
      p.department ?? '',
      p.manager ?? '',
      '3',
      p.timezone ?? 'Europe/Paris',
      'en',
      p.role === 'coach' ? String(p.capacity ?? 2) : '',
      ...(p.skills ?? [3, 3, 3, 3, 3]).map(String),
      p.goals ?? '',
      p.bio ?? '',
    ]
      .map(cell)
      .join(','),
  );
  return [CSV_HEADER, ...lines].join('\n');
}

/** Creates a program with settings, imports the people and waits for the import; answers ids by email. */
export async function seedProgram(
  tandem: TestTandem,
  key: string,
  settings: Record<string, unknown>,
  people: FixturePerson[],
) {
  const program = await tandem.request('POST', '/api/v1/programs', {
    key,
    json: { name: 'Leaders 2027', ...settings },
  });
  if (program.status !== 201) throw new Error(`program: ${program.text}`);
  const accepted = await tandem.request('POST', `/api/v1/programs/${program.body.id}/imports`, {
    key,
    body: fixtureCsv(people),
  });
  if (accepted.status !== 202) throw new Error(`import: ${accepted.text}`);
  await waitFor(async () => {
    const status = await tandem.request('GET', `/api/v1/imports/${accepted.body.id}`, { key });
    if (status.body.status === 'failed') throw new Error(`import failed: ${JSON.stringify(status.body.errors)}`);
    return status.body.status === 'succeeded' ? true : undefined;
  }, 'the import');
  const enrollments = await tandem.request('GET', `/api/v1/programs/${program.body.id}/enrollments?limit=500`, { key });
  const idOf = new Map<string, string>(
    enrollments.body.items.map((e: { email: string; id: string }) => [e.email, e.id]),
  );
  return { programId: program.body.id as string, idOf: (email: string) => idOf.get(email)! };
}

/** Waits until a round leaves queued/running; answers its view. */
export async function roundDone(tandem: TestTandem, key: string, roundId: string) {
  return waitFor(async () => {
    const round = await tandem.request('GET', `/api/v1/rounds/${roundId}`, { key });
    return round.body.status === 'queued' || round.body.status === 'running' ? undefined : round.body;
  }, `round ${roundId}`);
}

/** The offer link in an email text. */
export function offerLink(text: string): string {
  const match = /(https?:\/\/\S+\/offers\/[A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`no offer link in: ${text}`);
  return match[1];
}
