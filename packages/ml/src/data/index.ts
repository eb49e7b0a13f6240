// The labelled-utterance file format and its strict reader, without TensorFlow or the file system: shared
// by dataset import (@acsa/datasets, which cannot be imported from here) and by training and evaluation.

export { LISTED_ROW_PROBLEMS } from './dataset-error.ts';
export { readJsonlRecords, type TRawRecord } from './jsonl-records.ts';
export { describeIssues, type TRowInput, ZEntityInput, ZRowInput } from './row-format.ts';
export { parseSplitName, type TSplitName, unknownSplitMessage } from './split-name.ts';
export { badUtf8Lines, describeBadUtf8, firstBadUtf8, type TBadUtf8, type TBadUtf8Line } from './utf8.ts';
