'use client';
import type { TEntitySpan, TLabelTask, TReviewFilters } from '@acsa/pipelines/review/types';
import { useCallback, useEffect, useRef, useState } from 'react';
import { clip } from '@/components/format';
import { useTRPCClient } from '@/components/trpc';

const PREFETCH_BELOW = 4;
const BATCH = 6;
/** With nothing left (or the last load failed), how often the queue looks again: new turns arrive all day. */
export const RECHECK_MS = 10_000;
const LOADING = 'loading turns: ';

/** A turn to label; `draft`: what the reviewer chose for it before its save was refused. */
export type TQueuedTask = TLabelTask & { draft?: { intent: string; entities: TEntitySpan[] } };

/** `labelId`: the label the server saved, the one `z` takes back (unset while unsaved, or if refused). */
/** `undoTried`: an undo of it was sent and got no answer, so the server may have carried it out. */
type TDone = { task: TQueuedTask; kind: 'label' | 'skip'; labelId?: string; undoTried?: boolean };

/** No answer, or a failure of the server's own: the same request may work next time. */
const TRANSIENT = new Set([undefined, 'INTERNAL_SERVER_ERROR', 'TIMEOUT', 'SERVICE_UNAVAILABLE']);

/** The tRPC code the server refused a write with (`data.code`); none when no answer came (a network failure). */
const codeOf = (e: Error) => (e as { data?: { code?: string } }).data?.code;
const isConflict = (e: Error) => codeOf(e) === 'CONFLICT';

/** The start of a turn's text, to name it in a message. */
const quote = (text: string) => `"${clip(text, 41)}"`;

/**
 * The labeling queue in the browser. The next turns are fetched ahead (a batch whenever fewer than four are
 * left), and a label moves on to the next turn at once while its save runs behind: saves go one after
 * another, in order, so an undo always reaches the server after the label it takes back. A label the server
 * refuses (a network blip, a claim that lapsed) is reported naming its turn, and the turn comes back in front
 * with the intent and entities chosen, to save again — unless the refusal is a CONFLICT (the turn is settled),
 * which drops the turn with a notice; errors clear with the next write that succeeds.
 */
export function useLabelQueue(filters: TReviewFilters) {
  const client = useTRPCClient();
  const [queue, setQueue] = useState<TQueuedTask[]>([]);
  const [exhausted, setExhausted] = useState(false);
  const [loading, setLoading] = useState(true);
  const [errors, setErrors] = useState<string[]>([]);
  /** The last load of turns failed: nothing on screen may mean nothing could be read, not nothing left. */
  const [loadFailed, setLoadFailed] = useState(false);
  const [done, setDone] = useState(0);
  const [saving, setSaving] = useState(0);
  const seen = useRef(new Set<string>());
  const history = useRef<TDone[]>([]);
  const writes = useRef<Promise<unknown>>(Promise.resolve());
  const fetching = useRef(false);

  /** `onRefused` may return the notice to show instead of `what: <the server's message>`. */
  const write = useCallback(
    (what: string, run: () => Promise<unknown>, onRefused?: (e: Error) => string | undefined) => {
      setSaving((n) => n + 1);
      writes.current = writes.current
        .then(run)
        .then(
          () => setErrors([]),
          (e: Error) => {
            const notice = onRefused?.(e) ?? `${what}: ${e.message}`;
            setErrors((list) => [...list.slice(-4), notice]);
          },
        )
        .finally(() => setSaving((n) => n - 1));
    },
    [],
  );

  const fetchMore = useCallback(async () => {
    if (fetching.current) return;
    fetching.current = true;
    try {
      const tasks = await client.review.next.mutate({
        filters,
        exclude: [...seen.current].slice(-900),
        limit: BATCH,
      });
      for (const t of tasks) seen.current.add(t.reviewItemId);
      setQueue((q) => [...q, ...tasks.filter((t) => !q.some((x) => x.reviewItemId === t.reviewItemId))]);
      setExhausted(tasks.length === 0);
      setLoadFailed(false);
      setErrors((list) => list.filter((e) => !e.startsWith(LOADING)));
    } catch (e) {
      setLoadFailed(true);
      setErrors((list) => [
        ...list.filter((x) => !x.startsWith(LOADING)).slice(-4),
        `${LOADING}${(e as Error).message}`,
      ]);
    } finally {
      fetching.current = false;
      setLoading(false);
    }
  }, [client, filters]);

  useEffect(() => {
    if (queue.length < PREFETCH_BELOW && !exhausted) void fetchMore();
  }, [queue.length, exhausted, fetchMore]);

  // Nothing on screen because nothing was left, or because the load failed: look again every RECHECK_MS and
  // when the window is back in front, so a turn that needs a label appears without a reload.
  const idle = queue.length === 0 && (exhausted || loadFailed);
  useEffect(() => {
    if (!idle) return;
    const again = () => void fetchMore();
    const timer = setInterval(again, RECHECK_MS);
    window.addEventListener('focus', again);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', again);
    };
  }, [idle, fetchMore]);

  const advance = (kind: TDone['kind']) => {
    const task = queue[0];
    if (!task) return null;
    const entry: TDone = { task, kind };
    history.current.push(entry);
    setQueue((q) => q.slice(1));
    setDone((n) => n + 1);
    return entry;
  };

  return {
    current: queue[0] ?? null,
    queued: queue.length,
    done,
    saving,
    loading,
    exhausted: exhausted && queue.length === 0,
    loadFailed,
    errors,
    label(intent: string, entities: TEntitySpan[]) {
      const entry = advance('label');
      if (!entry) return;
      const { task } = entry;
      write(
        `The label of ${quote(task.text)} was not saved (it is back, as you chose it)`,
        async () => {
          const saved = await client.review.label.mutate({
            reviewItemId: task.reviewItemId,
            intent,
            entities,
          });
          entry.labelId = saved.labelId;
        },
        (e) => {
          // Taken back by z meanwhile: already on screen again.
          const at = history.current.indexOf(entry);
          if (at < 0) return;
          history.current.splice(at, 1);
          setDone((n) => Math.max(0, n - 1));
          // CONFLICT: the turn is settled (others gave the labels it needs, or this reviewer labeled it in
          // another tab). Saving again can only be refused again, so it leaves the queue instead of coming back.
          if (isConflict(e)) {
            setQueue((q) => q.filter((t) => t.reviewItemId !== task.reviewItemId));
            // Said as the server says it: someone else finished the turn, or this reviewer labeled it already.
            return `The label of ${quote(task.text)} was not saved: ${e.message}`;
          }
          setQueue((q) => [
            { ...task, draft: { intent, entities } },
            ...q.filter((t) => t.reviewItemId !== task.reviewItemId),
          ]);
          return undefined;
        },
      );
    },
    skip() {
      const entry = advance('skip');
      if (entry)
        write('skipping', () => client.review.skip.mutate({ reviewItemId: entry.task.reviewItemId }));
    },
    undo() {
      const last = history.current.pop();
      if (!last) return;
      setQueue((q) => [last.task, ...q]);
      setDone((n) => Math.max(0, n - 1));
      // Writes run in order: by now the label's save has finished, and a refused one has nothing to undo.
      // The undo names this tab's label: the reviewer's newest on the server may be another tab's.
      if (last.kind === 'label')
        write(
          'undoing the last label',
          async () => {
            if (!last.labelId) return;
            try {
              await client.review.undo.mutate({ labelId: last.labelId });
            } catch (e) {
              // Gone after an earlier try that got no answer: that try took it back (the server keeps no
              // label to refuse twice), so this is the undo done, the turn on screen open for this reviewer.
              if (last.undoTried && codeOf(e as Error) === 'NOT_FOUND') return;
              throw e;
            }
          },
          (e) => {
            const code = codeOf(e);
            // The label stands as far as this tab knows: the turn leaves the screen again.
            setQueue((q) => q.filter((t) => t.reviewItemId !== last.task.reviewItemId));
            setDone((n) => n + 1);
            // No answer, or a failure on the server's side: the undo may work next time, so z tries it again.
            if (TRANSIENT.has(code)) {
              history.current.push({ ...last, undoTried: true });
              return `Could not undo your label of ${quote(last.task.text)}: ${e.message}. Press z to try again.`;
            }
            // Refused for good: an engineer adjudicated over the label (CONFLICT), it is gone (NOT_FOUND: its
            // turn removed), or this reviewer may not (signed out, role changed). Trying again can only be
            // refused again, so z moves on to the label before it.
            return `Your label of ${quote(last.task.text)} was not undone: ${e.message}`;
          },
        );
    },
  };
}
