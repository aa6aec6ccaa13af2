/**
 * The renderer's one door to the back end: the typed contract client over the
 * preload bridge (Electron) or HTTP (browser mode). main.ts connects once and
 * hands the client over with `setApi`; stores and viewer modules read it with
 * `useApi()` and never know which transport it runs on. In both, binary calls
 * (file bytes) are a GET of the page's own origin (src-shared/contract/binary-get.ts):
 * the `app://` protocol in Electron, the HTTP server in browser mode. A unit test sets a
 * client over a fake transport instead (tests/unit/renderer).
 *
 *   setApi(connectToBackend());                         // main.ts, before mounting
 *   const info = await useApi().call(appCalls.info, {});
 */
import { createContractClient, type ContractClient, type ContractTransport } from '../../src-shared/contract/client';
import type { CallOutcome } from '../../src-shared/contract/errors';
import { createHttpTransport, readLaunchToken } from './http-transport';
import { binaryCallUrl } from '../../src-shared/contract/binary-get';
import { outcomeOf } from './binary-fetch';

let current: ContractClient | null = null;

function preloadTransport(bridge: NonNullable<Window['clipscan']>): ContractTransport {
  return {
    invoke: async (name, args, binary) =>
      binary ? outcomeOf(await fetch(binaryCallUrl(name, args))) : ((await bridge.invoke(name, args)) as CallOutcome<unknown>),
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

/** The client for the page this renderer runs in: the preload bridge when Electron gave one, else browser mode's HTTP API. */
export function connectToBackend(): ContractClient {
  return createContractClient(window.clipscan ? preloadTransport(window.clipscan) : createHttpTransport(readLaunchToken()));
}

export function setApi(client: ContractClient): void {
  current = client;
}

export function useApi(): ContractClient {
  if (!current) throw new Error('The back-end API is not set: main.ts calls setApi(connectToBackend()) before mounting the app.');
  return current;
}
