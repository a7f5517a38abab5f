import { RtmpError } from '../errors';
import { type AmfLimits, DEFAULT_LIMITS } from '../limits';
import { decodeAbort, encodeAbort } from './abort';
import { decodeAcknowledgement, encodeAcknowledgement } from './acknowledgement';
import { decodeAggregate, encodeAggregate } from './aggregate';
import { decodeAudio, encodeAudio } from './audio';
import { decodeCommandAmf0, encodeCommandAmf0 } from './command-amf0';
import { decodeCommandAmf3, encodeCommandAmf3 } from './command-amf3';
import { decodeDataAmf0, encodeDataAmf0 } from './data-amf0';
import { decodeDataAmf3, encodeDataAmf3 } from './data-amf3';
import { decodeSetChunkSize, encodeSetChunkSize } from './set-chunk-size';
import { decodeSetPeerBandwidth, encodeSetPeerBandwidth } from './set-peer-bandwidth';
import { MessageType, RtmpMessage } from './types';
import { decodeUserControl, encodeUserControl } from './user-control';
import { decodeVideo, encodeVideo } from './video';
import { decodeWindowAckSize, encodeWindowAckSize } from './window-ack-size';

export * from './types';
export * from './abort';
export * from './acknowledgement';
export * from './aggregate';
export * from './audio';
export { decodeCommandAmf0, encodeCommandAmf0 } from './command-amf0';
export * from './command-amf3';
export * from './data-amf0';
export * from './data-amf3';
export * from './set-chunk-size';
export * from './set-peer-bandwidth';
export * from './user-control';
export * from './video';
export * from './window-ack-size';

/**
 * Decodes a message body by type. Never throws anything but RtmpError: truncated bodies are
 * MESSAGE_TRUNCATED, bad AMF is AMF_*. Unknown types come back as `kind: 'unknown'`.
 */
export function decodeMessage(type: number, payload: Buffer, limits: AmfLimits = DEFAULT_LIMITS): RtmpMessage {
  switch (type) {
    case MessageType.SetChunkSize:
      return decodeSetChunkSize(payload);
    case MessageType.Abort:
      return decodeAbort(payload);
    case MessageType.Acknowledgement:
      return decodeAcknowledgement(payload);
    case MessageType.UserControl:
      return decodeUserControl(payload);
    case MessageType.WindowAckSize:
      return decodeWindowAckSize(payload);
    case MessageType.SetPeerBandwidth:
      return decodeSetPeerBandwidth(payload);
    case MessageType.Audio:
      return decodeAudio(payload);
    case MessageType.Video:
      return decodeVideo(payload);
    case MessageType.DataAmf3:
      return decodeDataAmf3(payload, limits);
    case MessageType.CommandAmf3:
      return decodeCommandAmf3(payload, limits);
    case MessageType.DataAmf0:
      return decodeDataAmf0(payload, limits);
    case MessageType.CommandAmf0:
      return decodeCommandAmf0(payload, limits);
    case MessageType.Aggregate:
      return decodeAggregate(payload);
    default:
      return { kind: 'unknown', type, payload };
  }
}

/** Encodes a message body; returns its type id and payload. */
export function encodeMessage(message: RtmpMessage): { type: number; payload: Buffer } {
  switch (message.kind) {
    case 'setChunkSize':
      return { type: MessageType.SetChunkSize, payload: encodeSetChunkSize(message) };
    case 'abort':
      return { type: MessageType.Abort, payload: encodeAbort(message) };
    case 'acknowledgement':
      return { type: MessageType.Acknowledgement, payload: encodeAcknowledgement(message) };
    case 'userControl':
      return { type: MessageType.UserControl, payload: encodeUserControl(message) };
    case 'windowAckSize':
      return { type: MessageType.WindowAckSize, payload: encodeWindowAckSize(message) };
    case 'setPeerBandwidth':
      return { type: MessageType.SetPeerBandwidth, payload: encodeSetPeerBandwidth(message) };
    case 'audio':
      return { type: MessageType.Audio, payload: encodeAudio(message) };
    case 'video':
      return { type: MessageType.Video, payload: encodeVideo(message) };
    case 'command':
      return message.amf3
        ? { type: MessageType.CommandAmf3, payload: encodeCommandAmf3(message) }
        : { type: MessageType.CommandAmf0, payload: encodeCommandAmf0(message) };
    case 'data':
      return message.amf3
        ? { type: MessageType.DataAmf3, payload: encodeDataAmf3(message) }
        : { type: MessageType.DataAmf0, payload: encodeDataAmf0(message) };
    case 'aggregate':
      return { type: MessageType.Aggregate, payload: encodeAggregate(message) };
    case 'unknown':
      if (!Number.isInteger(message.type) || message.type < 0 || message.type > 255) {
        throw new RtmpError('INVALID_ARGUMENT', `message type ${message.type}`);
      }
      return { type: message.type, payload: message.payload };
  }
}
