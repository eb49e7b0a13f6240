import { withSpan } from '@acsa/core/tracing';
import type pg from 'pg';
import { AUTO_STATEMENT_PREFIX } from '../db/sql.ts';

const SUMMARY = /\b(SELECT|INSERT|UPDATE|DELETE)\b[\s\S]*?\b(?:FROM|INTO|UPDATE)\s+("?[\w.]+"?)/i;

/** `INSERT "Message"`, `SELECT "Order"`: what a span is named by, never the parameters. */
export function statementSummary(text: string): string {
  const m = SUMMARY.exec(text);
  return m ? `${m[1]?.toUpperCase()} ${m[2]}` : (text.trim().split(/\s+/, 1)[0] ?? 'query');
}

/**
 * A `pg.query` span around every statement of `pool` (the promise form), child of the span that ran it:
 * a knowledge read with one is a cache miss. Installed only while tracing is on, so an untraced process
 * keeps pg's own `query`.
 */
export function tracePool(pool: pg.Pool, role: 'primary' | 'replica'): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    if (typeof args.at(-1) === 'function') return query(...args);
    const first = args[0] as string | { text: string; name?: string };
    const text = typeof first === 'string' ? first : first.text;
    return withSpan('pg.query', () => query(...args), {
      attributes: {
        'db.system.name': 'postgresql',
        'db.query.summary':
          typeof first === 'object' && first.name && !first.name.startsWith(AUTO_STATEMENT_PREFIX)
            ? first.name
            : statementSummary(text),
        'db.query.text': text.length > 300 ? `${text.slice(0, 300)}…` : text,
        'acsa.db.role': role,
      },
    });
  };
}
