/** Builds participant CSVs for tests and benchmarks. */
export const CSV_HEADER =
  'role,email,name,department,manager_email,level,timezone,languages,capacity,active_listening,empathy,emotional_intelligence,trust_building,clear_communication,goals,bio';

const ZONES = ['Europe/Paris', 'Europe/London', 'America/New_York', 'Asia/Tokyo', 'America/Sao_Paulo'];

/** One CSV line for participant i (a coach every fifth row). */
export function participantLine(i: number, domain = 'example.com'): string {
  const coach = i % 5 === 0;
  const s = (k: number) => ((i * 7 + k * 3) % 6).toString();
  return [
    coach ? 'coach' : 'coachee',
    `person${i}@${domain}`,
    `Person ${i}`,
    `Dept ${i % 12}`,
    i > 10 ? `person${i % 10}@${domain}` : '',
    String(1 + (i % 8)),
    ZONES[i % ZONES.length],
    i % 3 === 0 ? 'en;fr' : 'en',
    coach ? String(1 + (i % 4)) : '',
    s(1),
    s(2),
    s(3),
    s(4),
    s(5),
    coach ? '' : `"Grow as a leader, ""fast"""`,
    coach ? 'Coach since 2015' : '',
  ].join(',');
}

/** A participant CSV with `rows` people. */
export function participantCsv(rows: number, domain = 'example.com'): string {
  const lines = [CSV_HEADER];
  for (let i = 0; i < rows; i++) lines.push(participantLine(i, domain));
  return lines.join('\n') + '\n';
}
