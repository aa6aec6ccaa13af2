/**
 * The renderer's one door to the back end: the typed contract client over the
 * preload bridge (Electron) or HTTP (browser mode). UI code imports `api` and
 * never knows which transport it runs on.
 *
 *   const info = await api.call(appCalls.info, {});
 */
import { createContractClient, type ContractTransport } from '../../src-shared/contract/client';
import type { CallOutcome } from '../../src-shared/contract/errors';
import { createHttpTransport, readLaunchToken } from './http-transport';

function preloadTransport(bridge: NonNullable<Window['clipscan']>): ContractTransport {
  return {
    invoke: async (name, args) => (await bridge.invoke(name, args)) as CallOutcome<unknown>,
    subscribe: (listener) => bridge.subscribe(listener),
  };
}

export const api = createContractClient(window.clipscan ? preloadTransport(window.clipscan) : createHttpTransport(readLaunchToken()));
