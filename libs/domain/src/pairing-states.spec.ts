import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PairingStatus } from './entities/pairing.entity';
import {
  canMovePairing,
  FINAL_PAIRING_STATUSES,
  PAIRING_TRANSITIONS,
  PairingEvent,
  pairingStatusSql,
  pairingTransition,
} from './pairing-states';

/** The pairing states table of docs/design.md as data: one `{ from, to, event }` per row. */
function designTable(): { rows: { from: string | null; to: string; event: string }[]; final: string[] } {
  const design = readFileSync(join(__dirname, '../../../docs/design.md'), 'utf8');
  const section = design.split('### Pairing (`pairing_status`)')[1].split('\n### ')[0];
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const header = lines[0].split('|').map((c) => c.trim());
  const col = (name: string) => header.indexOf(name);
  const cell = (line: string, name: string) => line.split('|')[col(name)].trim();
  const rows = lines.slice(2).map((line) => {
    const from = cell(line, 'from');
    return {
      from: from === '(new)' ? null : from.replace(/`/g, ''),
      to: cell(line, 'to').replace(/`/g, ''),
      event: cell(line, 'event').replace(/`/g, ''),
    };
  });
  const finalSentence = /((?:`\w+`(?:, | and ))+`\w+`) are final/.exec(section);
  return { rows, final: finalSentence ? [...finalSentence[1].matchAll(/`(\w+)`/g)].map((m) => m[1]) : [] };
}

describe('the pairing state machine', () => {
  const key = (t: { from: string | null; to: string; event: string }) =>
    `${t.from ?? '(new)'} -> ${t.to} on ${t.event}`;

  it('is the table of docs/design.md, row for row', () => {
    const { rows } = designTable();
    expect(rows.length).toBeGreaterThan(5);
    expect(PAIRING_TRANSITIONS.map(key).sort()).toEqual(rows.map(key).sort());
  });

  it('has the final states the design names, and every state is reached', () => {
    const { final } = designTable();
    expect([...FINAL_PAIRING_STATUSES].sort()).toEqual(final.sort());
    for (const status of Object.values(PairingStatus))
      expect(PAIRING_TRANSITIONS.some((t) => t.to === status)).toBe(true);
  });

  it('gives each event one target state', () => {
    for (const event of Object.values(PairingEvent)) {
      const targets = new Set(PAIRING_TRANSITIONS.filter((t) => t.event === event).map((t) => t.to));
      expect([event, targets.size]).toEqual([event, 1]);
    }
    expect(pairingTransition(PairingEvent.End)).toEqual({
      from: [PairingStatus.Active],
      to: PairingStatus.Ended,
      creates: false,
    });
    expect(pairingTransition(PairingEvent.Rematch)).toEqual({ from: [], to: PairingStatus.Offered, creates: true });
  });

  it('refuses what the table does not allow', () => {
    expect(canMovePairing(PairingStatus.Offered, PairingStatus.Active)).toBe(true);
    expect(canMovePairing(PairingStatus.Declined, PairingStatus.Active)).toBe(false);
    expect(canMovePairing(PairingStatus.Completed, PairingStatus.Ended)).toBe(false);
    expect(canMovePairing(PairingStatus.Proposed, PairingStatus.Active)).toBe(false);
    expect(canMovePairing(null, PairingStatus.Active)).toBe(false);
  });

  it('writes status lists for SQL from the enum only', () => {
    expect(pairingStatusSql(PairingStatus.Offered, PairingStatus.Active)).toBe(`('offered', 'active')`);
    expect(() => pairingStatusSql('live' as PairingStatus)).toThrow(/not a pairing status/);
  });
});
