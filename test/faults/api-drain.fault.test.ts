import { connect, type Socket } from 'node:net';
import { FaultRig } from '../support/fault-rig';
import { TandemProcess } from '../support/processes';
import { waitFor } from '../support/test-env';

/**
 * Fault 10: SIGTERM to the api while keep-alive connections are open, one idle and one with a request in flight (its
 * body half sent). The api stops accepting, closes the idle connection, answers the request in flight with
 * `Connection: close`, and exits as soon as it has drained, well inside its 20 s grace; no request is reset.
 */
jest.setTimeout(90_000);

/** A raw HTTP/1.1 connection: what the server sent, and whether it ended the connection (and how). */
class RawConnection {
  data = '';
  ended = false;
  error?: string;
  readonly socket: Socket;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => (this.data += chunk));
    this.socket.on('end', () => (this.ended = true));
    this.socket.on('close', () => (this.ended = true));
    this.socket.on('error', (err) => (this.error = err.message));
  }

  /** Waits until the server's answer to the nth request on this connection (1-based) is complete. */
  async response(n: number): Promise<{ status: number; headers: string }> {
    return waitFor(
      async () => {
        const parts = this.data
          .split(/(?=HTTP\/1\.1 \d{3})/)
          .filter((part) => part && !part.startsWith('HTTP/1.1 100'));
        const part = parts[n - 1];
        if (!part) return undefined;
        const [head, body = ''] = part.split('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        return Buffer.byteLength(body) >= length
          ? { status: Number(head.slice(9, 12)), headers: head.toLowerCase() }
          : undefined;
      },
      `response ${n}`,
      20_000,
      10,
    );
  }
}

describe('SIGTERM to the api with keep-alive connections open', () => {
  let rig: FaultRig;

  beforeAll(async () => {
    rig = await FaultRig.start({ SHUTDOWN_GRACE: 'PT20S' });
  });

  afterAll(async () => {
    await rig?.stop();
  });

  it('closes the idle one, answers the one in flight with Connection: close, and exits once drained', async () => {
    // An api of this test's own, so the rig's keeps serving the checks below.
    const api = new TandemProcess('api', { ...rig.processEnv, LOG_LEVEL: 'info' });
    try {
      await drains(api);
    } finally {
      await api.stop('SIGKILL');
    }
  });

  async function drains(api: TandemProcess): Promise<void> {
    const port = await api.listeningPort();
    const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: tandem\r\nAuthorization: Bearer ${rig.apiKey}\r\n\r\n`;

    const idle = new RawConnection(port);
    idle.socket.write(get('/health'));
    expect((await idle.response(1)).status).toBe(200);

    const busy = new RawConnection(port);
    busy.socket.write(get('/health'));
    expect((await busy.response(1)).status).toBe(200);
    const body = JSON.stringify({ name: 'Created while stopping' });
    busy.socket.write(
      `POST /api/v1/programs HTTP/1.1\r\nHost: tandem\r\nAuthorization: Bearer ${rig.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    // "100 Continue": the server has read the request's head, so the request is in flight when the signal arrives.
    await waitFor(
      async () => (busy.data.includes('HTTP/1.1 100 Continue') ? true : undefined),
      'the request to be in flight',
      10_000,
      10,
    );

    const signalled = Date.now();
    api.child.kill('SIGTERM');
    await waitFor(
      async () => (api.output.join('').includes('api stopping') ? true : undefined),
      'the api to begin stopping',
      10_000,
      10,
    );
    // The idle connection is closed by the server, without a reset.
    await waitFor(async () => (idle.ended ? true : undefined), 'the idle connection to be closed', 5000, 10);
    expect(idle.error).toBeUndefined();

    busy.socket.write(body);
    const answer = await busy.response(2);
    expect(answer.status).toBe(201);
    expect(answer.headers).toContain('connection: close');
    const exit = await api.exited;
    const exitMs = Date.now() - signalled;
    expect(busy.error).toBeUndefined();
    expect([0, 'SIGTERM']).toContain(exit);
    expect(exitMs).toBeLessThan(5000);
    expect(await rig.count(`select count(*) as n from program where name = 'Created while stopping'`)).toBe(1);
    process.stdout.write(
      `api drain: exited ${exitMs} ms after SIGTERM (grace 20 s); idle connection closed, the request in flight answered 201 with Connection: close\n`,
    );
  }
});
