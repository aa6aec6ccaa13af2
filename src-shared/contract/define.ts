/**
 * Building blocks of the UI ↔ back-end contract: a call is a name with zod
 * schemas for its arguments and result; an event is a name with a payload schema.
 * `calls.ts` and `events.ts` list them; nothing else may cross the boundary.
 */
import type { z } from 'zod';

export interface CallSpec<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly args: A;
  readonly result: R;
  /** The result is raw bytes (`Uint8Array`), sent without JSON encoding. */
  readonly binary?: boolean;
  readonly summary: string;
}

export function defineCall<A extends z.ZodType, R extends z.ZodType>(spec: CallSpec<A, R>): CallSpec<A, R> {
  return spec;
}

export interface EventSpec<P extends z.ZodType = z.ZodType> {
  readonly payload: P;
  readonly summary: string;
}

export function defineEvent<P extends z.ZodType>(spec: EventSpec<P>): EventSpec<P> {
  return spec;
}
