import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

/**
 * PostgreSQL's text of a timestamp, as raw SQL hands it over: `2026-12-03 09:45:31.643127+00`, or inside
 * json_build_object `2026-12-03T09:45:31.643127+00:00`.
 */
const PG_TIMESTAMP = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d(:?\d\d)?)$/;
/** What every answer uses: ISO 8601 in UTC with milliseconds and Z, as JSON.stringify writes a Date. */
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** Fields that hold instants: `createdAt`, `offerExpiresAt`, `at_risk_at`, `since`. Other text (names, goals) is left alone. */
const INSTANT_KEY = /(At|_at|^since)$/;

/** A timestamp's text as ISO 8601 UTC (`2026-12-03T09:45:31.643Z`), or the value unchanged. */
export function isoInstant(value: unknown): unknown {
  if (typeof value !== 'string' || ISO_UTC.test(value) || !PG_TIMESTAMP.test(value)) return value;
  const at = new Date(value.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

/** Every instant field of an answer in one format, however deep (bounded). */
export function isoDates(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value))
    return value;
  if (Array.isArray(value)) return value.map((v) => isoDates(v, depth + 1));
  // Only plain objects (what raw SQL and the services build); class instances keep their own serialization.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    out[key] = INSTANT_KEY.test(key) ? isoInstant(v) : isoDates(v, depth + 1);
  return out;
}

/** The API's answers carry dates in one format: raw SQL's timestamp text becomes ISO 8601 UTC like every Date. */
@Injectable()
export class IsoDatesInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next
      .handle()
      .pipe(
        map((body: unknown) =>
          body !== null && typeof body === 'object' && !Buffer.isBuffer(body) ? isoDates(body) : body,
        ),
      );
  }
}
