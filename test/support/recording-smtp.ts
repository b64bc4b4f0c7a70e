import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message the server has received in full (its DATA ended), whether or not the sender saw the reply. */
export interface RecordedMail {
  to: string;
  subject: string;
  /** The Message-ID header: Tandem derives it from the outbox idempotency key, so it names the outbox message. */
  messageId: string;
  at: number;
}

/**
 * An SMTP server that records every message by its Message-ID and can hold each reply for `delayMs`: a message whose
 * DATA has arrived counts as delivered, even when the sender dies before the reply reaches it. That is exactly the
 * window in which a crash can cause a duplicate, so fault tests can count how many messages were in it.
 */
export class RecordingSmtp {
  readonly received: RecordedMail[] = [];
  private readonly server: SMTPServer;
  private port = 0;

  constructor(private readonly options: { delayMs?: number } = {}) {
    this.server = new SMTPServer({
      authOptional: true,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const head = Buffer.concat(chunks).toString('utf8').split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
          this.received.push({
            to: session.envelope.rcptTo.map((r) => r.address).join(','),
            subject: /^Subject: (.*)$/im.exec(head)?.[1] ?? '',
            messageId: /^Message-ID: *(<[^>]+>)/im.exec(head)?.[1] ?? '',
            at: Date.now(),
          });
          setTimeout(() => callback(), this.options.delayMs ?? 0);
        });
      },
    });
    // A worker killed mid-conversation resets its connection; smtp-server reports that as an 'error' event, which
    // without a listener would crash the test (a SIGKILL fault test failed with a bare "read ECONNRESET").
    this.server.on('error', () => undefined);
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** How many times each Message-ID arrived, for the messages `filter` keeps. */
  countsById(filter: (mail: RecordedMail) => boolean = () => true): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of this.received.filter(filter)) counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
    return counts;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
