const BULLETS = '••••••••';

/**
 * How a saved destination key is shown: 8 bullets and the last 4 characters, enough to tell
 * keys apart. Keys shorter than 12 are fully masked, so at least 8 characters stay hidden.
 */
export function maskKey(key: string): string {
  return key.length < 12 ? BULLETS : BULLETS + key.slice(-4);
}
