/**
 * Where the built pieces sit relative to the running bundle: `dist/main/*.js`
 * next to `dist/renderer/`, with the project (or the unpacked app) above.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The project root: the nearest folder above this file that holds package.json. */
export function projectRoot(): string {
  let dir = here;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

export function locateRendererDir(): string {
  const dir = path.join(projectRoot(), 'dist', 'renderer');
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(`The renderer is not built (${dir} has no index.html). Run "npm run build" first.`);
  }
  return dir;
}

/** A real DICOM image to show when nothing was opened: the shared data set, else the bundled fixture. */
export function locateDefaultSample(): string | null {
  const root = projectRoot();
  const folders = [path.join(root, '..', 'shared', 'data', 'dicom', 'ct-chest-lidc-0314'), path.join(root, 'tests', 'fixtures', 'dicom', 'ct-chest-lidc-0314')];
  for (const folder of folders) {
    if (!fs.existsSync(folder)) continue;
    const files = fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.dcm'))
      .sort();
    const middle = files[Math.floor(files.length / 2)];
    if (middle) return path.join(folder, middle);
  }
  return null;
}

/** The bundled demo model (random weights), shipped with the app and used when no model is chosen. */
export function locateDemoBundle(): string | null {
  const dir = path.join(projectRoot(), 'models', 'fixtures', 'tiny-demo');
  return fs.existsSync(path.join(dir, 'manifest.json')) ? dir : null;
}
