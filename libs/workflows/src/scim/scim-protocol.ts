import { createHash } from 'node:crypto';
import { DomainError, type ErrorKind } from '@tandem/domain';
import SCIMMY from 'scimmy';

/** The SCIM schema and message URNs Tandem speaks (RFC 7643, RFC 7644). */
export const SCIM = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
} as const;

/** Where the SCIM service lives under PUBLIC_URL. */
export const SCIM_BASE = '/scim/v2';

/** At most this many resources a page (and the default `count`). */
export const SCIM_MAX_RESULTS = 200;

// The enterprise extension is part of every User (optional); scimmy keeps schema declarations process-wide.
SCIMMY.Schemas.User.extend(SCIMMY.Schemas.EnterpriseUser as unknown as SCIMMY.Types.Schema, false);

/** A SCIM error (RFC 7644 §3.12): an HTTP status and, for 400s and a few others, a `scimType`. */
export class ScimError extends DomainError {
  constructor(
    readonly status: number,
    readonly scimType: string | undefined,
    message: string,
  ) {
    super(kindOfStatus(status), scimType ?? `scim_${status}`, message);
  }
}

function kindOfStatus(status: number): ErrorKind {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409 || status === 412) return 'conflict';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

/** scimmy's own errors carry `status` and `scimType`; its schema checks throw plain TypeErrors: both become ScimErrors. */
export function asScimError(err: unknown): unknown {
  if (err instanceof ScimError) return err;
  const e = err as { status?: unknown; scimType?: unknown; message?: unknown; name?: unknown };
  if (
    err instanceof Error &&
    typeof e.status === 'number' &&
    (e.name === 'SCIMError' || typeof e.scimType === 'string')
  ) {
    return new ScimError(e.status, typeof e.scimType === 'string' ? e.scimType : undefined, String(e.message));
  }
  if (err instanceof TypeError && typeof e.message === 'string' && /attribute|schema|value|expected/i.test(e.message)) {
    return new ScimError(400, 'invalidValue', e.message);
  }
  return err;
}

/** Runs a scimmy call, turning what it throws into ScimErrors. */
export async function scimmy<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asScimError(err);
  }
}

/** A resource's version: a weak ETag of everything it shows but its `meta`, so it changes exactly when the resource does. */
export function versionOf(resource: Record<string, unknown>): string {
  const { meta: _meta, ...rest } = resource;
  return `W/"${createHash('sha256').update(JSON.stringify(rest)).digest('base64url').slice(0, 22)}"`;
}

/** Refuses a write whose If-Match names another version (412); `*` and no header match any. */
export function checkIfMatch(ifMatch: string | undefined, version: string): void {
  if (ifMatch === undefined || ifMatch.trim() === '' || ifMatch.trim() === '*') return;
  const wanted = ifMatch.split(',').map((v) => v.trim());
  const bare = (v: string) => v.replace(/^W\//, '');
  if (!wanted.some((v) => bare(v) === bare(version))) {
    throw new ScimError(
      412,
      undefined,
      `the resource changed: its version is ${version}, the request's If-Match is ${ifMatch.slice(0, 100)}`,
    );
  }
}

/** `startIndex` and `count` of a list request (RFC 7644 §3.4.2.4): 1-based, count capped at SCIM_MAX_RESULTS. */
export function pageOf(query: Record<string, unknown>): { startIndex: number; count: number } {
  const number = (name: string, fallback: number): number => {
    const raw = query[name];
    if (raw === undefined || raw === '') return fallback;
    if (typeof raw !== 'string' || !/^-?\d{1,9}$/.test(raw.trim()))
      throw new ScimError(400, 'invalidValue', `${name} must be a whole number`);
    return Number(raw);
  };
  return {
    startIndex: Math.max(number('startIndex', 1), 1),
    count: Math.min(Math.max(number('count', SCIM_MAX_RESULTS), 0), SCIM_MAX_RESULTS),
  };
}

/** The attributes `excludedAttributes` names, lower-cased (only `members` of a Group is acted on). */
export function excludedOf(query: Record<string, unknown>): Set<string> {
  const raw = query.excludedAttributes;
  return new Set(typeof raw === 'string' ? raw.split(',').map((a) => a.trim().toLowerCase()) : []);
}

/** A ListResponse message. */
export function listResponse(resources: unknown[], totalResults: number, startIndex: number) {
  return {
    schemas: [SCIM.listResponse],
    totalResults,
    startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** One comparison of a filter: an attribute path (lower-case, dotted), an operator and its value. */
export interface FilterTerm {
  path: string;
  op: 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le' | 'pr';
  value: unknown;
  not: boolean;
}

const OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr']);

/**
 * A filter expression (RFC 7644 §3.4.2.2) parsed by scimmy into terms: a list of alternatives (`or`), each a list of
 * terms that must all hold (`and`). A value path (`emails[type eq "work"].value`) becomes terms on `emails.type` and
 * `emails.value`. A malformed filter is a 400 invalidFilter.
 */
export async function parseFilter(expression: unknown): Promise<FilterTerm[][] | null> {
  if (expression === undefined || expression === '') return null;
  if (typeof expression !== 'string') throw new ScimError(400, 'invalidFilter', 'filter must be a single expression');
  if (expression.length > 2000) throw new ScimError(400, 'invalidFilter', 'the filter is longer than 2,000 characters');
  const parsed = await scimmy(() => new SCIMMY.Types.Filter(expression));
  return [...(parsed as unknown as Record<string, unknown>[])].map((branch) => {
    const terms: FilterTerm[] = [];
    const walk = (node: Record<string, unknown>, prefix: string) => {
      for (const [key, value] of Object.entries(node)) {
        const path = `${prefix}${key.toLowerCase()}`;
        if (Array.isArray(value) && typeof value[0] === 'string') {
          const not = value[0].toLowerCase() === 'not';
          const [op, operand] = (not ? value.slice(1) : value) as [string, unknown];
          if (!OPERATORS.has(String(op).toLowerCase()))
            throw new ScimError(400, 'invalidFilter', `the operator ${String(op).slice(0, 20)} is not supported`);
          terms.push({ path, op: String(op).toLowerCase() as FilterTerm['op'], value: operand, not });
        } else if (value && typeof value === 'object' && !Array.isArray(value))
          walk(value as Record<string, unknown>, `${path}.`);
        else
          throw new ScimError(
            400,
            'invalidFilter',
            'this filter is not supported: use attribute comparisons joined by and / or',
          );
      }
    };
    walk(branch, '');
    return terms;
  });
}

/** A SQL condition for one comparison of a column, with its bindings; `ci` compares lower-cased text. */
export function sqlComparison(
  column: string,
  term: FilterTerm,
  kind: 'text' | 'ci' | 'boolean' | 'time',
): { sql: string; bindings: unknown[] } {
  if (term.op === 'pr') return wrapNot(term, { sql: `${column} is not null`, bindings: [] });
  const value = term.value;
  if (kind === 'boolean') {
    if (typeof value !== 'boolean' || (term.op !== 'eq' && term.op !== 'ne'))
      throw new ScimError(400, 'invalidFilter', `${term.path} takes eq or ne with true or false`);
    return wrapNot(term, { sql: `${column} ${term.op === 'eq' ? '=' : '<>'} ?`, bindings: [value] });
  }
  if (typeof value !== 'string')
    throw new ScimError(400, 'invalidFilter', `${term.path} compares with a quoted string`);
  if (kind === 'time') {
    const ops: Record<string, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
    if (!ops[term.op] || Number.isNaN(Date.parse(value)))
      throw new ScimError(400, 'invalidFilter', `${term.path} takes eq, ne, gt, ge, lt or le with a date-time`);
    return wrapNot(term, { sql: `${column} ${ops[term.op]} ?::timestamptz`, bindings: [value] });
  }
  const col = kind === 'ci' ? `lower(${column})` : column;
  const operand = kind === 'ci' ? value.toLowerCase() : value;
  const like = (pattern: string) => ({ sql: `${col} like ? escape '\\'`, bindings: [pattern] });
  const escaped = operand.replace(/[\\%_]/g, (c) => `\\${c}`);
  switch (term.op) {
    case 'eq':
      return wrapNot(term, { sql: `${col} = ?`, bindings: [operand] });
    case 'ne':
      return wrapNot(term, { sql: `${col} is distinct from ?`, bindings: [operand] });
    case 'co':
      return wrapNot(term, like(`%${escaped}%`));
    case 'sw':
      return wrapNot(term, like(`${escaped}%`));
    case 'ew':
      return wrapNot(term, like(`%${escaped}`));
    default:
      return wrapNot(term, {
        sql: `${col} ${{ gt: '>', ge: '>=', lt: '<', le: '<=' }[term.op]} ?`,
        bindings: [operand],
      });
  }
}

function wrapNot(term: FilterTerm, condition: { sql: string; bindings: unknown[] }) {
  return term.not ? { sql: `not coalesce(${condition.sql}, false)`, bindings: condition.bindings } : condition;
}

/** Whether a value satisfies one comparison (for resources filtered in memory, such as the groups). */
export function matchesTerm(actual: unknown, term: FilterTerm, caseExact = false): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  const norm = (v: unknown) => (typeof v === 'string' && !caseExact ? v.toLowerCase() : v);
  const wanted = norm(term.value);
  const hit = values.some((raw) => {
    const v = norm(raw);
    switch (term.op) {
      case 'pr':
        return v !== undefined && v !== null && v !== '';
      case 'eq':
        return v === wanted;
      case 'ne':
        return v !== wanted;
      case 'co':
        return typeof v === 'string' && typeof wanted === 'string' && v.includes(wanted);
      case 'sw':
        return typeof v === 'string' && typeof wanted === 'string' && v.startsWith(wanted);
      case 'ew':
        return typeof v === 'string' && typeof wanted === 'string' && v.endsWith(wanted);
      default:
        throw new ScimError(400, 'invalidFilter', `${term.path} does not take ${term.op}`);
    }
  });
  return term.not ? !hit : hit;
}

/**
 * Entra ID and Okta send some PATCH values in shapes RFC 7644 does not: `"active": "False"` as a string, and the
 * enterprise `manager` as a bare id. They are put in the standard shape before scimmy applies the operations; the op
 * names' case (Entra's `Replace`) scimmy takes as it is.
 */
export function normalizePatch(body: unknown): unknown {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { Operations?: unknown }).Operations)) return body;
  const bool = (v: unknown) =>
    typeof v === 'string' && /^(true|false)$/i.test(v.trim()) ? v.trim().toLowerCase() === 'true' : v;
  const managerPath = /(^|:)manager$/i;
  const Operations = (body as { Operations: unknown[] }).Operations.flatMap((op) => {
    if (!op || typeof op !== 'object') return [op];
    const { op: name, path, value } = op as { op?: unknown; path?: unknown; value?: unknown };
    // Entra removes members by listing them as the value; RFC 7644 names each in the path.
    if (
      typeof name === 'string' &&
      name.toLowerCase() === 'remove' &&
      typeof path === 'string' &&
      path.trim().toLowerCase() === 'members' &&
      Array.isArray(value)
    ) {
      return value.map((m) => ({
        op: name,
        path: `members[value eq ${JSON.stringify(String((m as { value?: unknown } | null)?.value ?? ''))}]`,
      }));
    }
    return [rewrite(op, path, value)];
  });
  return { ...(body as object), Operations };

  function rewrite(op: object, path: unknown, value: unknown): unknown {
    if (typeof path === 'string' && path.trim().toLowerCase() === 'active') return { ...op, value: bool(value) };
    if (typeof path === 'string' && managerPath.test(path.trim()) && typeof value === 'string')
      return { ...op, value: { value } };
    if (path === undefined && value && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
        if (k.toLowerCase() === 'active') return [k, bool(v)];
        if (managerPath.test(k) && typeof v === 'string') return [k, { value: v }];
        return [k, v];
      });
      return { ...op, value: Object.fromEntries(entries) };
    }
    return op;
  }
}

/** Applies a PatchOp message to a resource with scimmy (which checks the operations against the schema). */
export async function applyPatch(
  kind: 'User' | 'Group',
  resource: Record<string, unknown>,
  body: unknown,
): Promise<Record<string, unknown>> {
  return scimmy(async () => {
    const message = new SCIMMY.Messages.PatchOp(
      normalizePatch(body) as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0],
    );
    const instance =
      kind === 'User' ? new SCIMMY.Schemas.User(resource, 'out') : new SCIMMY.Schemas.Group(resource, 'out');
    // scimmy answers nothing when the operations changed nothing (a rename to the same name): the resource as it was.
    const patched = (await message.apply(instance as never)) as Record<string, unknown> | undefined;
    return patched ? (JSON.parse(JSON.stringify(patched)) as Record<string, unknown>) : resource;
  });
}

/** Validates an inbound User or Group (POST, PUT) against its schema with scimmy: types, required attributes, mutability. */
export async function validateInbound(kind: 'User' | 'Group', body: unknown): Promise<Record<string, unknown>> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new ScimError(400, 'invalidSyntax', `the body must be a SCIM ${kind} object`);
  return scimmy(() => {
    const schemas = (body as { schemas?: unknown }).schemas;
    // Some clients leave `schemas` out; scimmy needs it, and its absence says nothing a caller meant.
    const withSchemas = Array.isArray(schemas)
      ? body
      : { ...body, schemas: [kind === 'User' ? SCIM.user : SCIM.group] };
    const instance =
      kind === 'User' ? new SCIMMY.Schemas.User(withSchemas, 'in') : new SCIMMY.Schemas.Group(withSchemas, 'in');
    return JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
  });
}

/** The ServiceProviderConfig resource (RFC 7643 §5): what this service supports. */
export function serviceProviderConfig(publicUrl: string) {
  return {
    schemas: [SCIM.serviceProviderConfig],
    documentationUri: `${publicUrl}/docs`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: SCIM_MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'A SCIM token an admin created in Tandem (Authorization: Bearer tdmscim_...)',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${publicUrl}${SCIM_BASE}/ServiceProviderConfig` },
  };
}

/** The ResourceType resources (RFC 7643 §6). */
export function resourceTypes(publicUrl: string) {
  return [
    {
      schemas: [SCIM.resourceType],
      id: 'User',
      name: 'User',
      endpoint: '/Users',
      description: 'A participant (a person of the organization)',
      schema: SCIM.user,
      schemaExtensions: [{ schema: SCIM.enterprise, required: false }],
      meta: { resourceType: 'ResourceType', location: `${publicUrl}${SCIM_BASE}/ResourceTypes/User` },
    },
    {
      schemas: [SCIM.resourceType],
      id: 'Group',
      name: 'Group',
      endpoint: '/Groups',
      description: 'The coaches or the coachees of one program',
      schema: SCIM.group,
      meta: { resourceType: 'ResourceType', location: `${publicUrl}${SCIM_BASE}/ResourceTypes/Group` },
    },
  ];
}

/** The Schema resources (RFC 7643 §7), as scimmy describes them. */
export function schemas(publicUrl: string) {
  const base = `${publicUrl}${SCIM_BASE}/Schemas`;
  return [SCIMMY.Schemas.User, SCIMMY.Schemas.EnterpriseUser, SCIMMY.Schemas.Group].map((schema) => {
    const described = schema.definition.describe(base) as unknown as Record<string, unknown>;
    return { ...described, meta: { resourceType: 'Schema', location: `${base}/${schema.definition.id}` } };
  });
}
