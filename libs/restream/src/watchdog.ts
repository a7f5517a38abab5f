/** What the watchdog samples from a live connection. */
export interface DeliverySample {
  /** Bytes written to the socket but not yet taken by the kernel (`publisher.bytesQueued`). */
  readonly socketBytes: number;
  /** Items waiting in the destination queue. */
  readonly queuedItems: number;
  /** The peer's last Acknowledgement sequence number (0 when it never acknowledges). */
  readonly peerAcknowledged: number;
}

/**
 * Stall detection on **delivery progress**, not on "the socket is open": a destination is
 * stalled when it has had something to send for `timeoutMs` and, all that time, the kernel took
 * nothing more from the socket (its write buffer never shrank, no 'drain') and the peer
 * acknowledged nothing new. A connection with nothing to send is never stalled.
 *
 * Pure: the caller samples on a timer and reports 'drain' events, passing the time in.
 */
export class DeliveryWatchdog {
  private lastProgressAt: number;
  private lastSocketBytes = 0;
  private lastAck = 0;

  constructor(
    readonly timeoutMs: number,
    now: number,
  ) {
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0: ${timeoutMs}`);
    this.lastProgressAt = now;
  }

  /** The socket drained: everything written so far reached the kernel. */
  drained(now: number): void {
    this.lastProgressAt = now;
    this.lastSocketBytes = 0;
  }

  /** Returns how long the destination has been stalled (ms), or 0 while it makes progress. */
  sample(sample: DeliverySample, now: number): number {
    const pending = sample.socketBytes > 0 || sample.queuedItems > 0;
    const progressed = sample.socketBytes < this.lastSocketBytes || sample.peerAcknowledged !== this.lastAck;
    this.lastSocketBytes = sample.socketBytes;
    this.lastAck = sample.peerAcknowledged;
    if (!pending || progressed) {
      this.lastProgressAt = now;
      return 0;
    }
    const stalledFor = now - this.lastProgressAt;
    return stalledFor >= this.timeoutMs ? stalledFor : 0;
  }
}
