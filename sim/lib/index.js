'use strict';
// Programmatic API of tandem-sim. See README.md, "JavaScript API".
const { Simulator, STATE_NAMES } = require('./simulator');
const { I2CBus, RegisterDevice, HoldingDevice, StuckDataTarget } = require('./i2c');
const { UserError, parseElf, parseUf2 } = require('./loader');
const { crc32Boot2 } = require('./crc');
const { MPU6050, BMP280, createDevice, bmp280Compensate } = require('./devices');
module.exports = {
  Simulator, STATE_NAMES, I2CBus, RegisterDevice, HoldingDevice, StuckDataTarget, UserError, parseElf, parseUf2, crc32Boot2,
  MPU6050, BMP280, createDevice, bmp280Compensate,
};
