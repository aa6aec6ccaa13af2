/**
 * A fake back end for the renderer's store tests: the real contract client
 * (arguments, results and events are validated as in the app) over an
 * in-memory transport that answers each call from a function the test gives,
 * records what was sent, and pushes events to the stores. Also a fresh Pinia
 * and an in-memory localStorage, which the viewer store reads.
 *
 *   const backend = useFakeBackend();                       // in a describe: fresh per test
 *   backend.answer(scanCalls.start, () => ({ scanId: 7 }));
 *   await useScansStore().start(['1.2.3']);
 *   expect(backend.sent(scanCalls.start)).toEqual([{ seriesInstanceUids: ['1.2.3'], ... }]);
 *   backend.emit('scans.progress', { ... });
 */
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, vi } from 'vitest';
import { setApi } from '../../../src-renderer/bridge/api';
import { createContractClient, type ContractClient } from '../../../src-shared/contract/client';
import type { CallArgs, CallResult, CallSpec } from '../../../src-shared/contract/define';
import { toWireError } from '../../../src-shared/contract/errors';
import type { EventName, EventPayload } from '../../../src-shared/contract/events';

type Answer = (args: unknown) => unknown;

export interface FakeBackend {
  readonly api: ContractClient;
  /** How the back end answers a call from now on; a call without an answer fails with a message naming it. */
  answer<C extends CallSpec>(call: C, answer: (args: CallArgs<C>) => CallResult<C> | Promise<CallResult<C>>): void;
  /** The arguments of every time `call` was made, in order (as sent on the wire, after validation). */
  sent<C extends CallSpec>(call: C): CallArgs<C>[];
  /** Pushes an event to every subscribed store. */
  emit<K extends EventName>(name: K, payload: EventPayload<K>): void;
}

export function createFakeBackend(): FakeBackend {
  const answers = new Map<string, Answer>();
  const log: { name: string; args: unknown }[] = [];
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const api = createContractClient({
    async invoke(name, args) {
      log.push({ name, args });
      const answer = answers.get(name);
      if (!answer) return { ok: false, error: { name: 'Error', message: `The fake back end has no answer for ${name}.` } };
      try {
        return { ok: true, value: await answer(args) };
      } catch (err) {
        return { ok: false, error: toWireError(err) };
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  return {
    api,
    answer: (call, answer) => answers.set(call.name, answer as Answer),
    sent: <C extends CallSpec>(call: C) => log.filter((c) => c.name === call.name).map((c) => c.args as CallArgs<C>),
    emit: (name, payload) => {
      for (const listener of listeners) listener(name, payload);
    },
  };
}

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

/** A fresh fake back end, Pinia and localStorage before each test of the calling file; the object always refers to the current one. */
export function useFakeBackend(): FakeBackend {
  let current = createFakeBackend();
  beforeEach(() => {
    current = createFakeBackend();
    setApi(current.api);
    setActivePinia(createPinia());
    vi.stubGlobal('localStorage', memoryStorage());
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });
  return {
    get api() {
      return current.api;
    },
    answer: (call, answer) => current.answer(call, answer),
    sent: (call) => current.sent(call),
    emit: (name, payload) => current.emit(name, payload),
  };
}
