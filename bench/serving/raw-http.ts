import net from 'node:net';

export type TRawResponse = { status: number; body: string; error?: string };

/** `expires`: performance.now() by which a request still waiting for a connection is given up. */
type TPending = { payload: string; expires: number; resolve: (r: TRawResponse) => void };

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive HTTP/1.1 connection with at most one request in flight (no pipelining). */
class Connection {
  private chunks: Buffer[] = [];
  private size = 0;
  private current: TPending | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly socket: net.Socket;
  closed = false;

  constructor(
    port: number,
    private readonly timeoutMs: number,
    private readonly onIdle: (c: Connection) => void,
  ) {
    this.socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('data', (d: Buffer) => this.data(d));
    this.socket.on('error', (e: NodeJS.ErrnoException) => this.fail(e.code ?? e.message));
    this.socket.on('close', () => this.fail('ECONNRESET'));
  }

  send(p: TPending): void {
    this.current = p;
    this.timer = setTimeout(() => {
      this.fail('timeout');
      this.socket.destroy();
    }, this.timeoutMs);
    this.socket.write(p.payload);
  }

  private data(d: Buffer): void {
    this.chunks.push(d);
    this.size += d.length;
    const buf = this.chunks.length === 1 ? d : Buffer.concat(this.chunks, this.size);
    const end = buf.indexOf(HEADER_END);
    if (end < 0) return;
    const head = buf.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? Number.NaN);
    if (Number.isNaN(length)) {
      // Serving answers every request with a Content-Length; anything else is reported, not guessed at.
      this.fail(`response without content-length (${head.split('\r\n', 1)[0]})`);
      this.socket.destroy();
      return;
    }
    if (buf.length < end + 4 + length) {
      this.chunks = [buf];
      return;
    }
    const status = Number(head.slice(9, 12));
    const body = buf.subarray(end + 4, end + 4 + length).toString('utf8');
    const keep = !/\r\nconnection:\s*close/i.test(head);
    this.chunks = [];
    this.size = 0;
    this.finish({ status, body });
    if (keep) this.onIdle(this);
    else this.socket.end();
  }

  private finish(r: TRawResponse): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.current;
    this.current = null;
    p?.resolve(r);
  }

  private fail(error: string): void {
    this.closed = true;
    this.finish({ status: 0, body: '', error });
  }
}

/**
 * A minimal HTTP/1.1 client for the generator: keep-alive connections, one request each at a time, replies
 * read by Content-Length. Node's http client costs the generator about three times the CPU per request,
 * and the generator shares two cores with the server it measures, so every microsecond here is one the
 * server does not get. (undici would do as well, but is not a dependency of this repository.)
 */
export class RawHttpPool {
  private idle: Connection[] = [];
  /** Requests waiting for a free connection, oldest first (a queue with a moving head: shift() is O(n)). */
  private waiting: TPending[] = [];
  private head = 0;
  private open = 0;

  constructor(
    private readonly port: number,
    private readonly options: { maxConnections: number; timeoutMs: number },
  ) {}

  /**
   * A request gets `timeoutMs` once sent; one still waiting for a free connection `timeoutMs` after this
   * call is given up unsent. Sent requests are never cut short for time spent waiting: a request the
   * server already works on would be abandoned, not cancelled, and would go on costing it.
   */
  request(payload: string): Promise<TRawResponse> {
    return new Promise((resolve) => {
      const p = { payload, expires: performance.now() + this.options.timeoutMs, resolve };
      const c = this.take();
      if (c) c.send(p);
      else this.waiting.push(p);
    });
  }

  private nextWaiting(): TPending | null {
    if (this.head > 4_096) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    const now = performance.now();
    while (this.head < this.waiting.length) {
      const p = this.waiting[this.head++] as TPending;
      if (p.expires > now) return p;
      p.resolve({ status: 0, body: '', error: 'timeout, never sent (every connection busy)' });
    }
    return null;
  }

  private take(): Connection | null {
    while (this.idle.length) {
      // FIFO: spreads requests over every connection, hence over every worker holding one.
      const c = this.idle.shift() as Connection;
      if (!c.closed) return c;
    }
    if (this.open >= this.options.maxConnections) return null;
    this.open++;
    const c = new Connection(this.port, this.options.timeoutMs, (conn) => this.release(conn));
    c.socket.once('close', () => {
      this.open--;
      const next = this.nextWaiting();
      if (!next) return;
      const replacement = this.take();
      if (replacement) replacement.send(next);
      else this.waiting[--this.head] = next;
    });
    return c;
  }

  private release(c: Connection): void {
    const next = this.nextWaiting();
    if (next) c.send(next);
    else this.idle.push(c);
  }

  close(): void {
    for (const c of this.idle) c.socket.destroy();
    this.idle = [];
  }
}
