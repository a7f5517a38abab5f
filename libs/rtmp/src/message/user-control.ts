import { requireLength } from './payload';
import { UserControlEventType, UserControlMessage } from './types';

const STREAM_EVENTS = {
  [UserControlEventType.StreamBegin]: 'streamBegin',
  [UserControlEventType.StreamEof]: 'streamEof',
  [UserControlEventType.StreamDry]: 'streamDry',
  [UserControlEventType.StreamIsRecorded]: 'streamIsRecorded',
} as const;

/** User Control Message (type 4, spec 7.1.7): 2-byte event type then event data. */
export function decodeUserControl(payload: Buffer): UserControlMessage {
  requireLength(payload, 2, 'User Control');
  const eventType = payload.readUInt16BE(0);
  switch (eventType) {
    case UserControlEventType.StreamBegin:
    case UserControlEventType.StreamEof:
    case UserControlEventType.StreamDry:
    case UserControlEventType.StreamIsRecorded:
      requireLength(payload, 6, 'User Control stream event');
      return { kind: 'userControl', event: STREAM_EVENTS[eventType], streamId: payload.readUInt32BE(2) };
    case UserControlEventType.SetBufferLength:
      requireLength(payload, 10, 'User Control SetBufferLength');
      return {
        kind: 'userControl',
        event: 'setBufferLength',
        streamId: payload.readUInt32BE(2),
        bufferLength: payload.readUInt32BE(6),
      };
    case UserControlEventType.PingRequest:
    case UserControlEventType.PingResponse:
      requireLength(payload, 6, 'User Control ping');
      return {
        kind: 'userControl',
        event: eventType === UserControlEventType.PingRequest ? 'pingRequest' : 'pingResponse',
        timestamp: payload.readUInt32BE(2),
      };
    default:
      return { kind: 'userControl', event: 'unknown', eventType, data: Buffer.from(payload.subarray(2)) };
  }
}

export function encodeUserControl(message: UserControlMessage): Buffer {
  switch (message.event) {
    case 'streamBegin':
    case 'streamEof':
    case 'streamDry':
    case 'streamIsRecorded': {
      const code = {
        streamBegin: UserControlEventType.StreamBegin,
        streamEof: UserControlEventType.StreamEof,
        streamDry: UserControlEventType.StreamDry,
        streamIsRecorded: UserControlEventType.StreamIsRecorded,
      }[message.event];
      const out = Buffer.allocUnsafe(6);
      out.writeUInt16BE(code, 0);
      out.writeUInt32BE(message.streamId >>> 0, 2);
      return out;
    }
    case 'setBufferLength': {
      const out = Buffer.allocUnsafe(10);
      out.writeUInt16BE(UserControlEventType.SetBufferLength, 0);
      out.writeUInt32BE(message.streamId >>> 0, 2);
      out.writeUInt32BE(message.bufferLength >>> 0, 6);
      return out;
    }
    case 'pingRequest':
    case 'pingResponse': {
      const out = Buffer.allocUnsafe(6);
      out.writeUInt16BE(
        message.event === 'pingRequest' ? UserControlEventType.PingRequest : UserControlEventType.PingResponse,
        0,
      );
      out.writeUInt32BE(message.timestamp >>> 0, 2);
      return out;
    }
    case 'unknown': {
      const out = Buffer.allocUnsafe(2 + message.data.length);
      out.writeUInt16BE(message.eventType, 0);
      out.set(message.data, 2);
      return out;
    }
  }
}
