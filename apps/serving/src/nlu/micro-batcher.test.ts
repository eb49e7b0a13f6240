import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher.ts';

function recorder() {
  const batches: number[][] = [];
  const run = async (inputs: number[]) => {
    batches.push(inputs);
    return inputs.map((i) => i * 10);
  };
  return { batches, run };
}

describe('MicroBatcher', () => {
  it('with no wait, sends what arrived in the same turn of the event loop together, at most maxBatch at a time', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.run, { maxBatch: 3, maxWaitMs: 0 });
    const out = await Promise.all([1, 2, 3, 4, 5].map((i) => b.submit(i)));
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(r.batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('with no wait, a lone request does not wait for a timer', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.run, { maxBatch: 8, maxWaitMs: 0 });
    let timerFired = false;
    // A 0 ms timer set first still fires after the batch: the flush comes before the loop's next timers.
    setTimeout(() => {
      timerFired = true;
    }, 0);
    const got = b.submit(7).then((v) => ({ v, timerFired }));
    expect(await got).toEqual({ v: 70, timerFired: false });
  });

  it('with a wait, requests arriving within it share a batch', async () => {
    const r = recorder();
    const b = new MicroBatcher(r.run, { maxBatch: 8, maxWaitMs: 20 });
    const first = b.submit(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([first, b.submit(2)]);
    expect(r.batches).toEqual([[1, 2]]);
  });
});
