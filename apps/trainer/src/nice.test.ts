import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

// In a process of its own: lowering a priority cannot be undone without privileges.
const priorityAfter = (nice: number): number =>
  Number(
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { lowerPriority } = await import(${JSON.stringify(new URL('./nice.ts', import.meta.url).pathname)});
         lowerPriority(${nice});
         console.log((await import('node:os')).getPriority());`,
      ],
      { encoding: 'utf8' },
    ).trim(),
  );

it('lowers the process to the nice value it is given (the env gives 10 unless TRAINER_NICE says)', () => {
  const start = Number(
    execFileSync(process.execPath, ['-p', 'require("os").getPriority()'], { encoding: 'utf8' }),
  );
  // Without privileges a process can only lower its priority (raise its nice value).
  const expected = (nice: number) => (process.getuid?.() === 0 || nice >= start ? nice : start);
  expect(priorityAfter(10)).toBe(expected(10));
  expect(priorityAfter(15)).toBe(expected(15));
});
