/** Electron IPC channel names used by the preload bridge and the main process. */
export const IPC_CALL_CHANNEL = 'clipscan:call';
export const IPC_EVENT_CHANNEL = 'clipscan:event';

/** What the preload script exposes on `window.clipscan` (the renderer's only door to the back end). */
export interface PreloadBridge {
  invoke(name: string, args: unknown): Promise<unknown>;
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}
