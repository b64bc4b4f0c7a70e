import { redactAttributes } from './tracing';

describe('redactAttributes', () => {
  it('drops raw URLs, client addresses and job results, and takes values out of SQL', () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCd'.padEnd(43, 'x');
    expect(
      redactAttributes({
        'url.path': `/offers/${token}`,
        'url.query': 'a=1',
        'client.address': '203.0.113.9',
        'user_agent.original': 'Mozilla/5.0',
        'bullmq.job.result': '"sent"',
        'http.route': '/offers/:token',
        'db.query.text': `insert into "program" ("name", "admin_email") values ('Ada''s circle', 'ada@acme.example') returning "version"`,
        'bullmq.job.failed.reason': `could not reach ada@acme.example with Bearer tdm_abcdefghijklmnopqrstuv, link ${token}`,
        'bullmq.job.bulk.names': ['email.send', 'email.send'],
        'server.port': 5432,
      }),
    ).toEqual({
      'http.route': '/offers/:token',
      'db.query.text': 'insert into "program" ("name", "admin_email") values (?, ?) returning "version"',
      'bullmq.job.failed.reason': 'could not reach [email] with Bearer [redacted] link [token]',
      'bullmq.job.bulk.names': ['email.send', 'email.send'],
      'server.port': 5432,
    });
  });

  it('keeps placeholders, ids and statements without literals as they are', () => {
    const attributes = {
      'db.query.text': 'update outbox_message set status = $1 where id = $2',
      'bullmq.job.id': 'email.send:0b7f1c3e-9a55-4d7e-8f0e-6f7d2c1b9a10',
    };
    expect(redactAttributes(attributes)).toEqual(attributes);
  });
});
