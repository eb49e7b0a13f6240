import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from './logger.ts';

/** A logger writing into `lines`, as a log shipper would read them. */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, log: createLogger({ name: 'test', destination }) };
}

it('never writes secrets or contact details to the log', () => {
  const { lines, log } = capture();
  log.info(
    {
      req: { headers: { authorization: 'Bearer sk_live_abc' } },
      body: { customerToken: 'tok', email: 'a@b.c' },
    },
    'turn',
  );
  log.info({ password: 'hunter2', apiKey: 'sk_live_def' }, 'login');
  log.info({ turn: { session: { sessionToken: 'st_ghi', customerToken: 'ct_jkl' } } }, 'nested');
  log.warn({ err: new Error('cannot reach postgresql://acsa:pg_mno@127.0.0.1:5432/acsa') }, 'database down');
  const text = lines.join('');
  expect(text).toContain('"msg":"turn"');
  expect(text).toContain('postgresql://acsa:***@127.0.0.1:5432/acsa');
  for (const secret of [
    'sk_live_abc',
    'tok"',
    'a@b.c',
    'hunter2',
    'sk_live_def',
    'st_ghi',
    'ct_jkl',
    'pg_mno',
  ])
    expect(text).not.toContain(secret);
});

const TEXT = 'my email is jane.doe@example.org, call me on +44 7700 900123, card 4111 1111 1111 1111';
const RAW = ['jane.doe@example.org', '7700 900123', '4111 1111 1111 1111'];

it('masks contact and card details in free text under any key, at any depth, and in the message', () => {
  const { lines, log } = capture();
  const event = { turn: { text: TEXT, history: [{ role: 'user', text: TEXT }] }, order: 10042 };
  log.info(event, `turn received: ${TEXT}`);
  log.warn('customer wrote %s (%o)', TEXT, { text: TEXT });
  log
    .child({ note: TEXT })
    .child({ job: { text: TEXT } })
    .info('grandchild');
  const text = lines.join('');
  for (const raw of RAW) expect(text).not.toContain(raw);
  const [first] = lines.map((l) => JSON.parse(l));
  expect(first.turn.text).toBe('my email is [email], call me on [phone], card [card]');
  expect(first.turn.history[0].text).toBe(first.turn.text);
  expect(first.order).toBe(10042);
  expect(first.msg).toBe(`turn received: ${first.turn.text}`);
  // What was logged is the caller's: masking works on copies.
  expect(event.turn.history[0]!.text).toBe(TEXT);
});

it("masks an error's message and stack, keeps its type, and masks the message pino takes from it", () => {
  const { lines, log } = capture();
  const err = new TypeError(`cannot parse ${TEXT}`);
  log.error({ err }, 'failed');
  log.error(err);
  log.error({ err: new Error('wrapper', { cause: new Error(TEXT) }) });
  const text = lines.join('');
  for (const raw of RAW) expect(text).not.toContain(raw);
  const [withMessage, bare, caused] = lines.map((l) => JSON.parse(l));
  expect(withMessage.err.type).toBe('TypeError');
  expect(withMessage.err.message).toBe('cannot parse my email is [email], call me on [phone], card [card]');
  expect(withMessage.err.stack).toMatch(/^TypeError: cannot parse my email is \[email\]/);
  expect(bare.msg).toBe(withMessage.err.message);
  expect(caused.err.message).toMatch(/wrapper: my email is \[email\]/);
  expect(err.message).toBe(`cannot parse ${TEXT}`);
});

it('leaves order numbers, tracking numbers, dates and ids readable', () => {
  const { lines, log } = capture();
  const fields = {
    order: 'order 10042',
    tracking: '1Z12345603123456 78 and 123456789012',
    at: '2026-11-26T01:00:00.000Z',
    id: '0190a0b0-0000-7000-8000-000000000001',
  };
  log.info(fields, 'lookup 10042');
  const [line] = lines.map((l) => JSON.parse(l));
  expect(line).toMatchObject({ ...fields, msg: 'lookup 10042' });
});
