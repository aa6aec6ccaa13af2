// The converter's shipped graph templates (resources/model-templates, issue 11):
// every named variant loads; both ViT-L variants carry every training graph
// (MediCLIP and MadCLIP, faithful and fast, heads; MVFA's three on ViT-L-14-336) and the int8 vision tower;
// every weight a graph needs comes from the checkpoint's vision or text keys;
// the training graphs were built with the shipped OpenAI merges; the window graph and
// MVFA's three carry no weights of their own: each one they read is exactly a weight of
// vision.onnx as the converter writes it (ONNX external data), for MVFA every frozen
// block after the first tap and nothing else. A full-size
// conversion itself is measured in bench/convert.mjs (3.2 GB), not here.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONVERT_VARIANTS, planGraphs, sharedWeightProblems } from '../../../src-main/core/models/convert';
import { recipeSpans as recipeSpansOf } from '../../../src-main/core/models/convert/onnx-template';
import { loadVariantTemplate } from '../../../src-main/core/models/convert/templates';
import { PROJECT_ROOT } from '../../helpers/paths';

const RESOURCES = path.join(PROJECT_ROOT, 'resources');
const TRAINING = ['madclip', 'madclip-fast', 'madclip-head', 'mediclip', 'mediclip-fast', 'mediclip-head'];
/** MVFA runs on ViT-L/14-336 at 240 only (algorithms.md §3.2). */
const MVFA = ['mvfa', 'mvfa-head', 'mvfa-tokens'];

describe('shipped converter templates', () => {
  for (const variant of CONVERT_VARIANTS) {
    it(`${variant}: loads, and every graph's weights come from the checkpoint's vision and text keys`, async () => {
      const t = await loadVariantTemplate(RESOURCES, variant);
      expect(t.variant).toBe(variant);
      const keysOf = (g: string) => new Set(t.graphs[g]!.recipes.map((r) => r.key));
      const fromCheckpoint = new Set([...keysOf('vision.onnx'), ...keysOf('text.onnx')]);
      for (const [name, graph] of Object.entries(t.graphs)) {
        expect(fs.existsSync(path.join(t.dir, graph.template)), name).toBe(true);
        for (const key of keysOf(name)) expect(fromCheckpoint.has(key), `${name}: ${key}`).toBe(true);
      }
      if (variant.startsWith('ViT-L-14')) {
        expect(Object.keys(t.training).sort()).toEqual(variant === 'ViT-L-14-336' ? [...TRAINING, ...MVFA].sort() : TRAINING);
        expect(Object.keys(t.graphs)).toContain('vision.int8.onnx');
      }
      // WinCLIP's window graph (issue 15): weight-free, it reads vision.onnx's weights
      expect(t.windows?.file).toBe('vision-windows.onnx');
      expect(t.graphs['vision-windows.onnx']?.recipes).toEqual([]);
      expect(t.windows?.layers.at(-1)).toBe(t.config.vision_layers);
      const plans = await planGraphs(t, Object.keys(t.graphs));
      expect(sharedWeightProblems(plans)).toEqual([]);
      expect(plans.get('vision-windows.onnx')!.shared.length).toBeGreaterThan(0);
    });
  }

  for (const variant of ['tiny', 'ViT-L-14-336'] as const) {
    it(`${variant}: MVFA's graphs read the frozen blocks after the first tap from vision.onnx, with no copy of their own`, async () => {
      const t = await loadVariantTemplate(RESOURCES, variant);
      const plans = await planGraphs(t, Object.keys(t.graphs));
      const keyAt = new Map([...recipeSpansOf(plans.get('vision.onnx')!)].map(([offset, span]) => [offset, span.recipe.key]));
      const first = Math.min(...t.config.taps);
      const frozen = t.graphs['vision.onnx']!.recipes.map((r) => r.key).filter(
        (k) => Number(/^visual\.transformer\.resblocks\.(\d+)\./.exec(k)?.[1] ?? -1) >= first,
      );
      expect(frozen.length).toBe((t.config.vision_layers - first) * 12);
      for (const key of MVFA) {
        const file = t.training[key]!.file;
        expect(path.dirname(file), `${file} must sit next to vision.onnx`).toBe('.');
        expect(t.graphs[file]!.recipes, file).toEqual([]);
        const read = plans.get(file)!.shared.map((r) => {
          expect(r.location).toBe('vision.onnx');
          return keyAt.get(r.offset);
        });
        expect(read.sort(), file).toEqual([...frozen].sort());
      }
    });
  }

  it('the ViT-L training graphs were built with the shipped OpenAI merges', async () => {
    const raw = zlib.gunzipSync(fs.readFileSync(path.join(RESOURCES, 'clip-bpe', 'bpe_simple_vocab_16e6.txt.gz'))).toString('utf8');
    const merges = raw
      .split('\n')
      .slice(1, 48894 + 1)
      .filter((l) => l.length > 0)
      .map((l) => `${l}\n`)
      .join('');
    for (const variant of ['ViT-L-14', 'ViT-L-14-336'] as const) {
      const t = await loadVariantTemplate(RESOURCES, variant);
      expect(t.merges.count).toBe(48894);
      expect(crypto.createHash('sha256').update(merges).digest('hex')).toBe(t.merges.sha256);
    }
  });
});
