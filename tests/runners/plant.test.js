'use strict';
// tests/runners/plant.test.js: node tests for the emulator suite's reporter
// (sim/test/reporter.js), run by the 'runners' suite (tests/runners/run.sh):
// one passes, one is skipped with its reason, one without.
const test = require('node:test');

test('plant_one', () => {});
test('plant_two', (t) => { t.skip('not on this machine'); });
test('plant_three', (t) => { t.skip(); });
