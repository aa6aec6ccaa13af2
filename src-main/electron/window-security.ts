/**
 * The pure, testable half of the Electron window's security: web preferences,
 * which URLs belong to the app, and which IPC senders are trusted. `main.ts`
 * applies these; this file must not import `electron` so plain Node can test it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'clipscan';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface SecureWebPreferences {
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webviewTag: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  spellcheck: false;
  preload: string;
}

export function secureWebPreferences(preloadPath: string): SecureWebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    preload: preloadPath,
  };
}

/** True when `url` is a page of the app itself (scheme, host and no credentials). */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** IPC is accepted only from the app's own top-level frame. */
export function isTrustedSender(sender: { url: string | undefined | null; isMainFrame: boolean }): boolean {
  return sender.isMainFrame && isAppUrl(sender.url);
}

/**
 * Permission requests and checks (camera, microphone, notifications,
 * clipboard, fullscreen, device access...): the app uses none, so every one is
 * denied, whoever asks.
 */
export function isPermissionGranted(_permission: string, _requestingUrl: string | undefined | null): boolean {
  return false;
}

/** Navigation away from the app and `window.open` are always denied. */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Maps an `app://clipscan/...` request to a file inside the renderer folder, or
 * null if it would escape it (`..`, encoded separators) or is not an app URL.
 */
export function appUrlToRelativePath(url: string): string | null {
  if (!isAppUrl(url)) return null;
  const { pathname } = new URL(url);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const parts = decoded.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '..' || p === '.' || p.includes('\\') || p.includes('\0'))) return null;
  return parts.length === 0 ? 'index.html' : parts.join('/');
}
