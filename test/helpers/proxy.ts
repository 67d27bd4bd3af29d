// The freezable TCP proxy of the chaos run (bench/chaos/proxy.ts), for the database-freeze tests: one
// copy of it for both.
export { FreezableProxy } from '../../bench/chaos/proxy.js';
