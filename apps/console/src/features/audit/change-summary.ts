import { shortId as lastDigits, utc } from '../../components/format';

/**
 * What an audit entry changed, in words a reviewer reads at a glance: `status: QUEUED → FAILED` for each
 * field that differs between before and after, the key fields of a record made (before is null), or the
 * entry's own fields when it is not a before/after pair (an alias move, a sign-in's address). The full
 * JSON stays one click away on the page, so dropping noise here loses nothing.
 */

type TJson = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Bookkeeping every row has; a change in it alone says nothing to a reader. */
const NOISE = new Set(['id', 'updatedAt', 'createdAt', 'createdById', 'hash']);
/** The fields that name a record made, in the order they are read. */
const KEY_FIELDS = ['name', 'email', 'alias', 'version', 'kind', 'role', 'status', 'intent', 'reason'];
const MAX_LINES = 4;

const isObject = (v: unknown): v is TJson => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A uuid by its last 8 digits, as every page shows ids (never a name: only uuids are cut). */
export const shortId = (id: string) => (UUID.test(id) ? lastDigits(id) : id);

/** Names for ids an entry holds (a model version's, as the server resolved them), shown in their place. */
type TNames = Record<string, string>;

/** A value as the summary reads it: nothing, an empty list alike, is "—". */
export function show(v: unknown, names: TNames = {}): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return names[v] ?? (ISO.test(v) ? utc(v) : shortId(v));
  if (Array.isArray(v)) return v.length ? v.map((x) => show(x, names)).join(', ') : '—';
  if (isObject(v)) return '{…}';
  return String(v);
}

/**
 * `names`: the version names the server resolved for the page. An alias move's entry names its target
 * version itself (`toVersion`): that name stands for `to` on one line, rather than an id and a name on two.
 */
export function changeSummary(data: unknown, names: TNames = {}): string[] {
  if (!isObject(data)) return [];
  const { before, after } = data;
  const paired = 'before' in data && 'after' in data;
  if (paired && isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !NOISE.has(k));
    return (
      keys
        .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
        .map((k) => ({ k, from: show(before[k], names), to: show(after[k], names) }))
        // [] → null changes nothing a reader could see: "— → —" would be a line saying nothing.
        .filter(({ from, to }) => !(from === '—' && to === '—'))
        .slice(0, MAX_LINES)
        .map(({ k, from, to }) => `${k}: ${from} → ${to}`)
    );
  }
  if (paired && isObject(after)) return [`created: ${keyFields(after)}`];
  if (paired && isObject(before)) return [`deleted: ${keyFields(before)}`];
  const named = typeof data.to === 'string' && data.toVersion != null;
  const all = named ? { ...names, [data.to as string]: String(data.toVersion) } : names;
  return Object.entries(data)
    .filter(([k, v]) => !NOISE.has(k) && !isObject(v) && !(named && k === 'toVersion'))
    .slice(0, MAX_LINES)
    .map(([k, v]) => `${k}: ${show(v, all)}`);
}

function keyFields(record: TJson): string {
  const known = KEY_FIELDS.filter((k) => record[k] !== undefined && record[k] !== null);
  return known.length ? known.map((k) => `${k} ${show(record[k])}`).join(', ') : 'a record';
}

type TTarget = { targetType: string; targetId: string | null; targetName: string | null; data: unknown };

/** The target by what people call it: the alias, key or user name when the entry or a join knows it. */
export function targetLabel(row: TTarget): string {
  const name = row.targetName ?? nameIn(row.data);
  if (name) return name;
  return row.targetId ? shortId(row.targetId) : '';
}

function nameIn(data: unknown): string | null {
  if (!isObject(data)) return null;
  for (const record of [data.after, data.before, data]) {
    if (!isObject(record)) continue;
    for (const k of ['name', 'email']) if (typeof record[k] === 'string') return record[k] as string;
  }
  return null;
}

/** A record type as people say it: `TrainingRun` → "training run", `ApiKey` → "API key". */
export const targetTypeWords = (type: string) =>
  type
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/\bapi\b/g, 'API');
