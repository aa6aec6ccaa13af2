/**
 * The generic server side of the contract: validates a call's name and
 * arguments, runs its handler, validates the result and wraps the outcome in a
 * `CallOutcome`. Electron's ipcMain and the browser-mode HTTP server both call
 * `dispatch`; neither knows any call by name.
 */
import { callsByName, type Contract } from './calls';
import type { HandlersFor } from './define';
import { events, type EventName, type EventPayload } from './events';
import { ClipScanError, toWireError, type CallOutcome } from './errors';

/** One handler per call, grouped like `contract`: `handlers.scans.start` handles `scanCalls.start`. */
export type CallHandlers = {
  [G in keyof Contract]: HandlersFor<Contract[G]>;
};

export type EventSink = <K extends EventName>(name: K, payload: EventPayload<K>) => void;

export interface ContractServer {
  dispatch(name: string, rawArgs: unknown): Promise<CallOutcome<unknown>>;
  isBinary(name: string): boolean;
}

export function createContractServer(handlers: CallHandlers): ContractServer {
  return {
    isBinary: (name) => callsByName.get(name)?.spec.binary === true,
    async dispatch(name, rawArgs) {
      try {
        const entry = callsByName.get(name);
        if (!entry) throw new ClipScanError('UNKNOWN_CALL', `There is no call named "${name}".`);
        const { spec } = entry;
        const parsed = spec.args.safeParse(rawArgs ?? {});
        if (!parsed.success) {
          throw new ClipScanError('BAD_ARGUMENTS', `Invalid arguments for ${name}: ${parsed.error.message}`);
        }
        const handler = (handlers[entry.group] as Record<string, (args: unknown) => Promise<unknown>>)[entry.key]!;
        const value = await handler(parsed.data);
        const checked = spec.result.safeParse(value);
        if (!checked.success) {
          throw new ClipScanError('BAD_RESULT', `The back end produced an invalid result for ${name}: ${checked.error.message}`);
        }
        return { ok: true, value: checked.data };
      } catch (err) {
        return { ok: false, error: toWireError(err) };
      }
    },
  };
}

/**
 * The same handlers, each error that escapes one first passed through `translate` (the back end turns the case
 * log's SQLite errors into ClipScanErrors that name the file and the cause), so every transport sends the same.
 */
export function translateHandlerErrors(handlers: CallHandlers, translate: (err: unknown) => unknown): CallHandlers {
  const wrapGroup = (group: Record<string, (args: unknown) => Promise<unknown>>) =>
    Object.fromEntries(
      Object.entries(group).map(([key, handler]) => [
        key,
        async (args: unknown) => {
          try {
            return await handler(args);
          } catch (err) {
            throw translate(err);
          }
        },
      ]),
    );
  return Object.fromEntries(
    Object.entries(handlers).map(([name, group]) => [name, wrapGroup(group as Record<string, (args: unknown) => Promise<unknown>>)]),
  ) as CallHandlers;
}

/** Validates an event payload before it is sent, so a bad emitter fails loudly at its source. */
export function checkedEventSink(send: (name: string, payload: unknown) => void): EventSink {
  return (name, payload) => {
    const parsed = events[name].payload.parse(payload);
    send(name, parsed);
  };
}
