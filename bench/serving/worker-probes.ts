import { execFileSync } from 'node:child_process';
import http from 'node:http';

type TProbe = { agent: http.Agent; localPort: number; pid: number | null };

/** Which serving process holds the server end of each client connection (`ss -p`, our own sockets). */
function ownersByClientPort(port: number, candidates: Set<number>): Map<number, number> {
  const out = new Map<number, number>();
  let text = '';
  try {
    text = execFileSync('ss', ['-tnpH', 'state', 'established', `( sport = :${port} )`], {
      encoding: 'utf8',
    });
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const m = line.match(/:(\d+)\s+\S+:(\d+)\s+users:\((.*)\)/);
    if (!m || Number(m[1]) !== port) continue;
    for (const p of (m[3] ?? '').matchAll(/pid=(\d+)/g))
      if (candidates.has(Number(p[1]))) out.set(Number(m[2]), Number(p[1]));
  }
  return out;
}

function get(probe: TProbe, port: number): Promise<{ status: number; version: string | null }> {
  return new Promise((resolve) => {
    const req = http.get({ agent: probe.agent, host: '127.0.0.1', port, path: '/readyz' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let version: string | null = null;
        try {
          version = JSON.parse(Buffer.concat(chunks).toString('utf8')).modelVersion ?? null;
        } catch {}
        resolve({ status: res.statusCode ?? 0, version });
      });
    });
    req.on('socket', (s) => {
      const note = () => {
        if (s.localPort && s.localPort !== probe.localPort) {
          probe.localPort = s.localPort;
          probe.pid = null;
        }
      };
      if (s.localPort) note();
      else s.once('connect', note);
    });
    req.on('error', () => resolve({ status: 0, version: null }));
    req.setTimeout(10_000, () => req.destroy());
  });
}

/**
 * Keep-alive connections to /readyz pinned to known workers: a connection stays with the worker it was
 * handed to, so polling each one reads that worker's loaded model version. Connections are added until
 * every worker holds one (the cluster primary deals them out in turn, only to workers already listening).
 */
export class WorkerProbes {
  private probes: TProbe[] = [];

  private constructor(
    private readonly port: number,
    private readonly workers: () => number[],
  ) {}

  static async open(port: number, workers: () => number[], timeoutMs = 120_000): Promise<WorkerProbes> {
    const probes = new WorkerProbes(port, workers);
    await probes.cover(timeoutMs);
    return probes;
  }

  /** Adds connections until every worker holds one; a probe whose connection moved is dropped first. */
  private async cover(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pids = new Set(this.workers());
      this.remap();
      this.probes = this.probes.filter((p) => {
        const keep = p.pid !== null && pids.has(p.pid);
        if (!keep) p.agent.destroy();
        return keep;
      });
      const covered = new Set(this.probes.map((p) => p.pid));
      if (pids.size > 0 && [...pids].every((pid) => covered.has(pid))) return;
      if (Date.now() > deadline)
        throw new Error(`probes reach workers ${[...covered].join(',')} of ${[...pids].join(',')}`);
      const probe: TProbe = {
        agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
        localPort: 0,
        pid: null,
      };
      const r = await get(probe, this.port);
      probe.pid =
        r.status === 200 ? (ownersByClientPort(this.port, pids).get(probe.localPort) ?? null) : null;
      // Kept only if it reaches a worker no probe reaches yet.
      if (probe.pid !== null && !covered.has(probe.pid)) this.probes.push(probe);
      else probe.agent.destroy();
      // A worker still loading its model gets no connections yet: give it time rather than sockets.
      await new Promise((res) => setTimeout(res, r.status === 200 ? 20 : 200));
    }
  }

  /** Version each worker reports now. */
  async versions(): Promise<Map<number, string | null>> {
    const out = new Map<number, string | null>();
    await Promise.all(
      this.probes.map(async (p) => {
        const r = await get(p, this.port);
        if (p.pid === null) this.remap();
        if (p.pid !== null && r.status === 200) out.set(p.pid, r.version);
      }),
    );
    return out;
  }

  /**
   * Polls every worker every `everyMs` until each reports `version`; returns, per worker pid, the ms from
   * `since` to the first answer that showed it (Infinity if it never did within `timeoutMs`).
   */
  async waitForVersion(version: string, since: number, timeoutMs = 10_000, everyMs = 5) {
    // A probe whose connection broke (a timeout under overload) may have reconnected to another worker.
    await this.cover(timeoutMs).catch(() => undefined);
    const seen = new Map<number, number>();
    const all = new Set(this.workers());
    while (seen.size < all.size && performance.now() - since < timeoutMs) {
      const now = await this.versions();
      // Counted when the answer arrived: an upper bound, by at most one poll's round trip.
      const at = performance.now() - since;
      for (const [pid, v] of now) if (v === version && !seen.has(pid)) seen.set(pid, at);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    for (const pid of all) if (!seen.has(pid)) seen.set(pid, Number.POSITIVE_INFINITY);
    return seen;
  }

  /**
   * Waits until every worker answers /readyz within `quickMs`: the server works off requests whose clients
   * gave up, so after an overloaded phase it may stay busy long after the generator stopped. Returns the ms
   * waited (or -1 if it never got there within `maxMs`).
   */
  async settle(maxMs = 60_000, quickMs = 100): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < maxMs) {
      const t0 = performance.now();
      const answered = await this.versions();
      if (performance.now() - t0 < quickMs && answered.size >= this.workers().length)
        return performance.now() - started;
      await new Promise((r) => setTimeout(r, 200));
    }
    return -1;
  }

  private remap(): void {
    if (this.probes.every((p) => p.pid !== null)) return;
    const owners = ownersByClientPort(this.port, new Set(this.workers()));
    for (const p of this.probes) p.pid ??= owners.get(p.localPort) ?? null;
  }

  close(): void {
    for (const p of this.probes) p.agent.destroy();
  }
}
