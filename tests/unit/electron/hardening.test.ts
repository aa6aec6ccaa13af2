// Electron hardening that can be checked without the binary: every permission
// request is denied (the app uses none), and the packaging config flips the
// fuses that close Node-level back doors (ELECTRON_RUN_AS_NODE, NODE_OPTIONS,
// code loaded from outside the asar) and encrypts cookies.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isPermissionGranted } from '../../../src-main/electron/window-security';
import { PROJECT_ROOT } from '../../helpers/paths';

/** The `key: value` lines of one top-level block of a YAML file (enough for flat blocks). */
function yamlBlock(file: string, block: string): Record<string, string> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.trimEnd() === `${block}:`);
  if (start < 0) return {};
  const out: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    const m = /^\s+([A-Za-z]+):\s*(\S+)/.exec(line);
    if (!m) break;
    out[m[1]!] = m[2]!;
  }
  return out;
}

describe('Electron hardening', () => {
  it('denies every permission, to the app itself and to anything else', () => {
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'clipboard-sanitized-write',
      'fullscreen',
      'openExternal',
      'hid',
      'serial',
      'usb',
    ]) {
      expect(isPermissionGranted(permission, APP_ENTRY_URL), permission).toBe(false);
      expect(isPermissionGranted(permission, 'https://evil.example/'), permission).toBe(false);
    }
  });

  it('the packaging config sets the Electron fuses', () => {
    const fuses = yamlBlock(path.join(PROJECT_ROOT, 'electron-builder.yml'), 'electronFuses');
    expect(fuses).toMatchObject({
      runAsNode: 'false',
      enableCookieEncryption: 'true',
      enableNodeOptionsEnvironmentVariable: 'false',
      enableNodeCliInspectArguments: 'false',
      onlyLoadAppFromAsar: 'true',
    });
  });

  it('the main process installs the permission handlers', () => {
    const main = fs.readFileSync(path.join(PROJECT_ROOT, 'src-main', 'electron', 'main.ts'), 'utf8');
    expect(main).toMatch(/setPermissionRequestHandler\([^;]*isPermissionGranted/);
    expect(main).toMatch(/setPermissionCheckHandler\([^;]*isPermissionGranted/);
  });
});
