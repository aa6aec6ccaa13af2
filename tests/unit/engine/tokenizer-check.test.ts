// The TypeScript tokenizer against the ids the exporter's Python tokenizer
// wrote into the fixture bundle (tokenizer_check.json): exact equality, every sentence.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/paths';
import { loadTokenizer } from '../../../src-main/core/engine/text-encoder';
import { readManifest } from '../../../src-main/core/models/manifest';

const BUNDLE = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');

describe('tokenizer vs tokenizer_check.json of the fixture bundle', async () => {
  const { manifest } = await readManifest(BUNDLE);
  const checks = JSON.parse(fs.readFileSync(path.join(BUNDLE, manifest.text.tokenizerCheckFile), 'utf8')) as Array<{ text: string; ids: number[] }>;
  const tok = await loadTokenizer(BUNDLE, manifest);

  it('has a non-trivial check list and the vocabulary size of the manifest', () => {
    expect(checks.length).toBeGreaterThanOrEqual(5);
    expect(tok.vocabSize).toBe(manifest.text.vocabSize);
  });

  it.each(checks.map((c) => [c.text, c.ids] as const))('%j', (text, ids) => {
    expect(Array.from(tok.tokenizeOne(text))).toEqual(ids);
  });
});
