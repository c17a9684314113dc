// Prints "N passed, N failed, N skipped" from vitest's JSON report; exits 1 when anything failed
// or when there is no report (setup, lint or typecheck stopped the run before vitest).
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results/vitest.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed, 0 skipped');
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A suite that fails with no failing test (an import error) still counts, once.
const failedTests = report.numFailedTests ?? 0;
// The global teardown's root-namespace check is one more test, failed when its marker exists
// (test/support/global-setup.ts writes it with what changed).
const rootChanged = existsSync('test-results/root-namespace-changed.txt') ? 1 : 0;
const failed = (failedTests > 0 ? failedTests : (report.numFailedTestSuites ?? 0)) + rootChanged;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || report.success === false || passed === 0 ? 1 : 0);
