import http from 'node:http';

export type TChatTurn = { sessionId: string; text: string; customerToken?: string };
export type TChatReply = {
  status: number;
  /** Network failure or timeout, when there was no HTTP answer. */
  error?: string;
  reply?: string;
  modelVersion?: string;
};

/**
 * POST /v1/chat over keep-alive connections. Node's http client with FIFO socket reuse: LIFO (the default)
 * would keep reusing the few hottest sockets, and each socket is pinned to one cluster worker, so load
 * would pile onto one worker.
 */
export class ChatClient {
  private readonly agent: http.Agent;
  private readonly auth: string;

  constructor(
    private readonly port: number,
    apiKey: string,
    options: { maxSockets: number; timeoutMs?: number },
  ) {
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets,
      scheduling: 'fifo',
      timeout: options.timeoutMs ?? 10_000,
    });
    this.auth = `Bearer ${apiKey}`;
  }

  send(turn: TChatTurn): Promise<TChatReply> {
    const body = JSON.stringify(turn);
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent: this.agent,
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: '/v1/chat',
          headers: {
            authorization: this.auth,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status !== 200) return resolve({ status });
            try {
              const json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
              resolve({ status, reply: json.reply, modelVersion: json.modelVersion });
            } catch {
              resolve({ status, error: 'unparsable body' });
            }
          });
          res.on('error', (e) => resolve({ status: 0, error: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e) => resolve({ status: 0, error: (e as NodeJS.ErrnoException).code ?? e.message }));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
