/**
 * The generic client side of the contract. A transport moves a call's name and
 * arguments and brings back a `CallOutcome`; this module validates arguments
 * before sending, validates results and events on arrival, and turns a wire
 * error back into an Error with the remote name, message and stack.
 *
 *   const api = createContractClient(transport);
 *   const info = await api.call(appCalls.info, {});
 *   const stop = api.on('app.notice', (n) => console.log(n.message));
 */
import { callsByName } from './calls';
import type { CallArgs, CallResult, CallSpec } from './define';
import { events, isEventName, type EventName, type EventPayload } from './events';
import { fromWireError, type CallOutcome } from './errors';

export interface ContractTransport {
  invoke(name: string, args: unknown, binary: boolean): Promise<CallOutcome<unknown>>;
  /** Receives every event; returns an unsubscribe function. */
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

export interface ContractClient {
  /** Runs one call of `contract` (e.g. `scanCalls.start`); it travels by its wire name. */
  call<C extends CallSpec>(call: C, args: CallArgs<C>): Promise<CallResult<C>>;
  on<K extends EventName>(name: K, listener: (payload: EventPayload<K>) => void): () => void;
}

export function createContractClient(transport: ContractTransport): ContractClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let unsubscribe: (() => void) | null = null;

  function ensureSubscribed() {
    if (unsubscribe) return;
    unsubscribe = transport.subscribe((name, payload) => {
      if (!isEventName(name)) return;
      const parsed = events[name].payload.safeParse(payload);
      if (!parsed.success) {
        console.error(`Ignored malformed event ${name}: ${parsed.error.message}`);
        return;
      }
      for (const listener of listeners.get(name) ?? []) listener(parsed.data);
    });
  }

  return {
    async call<C extends CallSpec>(spec: C, args: CallArgs<C>) {
      if (callsByName.get(spec.name)?.spec !== spec) throw new Error(`${spec.name} is not a call of the contract (src-shared/contract/calls.ts).`);
      const checkedArgs = spec.args.parse(args);
      const outcome = await transport.invoke(spec.name, checkedArgs, spec.binary === true);
      if (!outcome.ok) throw fromWireError(outcome.error);
      return spec.result.parse(outcome.value) as CallResult<C>;
    },
    on(name, listener) {
      ensureSubscribed();
      const set = listeners.get(name) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(name, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}
