import { randomBytes } from 'node:crypto';
import { isAppError } from '@acsa/core/errors';
import type { TRPCError } from '@trpc/server';

type TIssue = { path: readonly PropertyKey[]; message: string };
export type TErrorLog = (fields: Record<string, unknown>, message: string) => void;

const issuesOf = (cause: unknown): TIssue[] | null => {
  const issues = (cause as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as TIssue[]) : null;
};

/** `treatmentWeight`, `variants[1].name`: where in the input an issue is. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    '',
  );
}

/** One refused input: the field (absent for the input as a whole) and what was wrong with it. */
export type TFieldIssue = { field?: string; message: string };

/**
 * What a console caller reads when a procedure fails: input refused by its schema says, per field, what was
 * wrong (`name: lower-case letters, digits and dashes`; Zod's own message is its issue list as JSON) and
 * keeps the same as data (`issues`), so a form can name a field as its label does without taking the message
 * apart; an AppError keeps its message and names its field; and anything unexpected is logged here with a
 * reference the caller is shown instead of the internal message (a driver's or Redis's text says nothing
 * useful to a reviewer and may say too much).
 */
export function consoleErrorShape<TShape extends { message: string; data: object }>(
  opts: { shape: TShape; error: TRPCError; path?: string | undefined },
  log: TErrorLog,
): TShape & { data: { field?: string; issues?: TFieldIssue[] } } {
  const { shape, error } = opts;
  const zodIssues = error.code === 'BAD_REQUEST' ? issuesOf(error.cause) : null;
  if (zodIssues && zodIssues.length > 0) {
    const issues = zodIssues.map(
      (i): TFieldIssue =>
        i.path.length > 0 ? { field: fieldPath(i.path), message: i.message } : { message: i.message },
    );
    return {
      ...shape,
      message: issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; '),
      data: { ...shape.data, field: issues[0]?.field, issues },
    };
  }
  if (isAppError(error.cause))
    return { ...shape, data: { ...shape.data, ...(error.cause.field ? { field: error.cause.field } : {}) } };
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    const ref = randomBytes(4).toString('hex');
    log({ err: error.cause ?? error, path: opts.path, ref }, 'console procedure failed');
    const { stack: _stack, ...data } = shape.data as { stack?: string };
    return { ...shape, message: `Something went wrong on the server (reference ${ref}); try again.`, data };
  }
  return shape;
}
