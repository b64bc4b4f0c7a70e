import { Migration } from '@mikro-orm/migrations';

/**
 * One name per matching rule: a program's stored policy says `forbidSameDepartment` and `forbidReportingLine`, as the
 * solver and instance files do, instead of `allowSameDepartment` (the opposite value) and `avoidReportingLine`.
 */
export class Migration20261204000000PolicyNames extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `update "program" set "policy" = ("policy" - 'allowSameDepartment' - 'avoidReportingLine') || jsonb_build_object('forbidSameDepartment', not coalesce(("policy"->>'allowSameDepartment')::boolean, true), 'forbidReportingLine', coalesce(("policy"->>'avoidReportingLine')::boolean, true)) where "policy" ? 'allowSameDepartment' or "policy" ? 'avoidReportingLine';`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `update "program" set "policy" = ("policy" - 'forbidSameDepartment' - 'forbidReportingLine') || jsonb_build_object('allowSameDepartment', not coalesce(("policy"->>'forbidSameDepartment')::boolean, false), 'avoidReportingLine', coalesce(("policy"->>'forbidReportingLine')::boolean, true)) where "policy" ? 'forbidSameDepartment' or "policy" ? 'forbidReportingLine';`,
    );
  }
}
