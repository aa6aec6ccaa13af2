/**
 * The renderer's one door to the back end: the typed contract client over the
 * preload bridge (Electron) or HTTP (browser mode). main.ts connects once and
 * hands the client over with `setApi`; stores and viewer modules read it with
 * `useApi()` and never know which transport it runs on. In both, binary calls
 * (file bytes) are a GET of the page's own origin (src-shared/contract/binary-get.ts):
 * the `app://` protocol in Electron, the HTTP server in browser mode; `binaryGetRequest`
 * gives such a GET to code that fetches outside the client (the viewer's file-reading worker). A unit test sets a
 * client over a fake transport instead (tests/unit/renderer).
 *
 *   setApi(connectToBackend());                         // main.ts, before mounting
 *   const info = await useApi().call(appCalls.info, {});
 */
import { createContractClient, type ContractClient, type ContractTransport } from '../../src-shared/contract/client';
import type { CallOutcome } from '../../src-shared/contract/errors';
import { createHttpTransport, readLaunchToken } from './http-transport';
import { TOKEN_HEADER } from '../../src-shared/contract/http-protocol';
import { binaryCallUrl } from '../../src-shared/contract/binary-get';
import { outcomeOf } from './binary-fetch';

let current: ContractClient | null = null;
/** What a binary GET made outside the client (a worker's fetch) must send: the token in browser mode, nothing in Electron. */
let binaryGetHeaders: Record<string, string> = {};

function preloadTransport(bridge: NonNullable<Window['clipscan']>): ContractTransport {
  return {
    invoke: async (name, args, binary) =>
      binary ? outcomeOf(await fetch(binaryCallUrl(name, args))) : ((await bridge.invoke(name, args)) as CallOutcome<unknown>),
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

/** The client for the page this renderer runs in: the preload bridge when Electron gave one, else browser mode's HTTP API. */
export function connectToBackend(): ContractClient {
  if (window.clipscan) return createContractClient(preloadTransport(window.clipscan));
  const token = readLaunchToken();
  binaryGetHeaders = { [TOKEN_HEADER]: token };
  return createContractClient(createHttpTransport(token));
}

/**
 * A binary call as a plain request that any context of this page can make
 * (a worker's `fetch`): its absolute URL (the app:// protocol in Electron,
 * the server in browser mode) and the headers it needs.
 */
export function binaryGetRequest(name: string, args: unknown): { url: string; headers: Record<string, string> } {
  return { url: new URL(binaryCallUrl(name, args), window.location.href).href, headers: binaryGetHeaders };
}

export function setApi(client: ContractClient): void {
  current = client;
}

export function useApi(): ContractClient {
  if (!current) throw new Error('The back-end API is not set: main.ts calls setApi(connectToBackend()) before mounting the app.');
  return current;
}
