/**
 * The Content-Security-Policy of the renderer, shared by Electron (`app://`)
 * and browser mode. Cornerstone needs WebAssembly (`wasm-unsafe-eval`) for its
 * codecs and module workers from its own origin; nothing else is loosened.
 */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
