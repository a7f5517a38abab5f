export * from './box-header';
export * from './source';
export * from './init';
export * from './fragment';
export * from './scan';
