/** Chunk stream ids our sessions send on (any 2..65599 would do; these match common peers). */
export const Csid = {
  /** Protocol control messages (spec 5.4: chunk stream 2, message stream 0). */
  Control: 2,
  /** NetConnection commands and their responses. */
  Command: 3,
  /** NetStream commands, onStatus and data messages. */
  Stream: 5,
  Audio: 4,
  Video: 6,
} as const;
