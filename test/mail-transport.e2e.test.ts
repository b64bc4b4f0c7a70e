import { pooledTransport } from '@tandem/mail';
import { SmtpSink } from './support/smtp-sink';

describe('the SMTP transport', () => {
  const smtp = new SmtpSink({ parse: false });

  beforeAll(() => smtp.start());
  afterAll(() => smtp.stop());
  beforeEach(() => {
    smtp.messages.length = 0;
    smtp.connections = 0;
  });

  async function sendMany(url: string, count: number): Promise<void> {
    const transport = pooledTransport(url);
    try {
      await Promise.all(
        Array.from({ length: count }, (_, i) =>
          transport.sendMail({
            from: 'tandem@x.example',
            to: `p${i}@x.example`,
            subject: `Message ${i}`,
            text: 'Hello',
          }),
        ),
      );
    } finally {
      transport.close();
    }
  }

  it('sends many messages over at most 5 pooled connections, not one connection per message', async () => {
    await sendMany(smtp.url, 20);
    expect(smtp.messages).toHaveLength(20);
    expect(smtp.connections).toBeGreaterThanOrEqual(1);
    expect(smtp.connections).toBeLessThanOrEqual(5);
  });

  it('keeps pool options given in SMTP_URL', async () => {
    await sendMany(`${smtp.url}/?maxConnections=1`, 10);
    expect(smtp.messages).toHaveLength(10);
    expect(smtp.connections).toBe(1);
  });
});
