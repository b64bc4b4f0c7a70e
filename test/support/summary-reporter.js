/** Prints one plain closing line that CI reads: `tests: N passed, N failed` (and skipped, when any). */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed =
      results.numFailedTests +
      (results.numRuntimeErrorTestSuites > 0 && results.numFailedTests === 0 ? results.numRuntimeErrorTestSuites : 0);
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
module.exports = SummaryReporter;
