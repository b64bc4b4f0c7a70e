import { randomBytes } from 'node:crypto';
import { FaultRig } from '../support/fault-rig';
import { PgCutter } from '../support/pg-cutter';

/**
 * Fault 9: PostgreSQL's connections end under the api's queries (a server stopped or restarted, a network cut): pg
 * reports "Connection terminated unexpectedly", with no error code. Every path that reaches the database answers 503
 * while it lasts, the batched prepared lookup of the offer page included, and serves again once it is over.
 */
jest.setTimeout(120_000);

describe('database connections cut under the api', () => {
  const cutter = new PgCutter();
  let rig: FaultRig;

  beforeAll(async () => {
    await cutter.start();
    rig = await FaultRig.start({
      DATABASE_URL: cutter.url(`tandem_cut_${randomBytes(5).toString('hex')}`),
      PAGE_RATE_LIMIT: '10000',
    });
  });

  afterAll(async () => {
    await cutter.heal().catch(() => undefined);
    await rig?.stop();
    await cutter.stop();
  });

  it('answers 503 on every path while connections are cut, and recovers', async () => {
    const program = await rig.post('/api/v1/programs', { name: 'Cut' });
    const token = (i: number) => `${'A'.repeat(40)}${String(i).padStart(3, '0')}`;
    const paths = [
      ...Array.from({ length: 24 }, (_, i) => ({ path: `/offers/${token(i)}`, key: false })),
      { path: `/api/v1/programs/${program.id}`, key: true },
      { path: `/api/v1/programs/${program.id}/enrollments`, key: true },
      { path: '/api/v1/programs', key: true },
      { path: '/ready', key: false },
    ];
    const probeAll = () =>
      Promise.all(
        paths.map(async ({ path, key }) => ({
          path,
          status: (await rig.fetch(path, { headers: key ? rig.headers : {} })).status,
        })),
      );
    // Warm: the pool holds open connections, which the cut then ends under the next queries.
    expect((await probeAll()).filter((a) => a.path.startsWith('/offers/')).every((a) => a.status === 404)).toBe(true);

    await cutter.cut();
    const during = [...(await probeAll()), ...(await probeAll())];
    await cutter.heal();
    expect(during.filter((a) => a.status !== 503)).toEqual([]);

    const after = await probeAll();
    expect(after.filter((a) => a.status >= 500)).toEqual([]);
    process.stdout.write(
      `db cut: ${during.length} requests while every connection was cut, all 503; all served again after\n`,
    );
  });
});
