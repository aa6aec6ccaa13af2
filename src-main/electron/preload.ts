/**
 * The preload script (sandboxed, context-isolated): exposes exactly two
 * functions on `window.clipscan`, to invoke a contract call and to receive
 * events. The renderer never sees `ipcRenderer` itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type PreloadBridge } from '../../src-shared/contract/ipc-channels';

const bridge: PreloadBridge = {
  invoke: (name, args) => ipcRenderer.invoke(IPC_CALL_CHANNEL, String(name), args),
  subscribe(listener) {
    const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
};

contextBridge.exposeInMainWorld('clipscan', bridge);
