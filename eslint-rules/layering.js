// ESLint rule `clipscan/layering`: the architecture's layer rules, checked on
// every import (static, dynamic, re-export, require):
//   src-shared    imports only src-shared and pure packages (no node:, no DOM-only, no electron)
//   src-renderer  imports only src-renderer, src-shared and browser packages
//   src-main/core imports src-main/core, src-shared and Node; never electron
//   electron      may be imported only under src-main/electron
//   tests/unit/renderer  the renderer's unit tests (Node, vitest) may import src-renderer; no other test may
//
// Inside src-main/core, imports run one way: a folder imports only folders of
// a LOWER layer (and itself); an import up the list, or sideways to another
// folder of the same layer, is an error. Lowest first:
//
//   0  caselog  files  config  security  workers  version.ts
//        storage, allowed paths, app folders, CSP, the worker RPC and launcher
//   1  dicom  models
//        DICOM files (walk, headers, pixels, library); model bundles and adapter folders
//   2  engine          the only owner of onnxruntime-node: sessions, preprocessing, methods
//   3  images          8-bit images and PNG/JPEG files (training and evaluation inputs)
//   4  engine-client   the caller's side of the engine host: its protocol and client
//   5  training  scan  the jobs: training (loop and service) and scans (queue, results)
//   6  reports  eval  engine-host
//        what uses the jobs: reports, the evaluation harness, the engine host process
//   7  dicom-out       scan results written as DICOM (SEG, Parametric Map, SR)
//   8  ground-truth  dicomweb
//        a scan against a SEG or NIfTI truth; query, retrieve and send over DICOMweb
//   9  services.ts     the composition root
//
// `node scripts/core-import-graph.mjs` prints the graph this order allows.
import path from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORE = path.join(ROOT, 'src-main', 'core');

/** The layers of src-main/core, lowest first (folder names, or file names without extension at the top level). */
export const CORE_LAYERS = [
  ['caselog', 'files', 'config', 'security', 'workers', 'version'],
  ['dicom', 'models'],
  ['engine'],
  ['images'],
  ['engine-client'],
  ['training', 'scan'],
  ['reports', 'eval', 'engine-host'],
  ['dicom-out'],
  ['ground-truth', 'dicomweb'],
  ['services'],
];

/** The core folder (or top-level file) a path lies in and its layer rank; null outside src-main/core. */
export function coreLayerOf(file) {
  const rel = path.relative(CORE, file).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel) || rel === '') return null;
  const folder = rel.split('/')[0].replace(/\.(ts|js|mjs)$/, '');
  const rank = CORE_LAYERS.findIndex((names) => names.includes(folder));
  return { folder, rank };
}

function coreOrderViolation(fromFile, targetFile) {
  const from = coreLayerOf(fromFile);
  const to = coreLayerOf(targetFile);
  if (!from || !to || from.folder === to.folder) return null;
  if (from.rank < 0) return `src-main/core/${from.folder} has no layer: add it to CORE_LAYERS in eslint-rules/layering.js`;
  if (to.rank < 0) return `src-main/core/${to.folder} has no layer: add it to CORE_LAYERS in eslint-rules/layering.js`;
  if (to.rank > from.rank) return `core layers run one way: ${from.folder} (layer ${from.rank}) may not import ${to.folder} (layer ${to.rank}, higher)`;
  if (to.rank === from.rank) return `core layers run one way: ${from.folder} and ${to.folder} share layer ${from.rank} and may not import each other`;
  return null;
}
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const NATIVE_OR_NODE_PACKAGES = ['better-sqlite3', 'onnxruntime-node', 'electron', 'pngjs', 'pdf-lib', '@pdf-lib/fontkit'];

function layerOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  if (rel.startsWith('src-shared/')) return 'shared';
  if (rel.startsWith('src-renderer/')) return 'renderer';
  if (rel.startsWith('src-main/core/')) return 'core';
  if (rel.startsWith('src-main/electron/')) return 'electron';
  if (rel.startsWith('src-main/')) return 'main';
  if (rel.startsWith('tests/unit/renderer/')) return 'renderer-tests';
  return 'other';
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function violation(fromLayer, fromFile, spec) {
  const isRelative = spec.startsWith('.') || spec.startsWith('/');
  if (isRelative) {
    if (spec.endsWith('/package.json')) return null; // version metadata, readable from every layer
    const target = layerOf(path.resolve(path.dirname(fromFile), spec));
    if (fromLayer === 'shared' && target !== 'shared') return 'src-shared may import only src-shared';
    if (fromLayer === 'renderer' && target !== 'renderer' && target !== 'shared') return 'src-renderer may import only src-renderer and src-shared';
    if (fromLayer === 'core' && target !== 'core' && target !== 'shared') return 'src-main/core may import only core and src-shared';
    if (fromLayer === 'core' && target === 'core') return coreOrderViolation(fromFile, path.resolve(path.dirname(fromFile), spec));
    if (fromLayer !== 'renderer' && fromLayer !== 'renderer-tests' && target === 'renderer')
      return 'only the renderer (and tests/unit/renderer) may import src-renderer';
    if (fromLayer !== 'electron' && target === 'electron' && fromLayer !== 'other') return 'src-main/electron is an entry point; nothing imports it';
    return null;
  }
  const pkg = packageName(spec);
  if (pkg === 'electron' && fromLayer !== 'electron') return "only src-main/electron may import 'electron'";
  if (fromLayer === 'shared' && (NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(pkg) || NATIVE_OR_NODE_PACKAGES.includes(pkg))) {
    return `src-shared must stay pure: no Node or native module ('${spec}')`;
  }
  if (fromLayer === 'renderer' && (NODE_BUILTINS.has(spec) || NODE_BUILTINS.has(pkg) || NATIVE_OR_NODE_PACKAGES.includes(pkg))) {
    return `src-renderer runs in the browser: no Node or native module ('${spec}')`;
  }
  return null;
}

export default {
  meta: { type: 'problem', docs: { description: 'Enforce ClipScan layer rules' }, schema: [] },
  create(context) {
    const file = context.filename;
    const layer = layerOf(file);
    function check(node, source) {
      if (!source || typeof source.value !== 'string') return;
      const message = violation(layer, file, source.value);
      if (message) context.report({ node: source, message: `${message}.` });
    }
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0]);
        }
      },
    };
  },
};
