import type { TSplit } from '@acsa/corpus/split';

export type { TSplit };

/** One annotated span: `text.slice(start, end)` is what the customer wrote; `value` its normalised form. */
export type TEntity = { type: string; value: string; start: number; end: number };

/** A row that passed validation, label mapping and dedupe: what becomes an Example. */
export type TImportRow = {
  /** 1-based line of the file where the row starts. */
  line: number;
  text: string;
  /** Normalised text, the dedupe key (`normalizeKey`). */
  key: string;
  intent: string;
  split: TSplit;
  entities: TEntity[];
};

/** A row that cannot be imported; `at` is `FILE:LINE`. */
export type TRowError = { line: number; at: string; message: string };

/** A row whose normalised text an earlier row of the same file already had; the earlier row wins. */
export type TDuplicate = {
  line: number;
  at: string;
  firstLine: number;
  firstAt: string;
  text: string;
  intent: string;
  firstIntent: string;
  /** Same text, different intents: one of the two labels is wrong, and only the first is kept. */
  conflict: boolean;
};

export type TCounts = {
  total: number;
  train: number;
  dev: number;
  test: number;
  intents: Record<string, number>;
};

export type TImportStats = {
  /** Data rows in the file (header and blank lines excluded), valid or not. */
  rows: number;
  invalid: number;
  duplicates: number;
  conflicts: number;
  /** Entity spans that overran their text and were ended where their stated surface ends. */
  fixedSpans: number;
  /** Valid rows, before dedupe. */
  valid: TCounts;
  /** Rows that become examples: valid rows less duplicates. */
  imported: TCounts;
};

export type TFileFormat = 'jsonl' | 'csv';

export type TCsvColumns = {
  /** Defaults to `text`. */
  textCol?: string;
  /** Defaults to `intent`. */
  intentCol?: string;
  /** Defaults to `split`, used when the header has it (the split is computed otherwise). */
  splitCol?: string;
};

export type TPrepareOptions = {
  /** Defaults to the file extension (`.csv` → csv, anything else → jsonl). */
  format?: TFileFormat;
  csv?: TCsvColumns;
  /** Intent renames applied before dedupe: `{ old: new }`. */
  labelMap?: Record<string, string>;
  /**
   * The shop's intents beyond the taxonomy (`shopIntentNames` in `@acsa/pipelines/review`): accepted like
   * the taxonomy's and not listed in `newIntents`. Left out, a class the shop added in an earlier import
   * or has in its production model is refused unless `allowNewIntents`.
   */
  knownIntents?: ReadonlySet<string>;
  /**
   * Accept intents the shop does not have yet (after the label map): for a shop adding classes on purpose,
   * or a public dataset with a taxonomy of its own. Off, such a row is an invalid row like any other.
   */
  allowNewIntents?: boolean;
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
};

export type TPreparedImport = {
  file: { path: string; name: string; format: TFileFormat; bytes: number; sha256: string };
  rows: TImportRow[];
  errors: TRowError[];
  duplicates: TDuplicate[];
  stats: TImportStats;
  labelMap: Record<string, string>;
  /**
   * Intents neither in the taxonomy nor in `knownIntents` that `allowNewIntents` let in, sorted: the classes
   * this adds to the shop (a version's meta records them; the version that first added a class keeps it).
   */
  newIntents: string[];
  /** Intents the shop does not have whose rows were refused for it, sorted (none with `allowNewIntents`). */
  refusedIntents: string[];
  /** Label-map entries no row used: usually a typo in the map. */
  unusedLabels: string[];
  csv?: Required<Pick<TCsvColumns, 'textCol' | 'intentCol'>> & { splitCol?: string };
};
