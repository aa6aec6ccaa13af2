/**
 * The desktop app's DICOMweb server, kept between sessions: URL and
 * credentials encrypted with Electron `safeStorage` (the OS keychain) in
 * `dicomweb-server.bin` under the user data folder. Nothing is written when
 * encryption is not available (the server then lasts for the session only),
 * and nothing here logs the credentials.
 */
import fs from 'node:fs';
import path from 'node:path';
import { safeStorage } from 'electron';
import type { DicomwebServer } from '../core/dicomweb/server';

const FILE = 'dicomweb-server.bin';

export function loadDicomwebServer(userDataDir: string): DicomwebServer | null {
  const file = path.join(userDataDir, FILE);
  if (!fs.existsSync(file) || !safeStorage.isEncryptionAvailable()) return null;
  try {
    const saved = JSON.parse(safeStorage.decryptString(fs.readFileSync(file))) as DicomwebServer;
    return typeof saved.baseUrl === 'string' ? saved : null;
  } catch {
    console.warn('The saved DICOMweb server could not be read; enter it again.');
    return null;
  }
}

export function saveDicomwebServer(userDataDir: string, server: DicomwebServer): void {
  const file = path.join(userDataDir, FILE);
  if (!safeStorage.isEncryptionAvailable()) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.writeFileSync(`${file}.tmp`, safeStorage.encryptString(JSON.stringify(server)), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}
