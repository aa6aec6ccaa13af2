// The pure security rules of the Electron window (the binary cannot run here).
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, appUrlToRelativePath, isNavigationAllowed, isTrustedSender, secureWebPreferences } from '../../../src-main/electron/window-security';
import { RENDERER_CSP } from '../../../src-main/core/security/csp';

describe('Electron window security', () => {
  it('turns on isolation and the sandbox, and off node integration', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, webSecurity: true });
  });

  it('trusts IPC only from the main frame of the app origin', () => {
    expect(isTrustedSender({ url: APP_ENTRY_URL, isMainFrame: true })).toBe(true);
    expect(isTrustedSender({ url: APP_ENTRY_URL, isMainFrame: false })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'app://other/index.html', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', isMainFrame: true })).toBe(false);
    expect(isTrustedSender({ url: undefined, isMainFrame: true })).toBe(false);
  });

  it('denies navigation away from the app', () => {
    expect(isNavigationAllowed('app://clipscan/index.html#/viewer')).toBe(true);
    expect(isNavigationAllowed('https://example.com')).toBe(false);
  });

  it('maps app URLs to files inside the renderer folder only', () => {
    expect(appUrlToRelativePath('app://clipscan/')).toBe('index.html');
    expect(appUrlToRelativePath('app://clipscan/assets/index.js')).toBe('assets/index.js');
    // The URL parser resolves dot segments first, so these stay inside the folder.
    expect(appUrlToRelativePath('app://clipscan/%2e%2e/secret')).toBe('secret');
    expect(appUrlToRelativePath('app://clipscan/a/..%2f..%2fsecret')).toBeNull();
    expect(appUrlToRelativePath('https://clipscan/index.html')).toBeNull();
  });

  it('has a strict CSP: no eval, no remote origins, no plugins', () => {
    expect(RENDERER_CSP).toContain("default-src 'self'");
    expect(RENDERER_CSP).toContain("object-src 'none'");
    expect(RENDERER_CSP).not.toMatch(/'unsafe-eval'/);
    expect(RENDERER_CSP).not.toMatch(/https?:/);
  });
});
