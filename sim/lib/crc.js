'use strict';
/** CRC32 as the RP2040 boot ROM computes it over boot2: poly 0x04c11db7, init ~0, MSB first, no final xor. */
function crc32Boot2(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}
module.exports = { crc32Boot2 };
