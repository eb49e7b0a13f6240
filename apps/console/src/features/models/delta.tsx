import { pp } from '@/components/format';

/** A change in percentage points; the sign is in the text, the colour only repeats it. */
export function Delta({ value }: { value: number | null }) {
  const d = pp(value);
  return <span className={`delta delta-${d.tone}`}>{d.text}</span>;
}
