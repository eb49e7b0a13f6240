// Labelled-utterance files in: parse, validate, rename labels, dedupe, then write a dataset version.

export { importDataset, type TImportOptions, type TImportResult } from './import-dataset.ts';
export * from './prepare-import.ts';
export { formatImportSummary, summarizeImport, type TImportSummary } from './summary.ts';
