export * from './errors.js';
export * from './sm3.js';
export * from './sm4.js';
export * from './keys.js';
export * from './sm2.js';
