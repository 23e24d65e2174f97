// The traffic every round-trip benchmark exchanges: an FC3 read of 10 holding registers.
//
//   request  = MBAP header (7 B) + PDU 03 0000 000A (5 B)           = 12 bytes
//   response = MBAP header (7 B) + PDU 03 14 + 10 registers (22 B)  = 29 bytes

/** Registers read per request. */
export const registers = 10;
/** Unit id used by every client. */
export const unitId = 1;
/** Bytes of one Modbus/TCP FC3 request ADU. */
export const requestBytes = 12;
/** Bytes of one Modbus/TCP FC3 response ADU for `registers` registers. */
export const responseBytes = 7 + 2 + 2 * registers;

/** Request ADU with transaction id 0 (bytes 0–1 are overwritten per request). */
export const requestTemplate = Buffer.from([0, 0, 0, 0, 0, 6, unitId, 3, 0, 0, 0, registers]);

/** Response ADU with transaction id 0; register i holds i. */
export const responseTemplate = (() => {
  const b = Buffer.alloc(responseBytes);
  b.writeUInt16BE(responseBytes - 6, 4);
  b[6] = unitId;
  b[7] = 3;
  b[8] = 2 * registers;
  for (let i = 0; i < registers; i++) b.writeUInt16BE(i, 9 + 2 * i);
  return b;
})();
