/** The UI ↔ back-end contract: calls, events, the generic server and client, wire errors. */
export * from './calls';
export * from './events';
export * from './errors';
export * from './define';
export * from './server';
export * from './client';
