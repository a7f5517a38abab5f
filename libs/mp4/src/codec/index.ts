export * from './aac';
export * from './opus';
export * from './mp3';
export * from './nal';
export * from './av1';
