import type { TEntity } from './types.ts';

export type TEntityInput = {
  type: string;
  value?: string | null;
  start: number;
  end: number;
  surface?: string | null;
};

/**
 * Checks one entity's span against its text (offsets in UTF-16 code units, as JS strings count them).
 * Where a file states the `surface` too and the span overruns the end of the text by what the surface
 * shows is missing (91 rows of bitext-llm-tagged end 2 characters past their text), the surface is
 * trusted and the span ends with the text: `fixed` says so, and the import reports how many.
 */
export function checkEntitySpan(
  text: string,
  e: TEntityInput,
  i: number,
): { ok: true; entity: TEntity; fixed: boolean } | { ok: false; message: string } {
  const field = (name: string, message: string) => ({
    ok: false as const,
    message: `entities[${i}].${name}: ${message}`,
  });
  let end = e.end;
  let fixed = false;
  if (e.start >= text.length)
    return field('start', `${e.start} is not inside the text (${text.length} characters)`);
  if (end > text.length) {
    const trusted = e.surface != null && e.surface !== '' && e.start + e.surface.length === text.length;
    if (!trusted || !text.startsWith(e.surface!, e.start))
      return field('end', `${end} is past the end of the text (${text.length} characters)`);
    end = text.length;
    fixed = true;
  }
  if (e.start >= end) return field('start', `${e.start} must be less than end (${end})`);
  const surface = text.slice(e.start, end);
  if (e.surface != null && e.surface !== surface)
    return field(
      'surface',
      `${JSON.stringify(e.surface)} is not the text at ${e.start}–${end} (${JSON.stringify(surface)})`,
    );
  return { ok: true, entity: { type: e.type, value: e.value ?? surface, start: e.start, end }, fixed };
}
