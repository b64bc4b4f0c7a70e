import type { EntityManager } from '@mikro-orm/postgresql';
import { rawQuery } from '@tandem/domain';

/** The row count of every table of Tandem's schema, to show that a refused request wrote nothing anywhere. */
export async function tableCounts(em: EntityManager): Promise<Record<string, number>> {
  const tables = await rawQuery<{ name: string }>(
    em,
    `select table_name as name from information_schema.tables where table_schema = 'public' and table_name not like 'mikro_orm%' order by 1`,
  );
  const out: Record<string, number> = {};
  for (const { name } of tables)
    out[name] = Number((await rawQuery<{ n: string }>(em, `select count(*) as n from "${name}"`))[0].n);
  return out;
}
