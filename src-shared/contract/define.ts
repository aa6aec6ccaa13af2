/**
 * Building blocks of the UI ↔ back-end contract: a call is an object with its
 * wire name and zod schemas for its arguments and result; an event is a name
 * with a payload schema. Code refers to a call by its object, never by its
 * name, so that "find references" on a definition lists every caller and
 * its handler:
 *
 *   export const scanCalls = { start: defineCall({ name: 'scans.start', summary, args, result }) };
 *   await api.call(scanCalls.start, { ... });                        // the renderer
 *   const handlers: HandlersFor<typeof scanCalls> = { start: ... };  // the back end
 *
 * `calls.ts` and `events.ts` list them; nothing else may cross the boundary.
 */
import type { z } from 'zod';

export interface CallSpec<N extends string = string, A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  /** The name on the wire (IPC and HTTP), e.g. `scans.start`. */
  readonly name: N;
  readonly args: A;
  readonly result: R;
  /** The result is raw bytes (`Uint8Array`), sent without JSON encoding. */
  readonly binary?: boolean;
  readonly summary: string;
}

export function defineCall<N extends string, A extends z.ZodType, R extends z.ZodType>(spec: CallSpec<N, A, R>): CallSpec<N, A, R> {
  return spec;
}

/** What a caller passes, and what it gets back, for one call. */
export type CallArgs<C extends CallSpec> = z.input<C['args']>;
export type CallResult<C extends CallSpec> = z.output<C['result']>;

/** The calls of one part of the contract (one `*-calls.ts` file), by their short name. */
export type CallGroup = Readonly<Record<string, CallSpec>>;

/**
 * The back end's handlers of one group, under the same short names: the IDE
 * links each handler to its call definition (go to definition, find references).
 */
export type HandlersFor<G extends CallGroup> = {
  [K in keyof G]: (args: CallArgs<G[K]>) => Promise<CallResult<G[K]>>;
};

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  readonly summary: string;
}

export function defineEvent<P extends z.ZodType>(spec: EventSpec<P>): EventSpec<P> {
  return spec;
}
