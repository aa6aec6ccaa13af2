/**
 * Headless Debian Chromium for the end-to-end tests (WebGL2 through
 * SwiftShader). The flags keep Chromium off the network, which this machine
 * does not have. Set CHROMIUM_PATH to use another binary.
 */
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM_PATH);
export const SKIP_NO_CHROMIUM = `needs Chromium at ${CHROMIUM_PATH} (Debian: apt-get install chromium)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
