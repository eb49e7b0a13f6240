import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bareModelVersion, createTestDatabase, type TestDatabase, testServiceUrls } from '@acsa/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../../..');
const dir = await mkdtemp(join(tmpdir(), 'acsa-data-cli-'));
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase(testServiceUrls().databaseUrl);
});
afterAll(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the installed CLI as a person would, against this file's own database. */
function acsa(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['packages/cli/bin/acsa.mjs', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function jsonl(name: string, rows: string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${rows.join('\n')}\n`);
  return path;
}
const row = (i: number, intent = 'track_order') =>
  JSON.stringify({ text: `where is parcel number ${i}`, intent });
const written = async () => [
  await db.prisma.dataset.count(),
  await db.prisma.datasetVersion.count(),
  await db.prisma.example.count(),
];

describe('acsa data import', () => {
  it('rejects a file with a broken line 37, naming FILE:37, and writes nothing', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => row(i + 1));
    rows[36] = '{"text": "where is it", "intent": }';
    const path = await jsonl('broken.jsonl', rows);
    const { code, stderr } = await acsa('data', 'import', path);
    expect(code).toBe(1);
    expect(stderr).toContain(`${path}:37: invalid JSON`);
    expect(stderr).toMatch(/error: 1 invalid row in .*broken\.jsonl; nothing was imported/);
    expect(await written()).toEqual([0, 0, 0]);
  }, 30_000);

  it('with --skip-invalid reports every skipped line and imports the rest; a second import is version 2', async () => {
    const path = await jsonl('orders.jsonl', [
      row(1),
      '{"text": 1}',
      row(2, 'cancel_order'),
      '{"intent": "x"}',
      row(1),
    ]);
    const first = await acsa(
      'data',
      'import',
      path,
      '--skip-invalid',
      '--json',
      '--map',
      'cancel_order=check_cancellation_fee',
    );
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`${path}:2: text: must be a string, got 1; intent: is missing (skipped)`);
    expect(first.stderr).toContain(`${path}:4: text: is missing (skipped)`);
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({
      ok: true,
      dataset: 'orders',
      version: 1,
      rows: 5,
      imported: 2,
      invalid: 2,
      duplicates: 1,
    });
    const examples = await db.prisma.example.findMany({
      where: { datasetVersionId: summary.datasetVersionId },
      orderBy: { origin: 'asc' },
    });
    expect(examples.map((e) => [e.origin, e.intent])).toEqual([
      ['orders.jsonl:1', 'track_order'],
      ['orders.jsonl:3', 'check_cancellation_fee'],
    ]);

    const second = await acsa('data', 'import', path, '--skip-invalid', '--name', 'orders');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('dataset "orders" version 2');
    expect(second.stdout).toMatch(/imported\s+2\b/);
  }, 30_000);

  it("refuses an intent that is not one of the shop's, in a row or as a --map target, and writes nothing", async () => {
    const [datasets, versions, examples] = await written();
    const path = await jsonl('typo.jsonl', [
      row(1),
      JSON.stringify({ text: 'where is my parcel', intent: 'track_ordr' }),
    ]);
    const typo = await acsa('data', 'import', path);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      `${path}:2: intent: "track_ordr" is not one of the shop's intents (did you mean "track_order"?)\n`,
    );
    expect(typo.stderr).toContain(
      '1 intent the shop does not have (track_ordr): rename them (--map old=new) or --new-intents adds',
    );
    expect(typo.stderr).toMatch(/error: 1 invalid row in .*typo\.jsonl; nothing was imported/);

    const map = await acsa('data', 'import', path, '--map', 'track_order=trak', '--map', 'x=track_ordr');
    expect(map.code).toBe(1);
    expect(map.stderr).toContain(
      `error: --map track_order=trak: "trak" is not one of the shop's intents\n` +
        `--map x=track_ordr: "track_ordr" is not one of the shop's intents (did you mean "track_order"?)\n`,
    );
    expect(await written()).toEqual([datasets, versions, examples]);

    const fixed = await acsa('data', 'import', path, '--map', 'track_ordr=track_order', '--name', 'fixed');
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(await written()).toEqual([datasets! + 1, versions! + 1, examples! + 2]);
  }, 60_000);

  it('with --new-intents imports a class outside the taxonomy and says which', async () => {
    const path = await jsonl('cards.jsonl', [
      JSON.stringify({ text: 'my card is late', intent: 'card_arrival' }),
    ]);
    const { code, stdout } = await acsa('data', 'import', path, '--new-intents', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toContain(
      'new intents  1 new to the shop (no reply template knows them yet): card_arrival',
    );
  }, 30_000);

  it('takes a class the shop added in an earlier import or has in production without --new-intents, and still refuses a typo', async () => {
    const wrap = (i: number, intent = 'gift_wrap') =>
      JSON.stringify({ text: `please wrap present number ${i}`, intent });
    const first = await acsa(
      'data',
      'import',
      await jsonl('wrap-1.jsonl', [wrap(1), row(1)]),
      '--new-intents',
      '--name',
      'wrap',
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/new intents {2}1 .*: gift_wrap\n/);

    const prod = await bareModelVersion(db.prisma, 'intent-prod', { labels: ['track_order', 'price_match'] });
    await db.prisma.modelAlias.create({ data: { name: 'production', modelVersionId: prod.id } });
    const second = await acsa(
      'data',
      'import',
      await jsonl('wrap-2.jsonl', [wrap(2), wrap(3, 'wrapping'), wrap(4, 'pm')]),
      '--map',
      'wrapping=gift_wrap',
      '--map',
      'pm=price_match',
      '--name',
      'wrap',
      '--json',
    );
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ ok: true, version: 2, imported: 3, newIntents: [] });
    const examples = await db.prisma.example.findMany({
      where: { datasetVersionId: summary.datasetVersionId },
      orderBy: { origin: 'asc' },
    });
    expect(examples.map((e) => e.intent)).toEqual(['gift_wrap', 'gift_wrap', 'price_match']);

    // Production moves to a model without price_match (a rollback): the stored version still carries it, so
    // it stays one of the shop's intents, and the same rows import again without --new-intents.
    await db.prisma.modelAlias.delete({ where: { name: 'production' } });
    const again = await acsa(
      'data',
      'import',
      await jsonl('wrap-pm.jsonl', [wrap(7, 'price_match')]),
      '--name',
      'wrap',
    );
    expect(again.code, again.stderr).toBe(0);

    const before = await written();
    const typoPath = await jsonl('wrap-3.jsonl', [wrap(5), wrap(6, 'gift_wrp')]);
    const typo = await acsa('data', 'import', typoPath, '--name', 'wrap');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      `${typoPath}:2: intent: "gift_wrp" is not one of the shop's intents (did you mean "gift_wrap"?)\n`,
    );
    const map = await acsa('data', 'import', typoPath, '--name', 'wrap', '--map', 'gift_wrp=gift_wrapping');
    expect(map.code).toBe(1);
    expect(map.stderr).toContain(
      `error: --map gift_wrp=gift_wrapping: "gift_wrapping" is not one of the shop's intents (did you mean "gift_wrap"?)\n`,
    );
    expect(await written()).toEqual(before);
  }, 60_000);

  it('names each CSV line that is not UTF-8 and writes nothing; with --skip-invalid imports the good rows', async () => {
    const before = await written();
    const path = join(dir, 'latin1.csv');
    await writeFile(
      path,
      Buffer.from(
        'text,intent\ncaf\xe9 order,place_order\nwhere is it,track_order\nna\xefve,track_order\n',
        'latin1',
      ),
    );
    const hint =
      '(save the file as UTF-8; from Latin-1 or Windows-1252, e.g. Excel\'s "CSV": iconv -f WINDOWS-1252 -t UTF-8 FILE > FILE.utf8)';
    const refused = await acsa('data', 'import', path);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${path}:2: not valid UTF-8: byte 0xE9 at column 4 ${hint}`);
    expect(refused.stderr).toContain(`${path}:4: not valid UTF-8: byte 0xEF at column 3 ${hint}`);
    expect(refused.stderr).toMatch(/error: 2 invalid rows in .*latin1\.csv; nothing was imported/);
    expect(await written()).toEqual(before);

    const skipped = await acsa('data', 'import', path, '--skip-invalid', '--name', 'latin1', '--json');
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain(`${path}:2: not valid UTF-8: byte 0xE9 at column 4 ${hint} (skipped)`);
    const summary = JSON.parse(skipped.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ ok: true, imported: 1 });
    const examples = await db.prisma.example.findMany({
      where: { datasetVersionId: summary.datasetVersionId },
    });
    expect(examples.map((e) => e.text)).toEqual(['where is it']);
  }, 30_000);
});
