/// <reference types="vite/client" />
// Type shims for the renderer: .vue single-file components and the preload bridge.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface Window {
  clipscan?: import('../src-shared/contract/ipc-channels').PreloadBridge;
}
