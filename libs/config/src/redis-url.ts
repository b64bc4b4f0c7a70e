/** Where Tandem's Redis is: one server, or the seed nodes of a Redis Cluster (the client finds the rest). */
export interface RedisTarget {
  readonly cluster: boolean;
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: boolean;
  /** The database number (always 0 on a cluster, which has only that one). */
  readonly db: number;
}

const SCHEMES: Record<string, { cluster: boolean; tls: boolean }> = {
  redis: { cluster: false, tls: false },
  rediss: { cluster: false, tls: true },
  'redis+cluster': { cluster: true, tls: false },
  'rediss+cluster': { cluster: true, tls: true },
};

/**
 * Reads REDIS_URL: `redis://[user:password@]host[:port][/db]` for one server, `rediss://` for one over TLS (a managed
 * Redis), `redis+cluster://[user:password@]host1:port1,host2:port2,...` for a Redis Cluster from one or more seed
 * nodes, and `rediss+cluster://` for a cluster over TLS. Throws an Error whose message says what is wrong.
 */
export function parseRedisUrl(value: string): RedisTarget {
  const match = /^([a-z+]+):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?$/i.exec(value.trim());
  const scheme = match && SCHEMES[match[1].toLowerCase()];
  if (!match || !scheme)
    throw new Error('must be a URL starting with redis://, rediss://, redis+cluster:// or rediss+cluster://');
  const [, , userinfo, hostList, path] = match;
  let username: string | undefined;
  let password: string | undefined;
  if (userinfo) {
    const colon = userinfo.indexOf(':');
    const decode = (part: string) => (part === '' ? undefined : decodeURIComponent(part));
    try {
      username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
      password = colon < 0 ? undefined : decode(userinfo.slice(colon + 1));
    } catch {
      throw new Error('has a badly encoded user name or password (percent-encode @, : and / in them)');
    }
  }
  const nodes = hostList
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map(parseHost);
  if (nodes.length === 0) throw new Error('names no host');
  if (!scheme.cluster && nodes.length > 1)
    throw new Error('names several hosts: a Redis Cluster is written redis+cluster://host1:port1,host2:port2');
  const dbText = (path ?? '').replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText))
    throw new Error('ends in a database that is not a number (redis://host:6379/0)');
  const db = dbText === '' ? 0 : Number(dbText);
  if (scheme.cluster && db !== 0) throw new Error('selects a database, but a Redis Cluster has only database 0');
  return { cluster: scheme.cluster, nodes, username, password, tls: scheme.tls, db };
}

function parseHost(entry: string): { host: string; port: number } {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(entry);
  const port = match?.[2] === undefined ? 6379 : Number(match[2]);
  if (!match || port < 1 || port > 65535) throw new Error(`has a host that is not host:port: ${entry}`);
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}
