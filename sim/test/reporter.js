'use strict';
// node --test reporter writing the project's result format: one line per
// test, "PASS name", "FAIL name: reason" or "SKIP name: reason" (a test
// that called t.skip(reason): it cannot run here, and says why; one
// skipped without a reason prints "SKIP name" alone, which the suite
// runner fails), and "N passed, M failed" once every test file has ended,
// with ", K skipped" when K > 0 (no summary if node dies first: the suite
// runner, tests/run-suite.sh, counts that as a failure). A todo test fails:
// it is not done.
module.exports = async function* tandemReporter(source) {
  let passed = 0, failed = 0, skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details && d.details.type === 'suite') continue; // describe() blocks: their tests are reported
    const name = d.name.replace(/\s+/g, ' ');
    if (event.type === 'test:pass' && !d.skip && !d.todo) {
      passed++;
      yield `PASS ${name}\n`;
    } else if (event.type === 'test:pass' && d.skip) {
      skipped++;
      const why = typeof d.skip === 'string' ? d.skip.replace(/\s+/g, ' ').trim() : '';
      yield why ? `SKIP ${name}: ${why}\n` : `SKIP ${name}\n`;
    } else if (event.type === 'test:pass') {
      failed++;
      yield `FAIL ${name}: a todo test (not done)\n`;
    } else {
      const err = d.details && d.details.error;
      let why = err ? (err.cause && err.cause.message) || err.message || String(err) : 'failed';
      why = String(why).split('\n').filter(Boolean)[0] || 'failed';
      failed++;
      yield `FAIL ${name}: ${why}\n`;
    }
  }
  yield `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
};
