/**
 * The converter's build-time data: the weight-free graph templates per variant
 * (`model-templates/<variant>/template.json` + gzipped graphs, written by
 * models/export/templates.py) and OpenAI's BPE merges (`clip-bpe/`). Found in
 * `CLIPSCAN_RESOURCES`, Electron's `process.resourcesPath`, or the nearest
 * `resources/` folder above this module (source tree, tests, dist bundles).
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { ConvertError } from './errors';
import type { Recipe } from './onnx-template';

export interface TemplateConfig {
  vision_width: number;
  vision_layers: number;
  vision_heads: number;
  patch_size: number;
  input_size: number;
  text_width: number;
  text_layers: number;
  text_heads: number;
  context_length: number;
  vocab_size: number;
  embed_dim: number;
  activation: 'quickgelu' | 'gelu';
  taps: number[];
}

export interface GraphTemplate {
  template: string;
  bytes: number;
  sha256: string;
  recipes: Recipe[];
}

export interface VariantTemplate {
  variant: string;
  config: TemplateConfig;
  gridSize: number;
  architecture: string;
  normalise: 'clip' | 'none';
  training: Record<string, { file: string; batch: number }>;
  /** The manifest's `vision.windows` (WinCLIP window graph), when the template has the graph. */
  windows?: { file: string; layers: number[] };
  merges: { count: number; sha256: string };
  checkSentences: string[];
  graphs: Record<string, GraphTemplate>;
  /** Folder of this template (not in the JSON). */
  dir: string;
}

export function resourceDirCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.CLIPSCAN_RESOURCES) dirs.push(env.CLIPSCAN_RESOURCES);
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) dirs.push(resourcesPath);
  let dir = import.meta.dirname;
  for (;;) {
    dirs.push(path.join(dir, 'resources'));
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return dirs;
}

/** The folder holding `model-templates/` and `clip-bpe/`. */
export function findConverterResources(): string {
  const dirs = resourceDirCandidates();
  const found = dirs.find((d) => fs.existsSync(path.join(d, 'model-templates')));
  if (!found) throw new Error(`The converter's graph templates (model-templates/) were not found in: ${dirs.join(', ')}. Reinstall ClipScan.`);
  return found;
}

export async function loadVariantTemplate(resources: string, variant: string): Promise<VariantTemplate> {
  const dir = path.join(resources, 'model-templates', variant);
  if (!fs.existsSync(path.join(dir, 'template.json'))) {
    throw new ConvertError('CONVERT_UNSUPPORTED_ARCH', `No graph templates for ${variant} in ${path.dirname(dir)}; reinstall ClipScan.`);
  }
  const json = JSON.parse(await fsp.readFile(path.join(dir, 'template.json'), 'utf8')) as Omit<VariantTemplate, 'dir'>;
  return { ...json, dir };
}

export async function readGraphTemplate(t: VariantTemplate, file: string): Promise<Buffer> {
  const g = t.graphs[file];
  return zlib.gunzipSync(await fsp.readFile(path.join(t.dir, g.template)));
}

export const OPENAI_BPE_FILE = path.join('clip-bpe', 'bpe_simple_vocab_16e6.txt.gz');
