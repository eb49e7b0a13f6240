import { describe, expect, it } from 'vitest';
import { createSerialBatcher, type TPending } from './serial-batcher.ts';

/** A send that records its batches and answers each after `ms`, doubling every input. */
function doubling(ms = 5) {
  const batches: number[][] = [];
  const send = async (batch: TPending<number, number>[]) => {
    batches.push(batch.map((p) => p.input));
    await new Promise((r) => setTimeout(r, ms));
    for (const p of batch) p.resolve(p.input * 2);
  };
  return { batches, send };
}

describe('createSerialBatcher', () => {
  it('sends a lone item at once, and what arrives while a batch is out together in the next', async () => {
    const d = doubling();
    const submit = createSerialBatcher(d.send);
    const first = submit(1);
    await new Promise((r) => setImmediate(r));
    // The first batch is out: these wait for it and travel together.
    const rest = [2, 3, 4].map(submit);
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(d.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch at maxBatch', async () => {
    const d = doubling(1);
    const submit = createSerialBatcher(d.send, { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map(submit));
    expect(d.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('a send that fails rejects the items it left unsettled, and the next batch goes on', async () => {
    let calls = 0;
    const submit = createSerialBatcher<number, number>(async (batch) => {
      calls++;
      if (calls === 1) {
        batch[0]?.resolve(10);
        throw new Error('connection reset');
      }
      for (const p of batch) p.resolve(p.input);
    });
    const outcomes = await Promise.allSettled([submit(1), submit(2)]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      10,
      'connection reset',
    ]);
    expect(await submit(3)).toBe(3);
  });
  it('with linger, an item finding it idle waits for company, and leaves early once enough wait', async () => {
    const d = doubling(1);
    const submit = createSerialBatcher(d.send, { linger: { ms: 40, items: 3 } });
    const started = performance.now();
    const lone = submit(1);
    await new Promise((r) => setTimeout(r, 15));
    // Still gathering: nothing has been sent, and what comes now goes with the first.
    expect(d.batches).toEqual([]);
    expect(await Promise.all([lone, submit(2)])).toEqual([2, 4]);
    expect(d.batches).toEqual([[1, 2]]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);

    // Three waiting: sent at once, not after the 5 s it would wait for company.
    const e = doubling(1);
    const patient = createSerialBatcher(e.send, { linger: { ms: 5_000, items: 3 } });
    const again = performance.now();
    expect(await Promise.all([5, 6, 7].map(patient))).toEqual([10, 12, 14]);
    expect(e.batches).toEqual([[5, 6, 7]]);
    expect(performance.now() - again).toBeLessThan(1_000);
  });
});
