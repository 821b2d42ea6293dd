#!/usr/bin/env node
/*
 * tests/runners/plant.js: a Node test script that throws an uncaught
 * exception after its first test (the 'runners' suite), as a runner script
 * whose code outside its checks fails would.
 */
'use strict';
console.log('TEST plant_one');
console.log('PASS plant_one');
const device = undefined;
console.log(`${device.samples.length} samples`);
console.log('PASS plant_two');
console.log('PASS plant_three');
console.log('3 passed, 0 failed');
