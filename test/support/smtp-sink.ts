import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the SMTP server received it. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The text/calendar attachments (.ics invites). */
  calendars: string[];
}

/** A real SMTP server on a free local port that keeps what it receives. */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** SMTP connections opened so far (a pooled sender reuses a few). */
  connections = 0;
  private readonly server: SMTPServer;
  private port = 0;

  /** `parse: false` only counts messages (for benchmarks: parsing costs more than receiving). */
  constructor(private readonly options: { parse?: boolean } = {}) {
    this.server = new SMTPServer({
      authOptional: true,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (_session, callback) => {
        this.connections++;
        callback();
      },
      onData: (stream, session, callback) => {
        if (this.options.parse === false) {
          stream.on('data', () => undefined);
          stream.on('end', () => {
            this.messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: '', text: '', html: '', messageId: '', calendars: [] });
            callback();
          });
          return;
        }
        simpleParser(stream)
          .then((mail) => {
            this.messages.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
              calendars: mail.attachments.filter((a) => a.contentType.startsWith('text/calendar')).map((a) => a.content.toString('utf8')),
            });
            callback();
          })
          .catch(callback);
      },
    });
    // A worker killed mid-conversation resets its connection; smtp-server reports that as an 'error' event, which
    // without a listener would crash the test (a SIGKILL fault test failed with a bare "read ECONNRESET").
    this.server.on('error', () => undefined);
  }

  /** Listens on a free port, or on `port` (to bring a stopped server back at the same address). */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
