/** One caller's item in a batch; `send` settles each (a batch may succeed for some and fail for others). */
export type TPending<I, O> = { input: I; resolve: (o: O) => void; reject: (e: unknown) => void };

/**
 * Sends items in batches with at most `maxInFlight` batches on the wire: while they are out, new items
 * wait and go together in the next one, so a batch holds what arrived during one round trip. A lone item is
 * sent after the current I/O callbacks (what arrived together goes together) and without a timer. Under
 * load one round trip, and one wake of each process on either end, serves many callers: on these machines
 * a Redis round trip costs 60–70 µs of client CPU alone and 11–12 µs with 64 in flight
 * (`npx tsx bench/serving/round-trip.ts`).
 * With `linger`, an item that finds the batcher idle waits up to `linger.ms` (or until `linger.items` wait)
 * for others to go with it: fewer, fuller round trips where turns come apart, at the cost of that wait.
 * `send` settles every item it is given; if it throws, the items it left unsettled are rejected with that.
 */
export function createSerialBatcher<I, O>(
  send: (batch: TPending<I, O>[]) => Promise<void>,
  options: { maxInFlight?: number; maxBatch?: number; linger?: { ms: number; items: number } } = {},
): (input: I) => Promise<O> {
  const linger = options.linger && options.linger.ms > 0 ? options.linger : null;
  let lingering: NodeJS.Timeout | null = null;
  const maxInFlight = options.maxInFlight ?? 1;
  const maxBatch = options.maxBatch ?? 64;
  let queue: TPending<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  function pump() {
    scheduled = false;
    if (lingering) clearTimeout(lingering);
    lingering = null;
    while (inFlight < maxInFlight && queue.length) {
      const batch = queue.length <= maxBatch ? queue : queue.splice(0, maxBatch);
      if (batch === queue) queue = [];
      inFlight++;
      let sent: Promise<void>;
      try {
        sent = send(batch);
      } catch (e) {
        sent = Promise.reject(e);
      }
      sent
        .catch((e) => {
          for (const p of batch) p.reject(e);
        })
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (!scheduled && inFlight < maxInFlight) {
        scheduled = true;
        if (linger) lingering = setTimeout(pump, linger.ms);
        else setImmediate(pump);
      } else if (lingering && linger && queue.length >= linger.items) {
        clearTimeout(lingering);
        lingering = null;
        setImmediate(pump);
      }
    });
}
