const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Segments that follow these carry a bearer token in the path (offer and feedback links). */
const TOKEN_PARENTS = new Set(['offers', 'feedback']);

/**
 * The path of a request that matched no route, safe to log: no query string, ids as `:id`, and any token-bearing or
 * secret-looking segment as `:token`. (A matched request logs its route pattern, `/offers/:token`, instead.)
 */
export function safePath(url: string): string {
  const path = url.split(/[?#]/, 1)[0];
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      if (segment === '') return segment;
      if (i > 0 && TOKEN_PARENTS.has(segments[i - 1])) return ':token';
      if (UUID.test(segment)) return ':id';
      if (segment.length >= 20 || /^\d+$/.test(segment) || /%/.test(segment)) return ':token';
      return segment.slice(0, 40);
    })
    .join('/');
}
