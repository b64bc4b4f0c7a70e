export * from './locales';
export * from './catalog';
export * from './locale-queries';
