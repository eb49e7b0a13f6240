import { RawHttpPool } from './raw-http.ts';

export type TChatTurn = { sessionId: string; sessionToken?: string; text: string; customerToken?: string };
export type TChatReply = {
  status: number;
  /** Network failure or timeout, when there was no HTTP answer. */
  error?: string;
  reply?: string;
  modelVersion?: string;
  /** Continues the conversation: sent with its next turn. */
  sessionToken?: string;
};

/** POST /v1/chat over keep-alive connections (see RawHttpPool for why not Node's http client). */
export class ChatClient {
  private readonly pool: RawHttpPool;
  private readonly head: string;

  constructor(port: number, apiKey: string, options: { maxSockets: number; timeoutMs?: number }) {
    this.pool = new RawHttpPool(port, {
      maxConnections: options.maxSockets,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
    this.head =
      `POST /v1/chat HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${apiKey}\r\n` +
      'Content-Type: application/json\r\nContent-Length: ';
  }

  async send(turn: TChatTurn): Promise<TChatReply> {
    const body = JSON.stringify(turn);
    const r = await this.pool.request(`${this.head}${Buffer.byteLength(body)}\r\n\r\n${body}`);
    if (r.error) return { status: 0, error: r.error };
    if (r.status !== 200) return { status: r.status };
    try {
      const json = JSON.parse(r.body) as { reply?: string; modelVersion?: string; sessionToken?: string };
      return {
        status: 200,
        reply: json.reply,
        modelVersion: json.modelVersion,
        sessionToken: json.sessionToken,
      };
    } catch {
      return { status: 200, error: 'unparsable body' };
    }
  }

  close(): void {
    this.pool.close();
  }
}
