import { type TFlowContext, ZFlowContext } from '@acsa/pipelines';

/**
 * The context a step starts from: what the step before it returned (BullMQ hands a parent its children's
 * return values). The first step has no child and starts empty.
 */
export async function contextOf(job: {
  getChildrenValues(): Promise<Record<string, unknown>>;
}): Promise<TFlowContext> {
  const [value] = Object.values(await job.getChildrenValues());
  return ZFlowContext.parse(value ?? {});
}

/** The context's entry for a step that must have run, or a clear error when it has not. */
export function need<K extends keyof TFlowContext>(ctx: TFlowContext, key: K): NonNullable<TFlowContext[K]> {
  const value = ctx[key];
  if (value === undefined || value === null) throw new Error(`the ${key} step's output is missing`);
  return value as NonNullable<TFlowContext[K]>;
}
