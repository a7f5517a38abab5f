/**
 * Time and randomness are injected everywhere in the engine so tests are deterministic:
 * a test passes `() => now` and a seeded or scripted random source, never real time.
 */

/** Milliseconds from an arbitrary origin. Only differences are meaningful. */
export type Clock = () => number;

/** A uniform number in `[0, 1)`, like `Math.random`. */
export type RandomSource = () => number;

/**
 * Monotonic milliseconds (`performance.now()`): durations and deadlines must not jump when NTP
 * steps the wall clock. Convert to wall time only at the edge (API, UI).
 */
export const monotonicClock: Clock = () => performance.now();

export const mathRandom: RandomSource = () => Math.random();
