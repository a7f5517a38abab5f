import { decodeAmf0Sequence, writeAmf0 } from '../amf/amf0';
import { ByteWriter } from '../amf/reader';
import type { AmfValue } from '../amf/types';
import { RtmpError } from '../errors';
import { type AmfLimits, DEFAULT_LIMITS } from '../limits';
import type { CommandMessage } from './types';

/** Turns decoded AMF values into a command: name, transaction id, command object, arguments. */
export function commandFromValues(values: AmfValue[], amf3: boolean): CommandMessage {
  const [name, transactionId, commandObject, ...args] = values;
  if (typeof name !== 'string') throw new RtmpError('MESSAGE_INVALID', 'command name is not a string');
  const command: CommandMessage = {
    kind: 'command',
    name,
    transactionId: typeof transactionId === 'number' ? transactionId : 0,
    commandObject: commandObject === undefined && values.length < 3 ? null : commandObject,
    args,
  };
  return amf3 ? { ...command, amf3: true } : command;
}

export function writeCommand(w: ByteWriter, message: CommandMessage): void {
  writeAmf0(w, [message.name, message.transactionId, message.commandObject, ...message.args]);
}

/** Command Message AMF0 (type 20, spec 7.1.1): name, transaction id, command object, arguments. */
export function decodeCommandAmf0(payload: Buffer, limits: AmfLimits = DEFAULT_LIMITS): CommandMessage {
  return commandFromValues(decodeAmf0Sequence(payload, 0, { maxDepth: limits.maxAmfDepth, maxValues: limits.maxAmfValues }), false);
}

export function encodeCommandAmf0(message: CommandMessage): Buffer {
  const w = new ByteWriter();
  writeCommand(w, message);
  return w.toBuffer();
}
