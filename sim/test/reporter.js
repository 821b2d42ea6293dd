'use strict';
// node --test reporter writing the project's result format: one line per
// test, "PASS name" or "FAIL name: reason".
module.exports = async function* tandemReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details && d.details.type === 'suite') continue; // describe() blocks: their tests are reported
    const name = d.name.replace(/\s+/g, ' ');
    if (event.type === 'test:pass') {
      if (d.skip || d.todo) yield `FAIL ${name}: skipped\n`;
      else yield `PASS ${name}\n`;
    } else {
      const err = d.details && d.details.error;
      let why = err ? (err.cause && err.cause.message) || err.message || String(err) : 'failed';
      why = String(why).split('\n').filter(Boolean)[0] || 'failed';
      yield `FAIL ${name}: ${why}\n`;
    }
  }
};
