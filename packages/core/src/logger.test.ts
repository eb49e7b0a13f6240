import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from './logger.ts';

it('never writes secrets or contact details to the log', () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger({ name: 'test', destination });
  log.info(
    {
      req: { headers: { authorization: 'Bearer sk_live_abc' } },
      body: { customerToken: 'tok', email: 'a@b.c' },
    },
    'turn',
  );
  log.info({ password: 'hunter2', apiKey: 'sk_live_def' }, 'login');
  const text = lines.join('');
  expect(text).toContain('"msg":"turn"');
  for (const secret of ['sk_live_abc', 'tok"', 'a@b.c', 'hunter2', 'sk_live_def'])
    expect(text).not.toContain(secret);
});
