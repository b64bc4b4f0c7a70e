import { loadConfig } from './config';
import { parseRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it('reads one server, with TLS, credentials and a database', () => {
    expect(parseRedisUrl('redis://localhost:6379')).toEqual({
      cluster: false,
      nodes: [{ host: 'localhost', port: 6379 }],
      username: undefined,
      password: undefined,
      tls: false,
      db: 0,
    });
    expect(parseRedisUrl('rediss://default:p%40ss%3Aword@cache.example.com:6380/2')).toEqual({
      cluster: false,
      nodes: [{ host: 'cache.example.com', port: 6380 }],
      username: 'default',
      password: 'p@ss:word',
      tls: true,
      db: 2,
    });
    expect(parseRedisUrl('redis://:secret@[::1]')).toMatchObject({
      nodes: [{ host: '::1', port: 6379 }],
      username: undefined,
      password: 'secret',
    });
  });

  it('reads a cluster from its seed nodes, with TLS and a password', () => {
    expect(parseRedisUrl('rediss+cluster://:secret@10.0.0.1:7000,10.0.0.2:7001, node3.example')).toEqual({
      cluster: true,
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: 'node3.example', port: 6379 },
      ],
      username: undefined,
      password: 'secret',
      tls: true,
      db: 0,
    });
  });

  it('says what is wrong with a bad URL', () => {
    expect(() => parseRedisUrl('http://localhost')).toThrow(/redis:\/\/, rediss:\/\/, redis\+cluster:\/\//);
    expect(() => parseRedisUrl('redis://a:6379,b:6379')).toThrow(/redis\+cluster:\/\//);
    expect(() => parseRedisUrl('redis+cluster://a:6379/3')).toThrow(/only database 0/);
    expect(() => parseRedisUrl('redis://a:99999')).toThrow(/host:port/);
    expect(() => parseRedisUrl('redis://a/x')).toThrow(/not a number/);
    expect(() => parseRedisUrl('redis://')).toThrow(/no host/);
  });

  it('is how loadConfig checks REDIS_URL, and the queue prefix is a cluster hash tag', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://a:1,b:2' })).toThrow(/REDIS_URL: names several hosts/);
    expect(loadConfig({ REDIS_URL: 'redis+cluster://a:1,b:2' }).redisUrl).toBe('redis+cluster://a:1,b:2');
    expect(loadConfig({}).queuePrefix).toBe('{tandem}');
    expect(loadConfig({ QUEUE_PREFIX: 'acme' }).queuePrefix).toBe('{acme}');
    expect(() => loadConfig({ QUEUE_PREFIX: '{acme}' })).toThrow(/QUEUE_PREFIX/);
    expect(loadConfig({}).databasePooler).toBe('none');
    expect(loadConfig({ DATABASE_POOLER: 'transaction' }).databasePooler).toBe('transaction');
    expect(() => loadConfig({ DATABASE_POOLER: 'statement' })).toThrow(/DATABASE_POOLER/);
  });
});
