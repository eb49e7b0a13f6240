/**
 * Options for a test that runs a tool this machine may lack: skipped where it is absent, with the reason
 * `npm test` prints beside the count (vitest's TaskMeta.skipReason, declared in @acsa/db/testing).
 */
export function needsTool(present: unknown, reason: string): { skip: boolean; meta: object } {
  const meta = { skipReason: reason };
  return { skip: !present, meta };
}
