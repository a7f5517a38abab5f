export * from './config';
export * from './health';
export * from './errors';
export * from './auth';
export * from './tokens';
export * from './platforms';
export * from './status';
