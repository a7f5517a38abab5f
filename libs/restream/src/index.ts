export * from './clock';
export * from './media';
export * from './backoff';
export * from './bounded-queue';
export * from './gop-cache';
export * from './rate-meter';
export * from './state';
