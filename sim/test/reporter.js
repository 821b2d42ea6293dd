'use strict';
// node --test reporter writing the project's result format: one line per
// test, "PASS name" or "FAIL name: reason", and "N passed, M failed" once
// every test file has ended (no summary if node dies first: the suite
// runner, tests/run-suite.sh, counts that as a failure).
module.exports = async function* tandemReporter(source) {
  let passed = 0, failed = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details && d.details.type === 'suite') continue; // describe() blocks: their tests are reported
    const name = d.name.replace(/\s+/g, ' ');
    if (event.type === 'test:pass' && !d.skip && !d.todo) {
      passed++;
      yield `PASS ${name}\n`;
    } else if (event.type === 'test:pass') {
      failed++;
      yield `FAIL ${name}: skipped\n`;
    } else {
      const err = d.details && d.details.error;
      let why = err ? (err.cause && err.cause.message) || err.message || String(err) : 'failed';
      why = String(why).split('\n').filter(Boolean)[0] || 'failed';
      failed++;
      yield `FAIL ${name}: ${why}\n`;
    }
  }
  yield `${passed} passed, ${failed} failed\n`;
};
