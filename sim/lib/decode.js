'use strict';
// Classification of every 16-bit Thumb opcode for ARMv6-M: which ones the
// stock rp2040js core can execute as they are (kind 0), and which ones the
// simulator handles itself (faults, hints, sleep, events, BLX Thumb check,
// 32-bit encodings).

const K = {
  PLAIN: 0,
  UNDEF: 1,   // not an ARMv6-M instruction: HardFault
  UDF: 2,     // UDF #imm8 (permanently undefined): HardFault
  BKPT: 3,
  SVC: 4,
  WFE: 5,
  WFI: 6,
  SEV: 7,
  HINT: 8,    // NOP, YIELD and the reserved hints (execute as NOP)
  BLX: 9,
  WIDE: 10,   // first halfword of a 32-bit instruction
  PUSHLR: 11, // PUSH {..., lr}: the stock core does not charge the LR store
};

function classify(op) {
  const top5 = op >>> 11;
  if (top5 === 0x1d) return K.UNDEF;                 // 11101: 32-bit space not in ARMv6-M
  if (top5 === 0x1e || top5 === 0x1f) return K.WIDE; // 11110, 11111
  if ((op & 0xff80) === 0x4780) return K.BLX;
  if ((op & 0xff00) === 0xde00) return K.UDF;
  if ((op & 0xff00) === 0xdf00) return K.SVC;
  if ((op & 0xf000) === 0xb000) {
    const o = (op >>> 5) & 0x7f; // bits 11:5
    if ((o & 0x78) === 0x00) return K.PLAIN;          // ADD/SUB SP, #imm
    if ((o & 0x78) === 0x08 || (o & 0x78) === 0x18) return K.UNDEF; // CBZ
    if ((o & 0x78) === 0x48 || (o & 0x78) === 0x58) return K.UNDEF; // CBNZ
    if ((o & 0x78) === 0x10) return K.PLAIN;          // SXTH/SXTB/UXTH/UXTB
    if ((o & 0x70) === 0x20) return op & 0x100 ? K.PUSHLR : K.PLAIN; // PUSH
    if (op === 0xb662 || op === 0xb672) return K.PLAIN; // CPSIE i / CPSID i
    if ((o & 0x78) === 0x30 || (o & 0x78) === 0x38) return K.UNDEF; // other 0110xxx/0111xxx
    if ((o & 0x78) === 0x40) return K.UNDEF;          // 1000xxx
    if ((o & 0x78) === 0x50) {                        // 1010xxx: REV family
      return (o & 0x06) === 0x04 ? K.UNDEF : K.PLAIN;  // 101010x undefined
    }
    if ((o & 0x70) === 0x60) return K.PLAIN;          // POP
    if ((o & 0x78) === 0x70) return K.BKPT;           // 1110xxx
    if ((o & 0x78) === 0x78) {                        // 1111xxx: hints / IT
      if (op & 0xf) return K.UNDEF;                   // IT: not in ARMv6-M
      switch ((op >>> 4) & 0xf) {
        case 2: return K.WFE;
        case 3: return K.WFI;
        case 4: return K.SEV;
        default: return K.HINT;
      }
    }
    return K.UNDEF;
  }
  return K.PLAIN;
}

let table = null;
function classifyOpcodes() {
  if (table) return table;
  table = new Uint8Array(65536);
  for (let op = 0; op < 65536; op++) table[op] = classify(op);
  return table;
}

module.exports = { K, classify, classifyOpcodes };
