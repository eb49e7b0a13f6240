import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitOf } from '@acsa/corpus/split';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetFileError, prepareImport } from './prepare-import.ts';

const dir = await mkdtemp(join(tmpdir(), 'acsa-datasets-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
async function fixture(content: string, ext = 'jsonl'): Promise<string> {
  const path = join(dir, `f${++n}.${ext}`);
  await writeFile(path, content);
  return path;
}
const jsonl = (rows: unknown[]) =>
  rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

describe('prepareImport, JSONL', () => {
  it('names a broken line 37 as FILE:37 and still reads every other row', async () => {
    const rows: unknown[] = Array.from({ length: 40 }, (_, i) => ({
      text: `question number ${i + 1}`,
      intent: 'track_order',
    }));
    rows[36] = '{"text": "broken", "intent": ';
    const path = await fixture(jsonl(rows));
    const p = await prepareImport(path);
    expect(p.errors).toHaveLength(1);
    expect(`${p.errors[0]!.at}: ${p.errors[0]!.message}`).toMatch(new RegExp(`^${path}:37: invalid JSON`));
    expect(p.rows).toHaveLength(39);
    expect(p.stats.rows).toBe(40);
  });

  it('says which field of a row is wrong', async () => {
    const path = await fixture(
      jsonl([
        { intent: 'a' },
        { text: 'hello there', intent: '  ' },
        { text: 'hello again', intent: 'a', split: 'holdout' },
        { text: 'order 12345 please', intent: 'a', entities: [{ type: 'order_id', start: 6, end: 40 }] },
        { text: 'order 12345 please', intent: 'a', entities: [{ type: 'order_id', start: 11, end: 6 }] },
        {
          text: 'order 12345 please',
          intent: 'a',
          entities: [{ type: 'order_id', start: 6, end: 11, surface: '12346' }],
        },
        { text: 'order 12345 please', intent: 'a', entities: [{ type: '', start: 6, end: 11 }] },
        { text: 'order 12345 please', intent: 'a', entities: [{ type: 'order_id', start: -1, end: 11 }] },
        ['text', 'intent'],
        { text: '?!', intent: 'a' },
        { text: 42, intent: 'a' },
      ]),
    );
    const messages = (await prepareImport(path)).errors.map((e) => `${e.line} ${e.message}`);
    expect(messages).toEqual([
      '1 text: is missing',
      '2 intent: must not be empty',
      '3 split: unknown split "holdout" (use train, dev/val/validation or test)',
      '4 entities[0].end: 40 is past the end of the text (18 characters)',
      '5 entities[0].start: 11 must be less than end (6)',
      '6 entities[0].surface: "12346" is not the text at 6–11 ("12345")',
      '7 entities[0].type: must not be empty',
      '8 entities[0].start: must not be negative',
      '9 must be a JSON object',
      '10 text: has no letters or digits',
      '11 text: must be a string, got 42',
    ]);
  });

  it('reads exact line numbers past a BOM, CRLF endings and blank lines, and maps split names', async () => {
    const lines = [
      JSON.stringify({ text: 'Where is my parcel?', intent: 'track_order', split: 'TRAIN' }),
      '',
      '   ',
      JSON.stringify({ text: 'cancel it', intent: 'cancel_order', split: 'validation' }),
      JSON.stringify({ text: 'refund me', intent: 'get_refund', split: 'Val' }),
      JSON.stringify({ text: 'what is this', intent: 'out_of_scope', split: 'test' }),
      JSON.stringify({ text: 'no split here', intent: 'out_of_scope' }),
    ];
    const p = await prepareImport(await fixture(`\uFEFF${lines.join('\r\n')}\r\n`));
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => [r.line, r.text, r.split])).toEqual([
      [1, 'Where is my parcel?', 'train'],
      [4, 'cancel it', 'dev'],
      [5, 'refund me', 'dev'],
      [6, 'what is this', 'test'],
      [7, 'no split here', splitOf('no split here')],
    ]);
    expect(p.stats.rows).toBe(5);
  });

  it('keeps the first of rows with the same normalised text and lists conflicting intents with both lines', async () => {
    const path = await fixture(
      jsonl([
        { text: 'Track my order', intent: 'track_order' },
        { text: 'refund please', intent: 'get_refund' },
        { text: 'track my order!!', intent: 'track_order' },
        { text: 'TRACK  my-order', intent: 'delivery_period' },
      ]),
    );
    const p = await prepareImport(path);
    expect(p.rows.map((r) => r.text)).toEqual(['Track my order', 'refund please']);
    expect(p.stats).toMatchObject({ rows: 4, duplicates: 2, conflicts: 1 });
    expect(p.stats.imported.total).toBe(p.stats.valid.total - p.stats.duplicates);
    expect(p.duplicates.filter((d) => d.conflict)).toEqual([
      expect.objectContaining({
        at: `${path}:4`,
        firstAt: `${path}:1`,
        intent: 'delivery_period',
        firstIntent: 'track_order',
      }),
    ]);
  });

  it('renames intents by the label map before dedupe, and reports entries no row used', async () => {
    const path = await fixture(
      jsonl([
        { text: 'where is my invoice', intent: 'check_invoices' },
        { text: 'Where is my invoice?', intent: 'check_invoice' },
      ]),
    );
    const p = await prepareImport(path, { labelMap: { check_invoices: 'check_invoice', typo: 'x' } });
    expect(p.rows.map((r) => r.intent)).toEqual(['check_invoice']);
    expect(p.stats.conflicts).toBe(0);
    expect(p.unusedLabels).toEqual(['typo']);
  });

  it('keeps entities, taking the value from the text when absent and the end from an overrunning surface', async () => {
    const path = await fixture(
      jsonl([
        {
          text: 'order 12345 is late',
          intent: 'track_order',
          entities: [{ type: 'order_id', start: 6, end: 11 }],
        },
        // As in bitext-llm-tagged: the span ends 2 past the text, the surface shows where it really ends.
        {
          text: 'cancel purchase 0042',
          intent: 'cancel_order',
          entities: [{ type: 'order_id', value: '42', start: 16, end: 22, surface: '0042' }],
        },
      ]),
    );
    const p = await prepareImport(path);
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => r.entities)).toEqual([
      [{ type: 'order_id', value: '12345', start: 6, end: 11 }],
      [{ type: 'order_id', value: '42', start: 16, end: 20 }],
    ]);
    expect(p.stats.fixedSpans).toBe(1);
  });

  it('refuses a file that cannot be read', async () => {
    await expect(prepareImport(join(dir, 'missing.jsonl'))).rejects.toThrow(
      /missing\.jsonl: cannot read \(ENOENT\)/,
    );
  });
});

describe('prepareImport, CSV', () => {
  it('reads the named columns, quoted multi-line fields and CRLF with the line each row starts on', async () => {
    const csv = [
      '\uFEFFflags,utterance,category,label',
      'B,"I want to cancel\r\nmy order, now",ORDER,cancel_order',
      '',
      'BL,"a ""quoted"" word",ORDER,track_order',
      'Q,where is it,ORDER,track_order',
    ].join('\r\n');
    const p = await prepareImport(await fixture(csv, 'csv'), {
      csv: { textCol: 'utterance', intentCol: 'label' },
    });
    expect(p.file.format).toBe('csv');
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => [r.line, r.text, r.intent])).toEqual([
      [2, 'I want to cancel\r\nmy order, now', 'cancel_order'],
      [5, 'a "quoted" word', 'track_order'],
      [6, 'where is it', 'track_order'],
    ]);
  });

  it('uses a split column when there is one', async () => {
    const p = await prepareImport(
      await fixture('text,intent,split\nhello,greeting,dev\nbye,goodbye,\n', 'csv'),
    );
    expect(p.rows.map((r) => r.split)).toEqual(['dev', splitOf('bye')]);
  });

  it('refuses a header without the text or intent column, naming it', async () => {
    const path = await fixture('text,category\nhi,greet\n', 'csv');
    const err = await prepareImport(path).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetFileError);
    expect(err.code).toBe('MISSING_COLUMN');
    expect(err.message).toBe(`${path}:1: no column "intent" for the intent (the header has: text, category)`);
  });

  it('names a row with the wrong number of fields, and a quote that never closes', async () => {
    const p = await prepareImport(await fixture('text,intent\nhi,greeting\nhello, there,greeting\n', 'csv'));
    expect(p.errors.map((e) => `${e.line} ${e.message}`)).toEqual(['3 expected 2 fields, found 3']);
    const path = await fixture('text,intent\nhi,greet\n"unclosed,greet\nbye,bye\n', 'csv');
    await expect(prepareImport(path)).rejects.toThrow(new RegExp(`^${path}:3: Quote Not Closed`));
  });
});

describe("prepareImport, the shop's intents", () => {
  it('refuses a row whose intent is not one of them, suggesting the nearest, and keeps the others', async () => {
    const path = await fixture(
      jsonl([
        { text: 'where is my parcel', intent: 'track_ordr' },
        { text: 'I want my money back', intent: 'get_refund' },
        { text: 'my card has not arrived', intent: 'card_arrival' },
        { text: 'cancel it now', intent: 'cancel' },
      ]),
    );
    const p = await prepareImport(path, { labelMap: { cancel: 'cancel_ordr' } });
    expect(p.errors.map((e) => `${e.at}: ${e.message}`)).toEqual([
      `${path}:1: intent: "track_ordr" is not one of the shop's intents (did you mean "track_order"?)`,
      `${path}:3: intent: "card_arrival" is not one of the shop's intents`,
      `${path}:4: intent: "cancel_ordr" (the label map's new name for "cancel") is not one of the shop's intents (did you mean "cancel_order"?)`,
    ]);
    expect(p.refusedIntents).toEqual(['cancel_ordr', 'card_arrival', 'track_ordr']);
    expect(p.rows.map((r) => r.intent)).toEqual(['get_refund']);
    expect(p.newIntents).toEqual([]);
  });

  it('with allowNewIntents takes them as new classes and lists them', async () => {
    const path = await fixture(
      jsonl([
        { text: 'my card has not arrived', intent: 'card_arrival' },
        { text: 'where is my parcel', intent: 'track_order' },
      ]),
    );
    const p = await prepareImport(path, { allowNewIntents: true });
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => r.intent)).toEqual(['card_arrival', 'track_order']);
    expect(p.newIntents).toEqual(['card_arrival']);
  });

  it('takes the classes the shop already has (knownIntents) as its own, and lists only new ones as new', async () => {
    const path = await fixture(
      jsonl([
        { text: 'please wrap it as a present', intent: 'gift_wrap' },
        { text: 'my card has not arrived', intent: 'card_arrival' },
        { text: 'wrap it with a bow', intent: 'gift_wrp' },
      ]),
    );
    const knownIntents = new Set(['gift_wrap']);
    const p = await prepareImport(path, { knownIntents });
    expect(p.errors.map((e) => `${e.line} ${e.message}`)).toEqual([
      `2 intent: "card_arrival" is not one of the shop's intents`,
      `3 intent: "gift_wrp" is not one of the shop's intents (did you mean "gift_wrap"?)`,
    ]);
    expect(p.rows.map((r) => r.intent)).toEqual(['gift_wrap']);
    expect(p.newIntents).toEqual([]);
    expect(p.refusedIntents).toEqual(['card_arrival', 'gift_wrp']);

    const added = await prepareImport(path, { knownIntents, allowNewIntents: true });
    expect(added.rows.map((r) => r.intent)).toEqual(['gift_wrap', 'card_arrival', 'gift_wrp']);
    expect(added.newIntents).toEqual(['card_arrival', 'gift_wrp']);
  });
});

describe('prepareImport, text encodings', () => {
  const LATIN1 = Buffer.from('text,intent\nwhere is it,track_order\ncaf\xe9 order,place_order\n', 'latin1');
  const HINT =
    '(save the file as UTF-8; from Latin-1 or Windows-1252, e.g. Excel\'s "CSV": iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8)';

  it('names each CSV line that is not UTF-8 as an invalid row, by line and column, the others still read', async () => {
    const path = join(dir, 'latin1.csv');
    await writeFile(
      path,
      Buffer.concat([
        LATIN1,
        Buffer.from(
          '"a quoted\nna\xefve one",track_order\nwhat does it cost,check_payment_methods\n',
          'latin1',
        ),
      ]),
    );
    const p = await prepareImport(path);
    expect(p.errors.map((e) => `${e.at}: ${e.message}`)).toEqual([
      `${path}:3: not valid UTF-8: byte 0xE9 at column 4 ${HINT}`,
      // Inside a quoted field's second line: that line is named.
      `${path}:5: not valid UTF-8: byte 0xEF at column 3 ${HINT}`,
    ]);
    expect(p.rows.map((r) => [r.line, r.text])).toEqual([
      [2, 'where is it'],
      [6, 'what does it cost'],
    ]);
  });

  it('refuses a CSV whose header is not UTF-8: its columns cannot be told', async () => {
    const path = join(dir, 'latin1-header.csv');
    await writeFile(path, Buffer.from('t\xe9xt,intent\nwhere is it,track_order\n', 'latin1'));
    const err = await prepareImport(path).catch((e) => e);
    expect(err).toBeInstanceOf(DatasetFileError);
    expect(err.code).toBe('NOT_UTF8');
    expect(err.message).toBe(`${path}:1: not valid UTF-8: byte 0xE9 at column 2 ${HINT}`);
  });

  it('reads the same CSV as UTF-8, with a BOM, or as UTF-16LE with its BOM', async () => {
    const text = LATIN1.toString('latin1');
    for (const [name, content] of [
      ['utf8.csv', Buffer.from(text)],
      ['utf8-bom.csv', Buffer.from(`\uFEFF${text}`)],
      ['utf16.csv', Buffer.from(`\uFEFF${text}`, 'utf16le')],
    ] as const) {
      const path = join(dir, name);
      await writeFile(path, content);
      const p = await prepareImport(path);
      expect([name, p.errors, p.rows.map((r) => r.text)]).toEqual([name, [], ['where is it', 'café order']]);
    }
  });

  it('names a JSONL line that is not UTF-8 as an invalid row, the others still read', async () => {
    const path = join(dir, 'latin1.jsonl');
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from(`${JSON.stringify({ text: 'where is it', intent: 'track_order' })}\n`),
        Buffer.from('{"text": "caf\xe9", "intent": "place_order"}\n', 'latin1'),
      ]),
    );
    const p = await prepareImport(path);
    expect(p.errors.map((e) => `${e.at}: ${e.message}`)).toEqual([
      `${path}:2: not valid UTF-8: byte 0xE9 at column 14 ${HINT}`,
    ]);
    expect(p.rows).toHaveLength(1);
  });
});
