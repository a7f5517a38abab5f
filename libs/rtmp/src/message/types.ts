import type { AmfObject, AmfValue } from '../amf/types';

/** Message type ids (spec sections 5.4, 6.2, 7.1). */
export const MessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  UserControl: 4,
  WindowAckSize: 5,
  SetPeerBandwidth: 6,
  Audio: 8,
  Video: 9,
  DataAmf3: 15,
  SharedObjectAmf3: 16,
  CommandAmf3: 17,
  DataAmf0: 18,
  SharedObjectAmf0: 19,
  CommandAmf0: 20,
  Aggregate: 22,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export interface SetChunkSizeMessage {
  readonly kind: 'setChunkSize';
  readonly chunkSize: number;
}

export interface AbortMessage {
  readonly kind: 'abort';
  readonly csid: number;
}

export interface AcknowledgementMessage {
  readonly kind: 'acknowledgement';
  /** Bytes received so far, modulo 2^32. */
  readonly sequenceNumber: number;
}

export interface WindowAckSizeMessage {
  readonly kind: 'windowAckSize';
  readonly windowSize: number;
}

export const PeerBandwidthLimit = { Hard: 0, Soft: 1, Dynamic: 2 } as const;
export type PeerBandwidthLimit = (typeof PeerBandwidthLimit)[keyof typeof PeerBandwidthLimit];

export interface SetPeerBandwidthMessage {
  readonly kind: 'setPeerBandwidth';
  readonly windowSize: number;
  readonly limitType: PeerBandwidthLimit;
}

/** User Control event types (spec section 7.1.7). */
export const UserControlEventType = {
  StreamBegin: 0,
  StreamEof: 1,
  StreamDry: 2,
  SetBufferLength: 3,
  StreamIsRecorded: 4,
  PingRequest: 6,
  PingResponse: 7,
} as const;

export type UserControlEvent =
  | { readonly event: 'streamBegin' | 'streamEof' | 'streamDry' | 'streamIsRecorded'; readonly streamId: number }
  | { readonly event: 'setBufferLength'; readonly streamId: number; readonly bufferLength: number }
  | { readonly event: 'pingRequest' | 'pingResponse'; readonly timestamp: number }
  /** Events outside the spec (e.g. FMS BufferEmpty 31 / BufferReady 32), kept as raw bytes. */
  | { readonly event: 'unknown'; readonly eventType: number; readonly data: Buffer };

export type UserControlMessage = { readonly kind: 'userControl' } & UserControlEvent;

export interface CommandMessage {
  readonly kind: 'command';
  readonly name: string;
  readonly transactionId: number;
  /** The command object, or `null`. */
  readonly commandObject: AmfObject | null | AmfValue;
  /** Optional arguments after the command object. */
  readonly args: readonly AmfValue[];
  /** Arrived as (or is to be sent as) message type 17 rather than 20. */
  readonly amf3?: boolean;
}

export interface DataMessage {
  readonly kind: 'data';
  /** All values; by convention the first is a handler name such as "@setDataFrame" or "onMetaData". */
  readonly values: readonly AmfValue[];
  readonly amf3?: boolean;
}

export interface AudioMessage {
  readonly kind: 'audio';
  readonly payload: Buffer;
}

export interface VideoMessage {
  readonly kind: 'video';
  readonly payload: Buffer;
}

export interface AggregateMessage {
  readonly kind: 'aggregate';
  readonly payload: Buffer;
}

/** Shared object messages and unassigned types: passed through as bytes. */
export interface UnknownMessage {
  readonly kind: 'unknown';
  readonly type: number;
  readonly payload: Buffer;
}

export type RtmpMessage =
  | SetChunkSizeMessage
  | AbortMessage
  | AcknowledgementMessage
  | WindowAckSizeMessage
  | SetPeerBandwidthMessage
  | UserControlMessage
  | CommandMessage
  | DataMessage
  | AudioMessage
  | VideoMessage
  | AggregateMessage
  | UnknownMessage;
