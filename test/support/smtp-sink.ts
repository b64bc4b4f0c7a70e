import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message's text/calendar parts: attachments, and the alternative of the body that a single invite is sent as. */
const calendarParts = (mail: ParsedMail) => mail.attachments.filter((a) => a.contentType.startsWith('text/calendar'));

/** A message as the SMTP server received it. */
export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** The text/calendar parts (.ics invites), attachments or the body's alternative. */
  calendars: string[];
  /** Each calendar part's Content-Type (with its iTIP method). */
  calendarTypes: string[];
  /** The Content-Language header (RFC 3282), '' without one. */
  contentLanguage: string;
}

/** A real SMTP server on a free local port that keeps what it receives. */
export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  /** SMTP connections opened so far (a pooled sender reuses a few). */
  connections = 0;
  /** The recipients (comma-joined) of each message whose DATA began: in flight until it is in `accepted`. */
  readonly started: string[] = [];
  /** The recipients of each message the server has answered as accepted (after `delayMs`). */
  readonly accepted: string[] = [];
  private readonly server: SMTPServer;
  private port = 0;

  /**
   * `parse: false` only counts messages (for benchmarks: parsing costs more than receiving). `delayMs` holds each reply
   * after the message is kept: a message counts as delivered once its DATA has arrived, even if the sender dies before
   * the reply reaches it, which is exactly the window in which a crash can send a message twice (the fault tests
   * count the messages in it). `reject` refuses recipients it matches with a permanent 550.
   */
  constructor(private readonly options: { parse?: boolean; delayMs?: number; reject?: RegExp } = {}) {
    const reply = (to: string, callback: () => void) => {
      const answer = () => {
        this.accepted.push(to);
        callback();
      };
      if (options.delayMs) setTimeout(answer, options.delayMs);
      else answer();
    };
    this.server = new SMTPServer({
      authOptional: true,
      // stop() waits this long for senders' open connections (an idle pooled one stays open) before closing them; the
      // default of 30 s could push a test's teardown past its timeout.
      closeTimeout: 1000,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onConnect: (_session, callback) => {
        this.connections++;
        callback();
      },
      onRcptTo: (address, _session, callback) => {
        if (options.reject?.test(address.address)) {
          return callback(
            Object.assign(new Error(`mailbox <${address.address}> does not exist`), { responseCode: 550 }),
          );
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        this.started.push(to.join(','));
        if (this.options.parse === false) {
          stream.on('data', () => undefined);
          stream.on('end', () => {
            this.messages.push({
              to,
              subject: '',
              text: '',
              html: '',
              messageId: '',
              calendars: [],
              calendarTypes: [],
              contentLanguage: '',
            });
            reply(to.join(','), callback);
          });
          return;
        }
        simpleParser(stream)
          .then((mail) => {
            this.messages.push({
              to,
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
              calendars: calendarParts(mail).map((a) => a.content.toString('utf8')),
              contentLanguage: String(mail.headers.get('content-language') ?? ''),
              calendarTypes: calendarParts(mail)
                .map((a) => a.headers.get('content-type') as { value: string; params: Record<string, string> })
                .map((t) => [t.value, ...Object.entries(t.params).map(([k, v]) => `${k}=${v}`)].join('; ')),
            });
            reply(to.join(','), callback);
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

  /** How many times each Message-ID arrived (Tandem derives it from the outbox idempotency key), for the messages `filter` keeps. */
  countsById(filter: (mail: ReceivedMail) => boolean = () => true): Map<string, number> {
    const counts = new Map<string, number>();
    for (const mail of this.messages.filter(filter)) counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
    return counts;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
