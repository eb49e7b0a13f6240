// The closing lines of `npm test`, from vitest's JSON report.

const NO_REASON = 'no reason given (it.skip, or left out by -t / .only)';

/**
 * One line per reason tests were skipped (a test states its reason in `meta.skipReason`), then the plain
 * line any CI reads the same way: "N passed, N failed, N skipped", always all three and alone on its line.
 */
export function testSummary(report) {
  const reasons = new Map();
  for (const file of report.testResults ?? [])
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'passed' || t.status === 'failed') continue;
      const reason = t.meta?.skipReason ?? (t.status === 'todo' ? 'todo' : NO_REASON);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return [
    ...[...reasons].map(([reason, n]) => `${n} skipped: ${reason}`),
    `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
  ];
}
