import { checkIfMatch, normalizePatch, pageOf, parseFilter, sqlComparison, versionOf } from './scim-protocol';

describe('SCIM protocol helpers', () => {
  it('parses filters into alternatives of terms, value paths and not included', async () => {
    expect(await parseFilter('userName eq "A@b.example" and emails[type eq "work"].value co "b"')).toEqual([
      [
        { path: 'username', op: 'eq', value: 'A@b.example', not: false },
        { path: 'emails.type', op: 'eq', value: 'work', not: false },
        { path: 'emails.value', op: 'co', value: 'b', not: false },
      ],
    ]);
    expect(await parseFilter('displayName eq "x" or not (externalId sw "y")')).toEqual([
      [{ path: 'displayname', op: 'eq', value: 'x', not: false }],
      [{ path: 'externalid', op: 'sw', value: 'y', not: true }],
    ]);
    expect(await parseFilter(undefined)).toBeNull();
    await expect(parseFilter('userName zz "x"')).rejects.toMatchObject({ status: 400, scimType: 'invalidFilter' });
    await expect(parseFilter(['a'])).rejects.toMatchObject({ status: 400, scimType: 'invalidFilter' });
  });

  it('turns a comparison into SQL with bind parameters only, escaping LIKE wildcards', () => {
    const term = (op: 'eq' | 'co' | 'pr', value: unknown, not = false) => ({ path: 'username', op, value, not });
    expect(sqlComparison('p.email', term('eq', "X' or 1=1"), 'ci')).toEqual({
      sql: 'lower(p.email) = ?',
      bindings: ["x' or 1=1"],
    });
    expect(sqlComparison('p.email', term('co', '50%_\\'), 'ci')).toEqual({
      sql: "lower(p.email) like ? escape '\\'",
      bindings: ['%50\\%\\_\\\\%'],
    });
    expect(sqlComparison('p.email', term('pr', undefined, true), 'text')).toEqual({
      sql: 'not coalesce(p.email is not null, false)',
      bindings: [],
    });
    expect(() => sqlComparison('p.active', term('eq', 'yes'), 'boolean')).toThrow(/true or false/);
  });

  it("puts Entra's and Okta's PATCH shapes in the standard shape", () => {
    expect(
      normalizePatch({
        Operations: [
          { op: 'Replace', path: 'active', value: 'False' },
          { op: 'replace', value: { active: 'True', displayName: 'X' } },
          { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: 'm-1' },
          { op: 'Remove', path: 'members', value: [{ value: 'a' }, { $ref: null, value: 'b"c' }] },
        ],
      }),
    ).toEqual({
      Operations: [
        { op: 'Replace', path: 'active', value: false },
        { op: 'replace', value: { active: true, displayName: 'X' } },
        {
          op: 'Add',
          path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
          value: { value: 'm-1' },
        },
        { op: 'Remove', path: 'members[value eq "a"]' },
        { op: 'Remove', path: 'members[value eq "b\\"c"]' },
      ],
    });
  });

  it('versions a resource by what it shows and refuses a stale If-Match', () => {
    const v = versionOf({ id: '1', name: 'a', meta: { lastModified: 'x' } });
    expect(v).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
    expect(versionOf({ id: '1', name: 'a', meta: { lastModified: 'y' } })).toBe(v);
    expect(versionOf({ id: '1', name: 'b' })).not.toBe(v);
    expect(() => checkIfMatch(undefined, v)).not.toThrow();
    expect(() => checkIfMatch('*', v)).not.toThrow();
    expect(() => checkIfMatch(v.slice(2), v)).not.toThrow();
    expect(() => checkIfMatch('W/"other"', v)).toThrow(expect.objectContaining({ status: 412 }));
  });

  it('pages from 1 with at most 200 a page', () => {
    expect(pageOf({})).toEqual({ startIndex: 1, count: 200 });
    expect(pageOf({ startIndex: '0', count: '5000' })).toEqual({ startIndex: 1, count: 200 });
    expect(() => pageOf({ count: 'ten' })).toThrow(/whole number/);
  });
});
