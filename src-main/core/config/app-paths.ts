/**
 * Where ClipScan keeps its data when nobody says otherwise: the per-user app
 * data folder of the platform (the same folder Electron's `userData` points to),
 * with the case log database `clipscan.db` inside it.
 *
 * Precedence for the database: `--db FILE` > `CLIPSCAN_DB` > app data folder.
 */
import os from 'node:os';
import path from 'node:path';

export function defaultAppDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CLIPSCAN_HOME) return env.CLIPSCAN_HOME;
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'ClipScan');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'ClipScan');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'ClipScan');
}

export function resolveDatabasePath(options: { db?: string; appDataDir?: string }, env: NodeJS.ProcessEnv = process.env): string {
  if (options.db) return path.resolve(options.db);
  if (env.CLIPSCAN_DB) return path.resolve(env.CLIPSCAN_DB);
  return path.join(options.appDataDir ?? defaultAppDataDir(env), 'clipscan.db');
}
