import { decodeAmf0Sequence } from '../amf/amf0';
import { ByteWriter } from '../amf/reader';
import { type AmfLimits, DEFAULT_LIMITS } from '../limits';
import { commandFromValues, writeCommand } from './command-amf0';
import type { CommandMessage } from './types';

/**
 * Command Message AMF3 (type 17). The body is a format byte (0) then AMF0 values, where any
 * value may switch to AMF3 with the avmplus marker 0x11 (how Flash Player sends it).
 */
export function decodeCommandAmf3(payload: Buffer, limits: AmfLimits = DEFAULT_LIMITS): CommandMessage {
  const start = payload.length > 0 && payload[0] === 0 ? 1 : 0;
  return commandFromValues(decodeAmf0Sequence(payload, start, { maxDepth: limits.maxAmfDepth, maxValues: limits.maxAmfValues }), true);
}

export function encodeCommandAmf3(message: CommandMessage): Buffer {
  const w = new ByteWriter();
  w.u8(0);
  writeCommand(w, message);
  return w.toBuffer();
}
