/** Thrown when a call got no answer within its deadline (the call may still land later). */
export class NoAnswerError extends Error {}

/**
 * `promise`, or a NoAnswerError after `ms`. The rejection waits one turn of the event loop: when the loop
 * itself was blocked past the deadline, an answer already sitting in the socket is read first and wins,
 * instead of a false timeout. The timer never keeps the process alive.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'redis'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fail = () => reject(new NoAnswerError(`${what}: no answer in ${ms} ms`));
    const timer = setTimeout(() => setImmediate(fail), ms);
    timer.unref();
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** A wait as people read it: "10 s", "2.5 min", "1.5 h" (one decimal, none when whole). */
export function forPeople(ms: number): string {
  if (ms >= 3_600_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  if (ms >= 120_000) return `${+(ms / 60_000).toFixed(1)} min`;
  return `${+(ms / 1000).toFixed(1)} s`;
}
