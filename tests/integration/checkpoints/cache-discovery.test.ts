// Start-up search of the usual checkpoint caches (issue 11) in a fake HOME:
// OpenAI's ~/.cache/clip/*.pt (official names recognised, others listed as
// plain files) and Hugging Face hub snapshots of openai/clip-vit-* (a folder
// with model.safetensors and config.json), also under $HF_HOME. Other hub
// repositories, incomplete snapshots and non-.pt files are ignored, and the
// search copies or changes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCachedCheckpoints } from '../../../src-main/core/models';

let home: string;
const write = (rel: string, bytes = 10) => {
  const p = path.join(home, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, Buffer.alloc(bytes, 1));
  return p;
};
const tree = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => path.relative(home, path.join(e.parentPath, e.name)))
    .sort();

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-fake-home-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('findCachedCheckpoints', () => {
  it('finds OpenAI .pt files and Hugging Face CLIP snapshots, and nothing else', async () => {
    write('.cache/clip/ViT-L-14.pt', 30);
    write('.cache/clip/ViT-L-14-336px.pt', 31);
    write('.cache/clip/my-finetune.pt', 12);
    write('.cache/clip/notes.txt');
    const snap = 'models--openai--clip-vit-base-patch16/snapshots/abc123';
    write(`.cache/huggingface/hub/${snap}/model.safetensors`, 40);
    write(`.cache/huggingface/hub/${snap}/config.json`);
    write('.cache/huggingface/hub/models--openai--clip-vit-large-patch14/snapshots/def/config.json'); // no weights yet
    write('.cache/huggingface/hub/models--bert-base-uncased/snapshots/x/model.safetensors');
    write('.cache/huggingface/hub/models--bert-base-uncased/snapshots/x/config.json');
    write('hf/hub/models--openai--clip-vit-large-patch14-336/snapshots/r1/model.safetensors', 50);
    write('hf/hub/models--openai--clip-vit-large-patch14-336/snapshots/r1/config.json');
    const before = tree(home);

    const found = await findCachedCheckpoints(home, { HF_HOME: path.join(home, 'hf') });

    expect(found).toEqual([
      {
        path: path.join(home, '.cache/clip/ViT-L-14-336px.pt'),
        format: 'openai-torchscript',
        name: 'ViT-L-14-336',
        bytes: 31,
        where: '~/.cache/clip (OpenAI clip package)',
      },
      {
        path: path.join(home, '.cache/clip/ViT-L-14.pt'),
        format: 'openai-torchscript',
        name: 'ViT-L-14',
        bytes: 30,
        where: '~/.cache/clip (OpenAI clip package)',
      },
      {
        path: path.join(home, '.cache/clip/my-finetune.pt'),
        format: 'openai-torchscript',
        name: null,
        bytes: 12,
        where: '~/.cache/clip (OpenAI clip package)',
      },
      {
        path: path.join(home, 'hf/hub/models--openai--clip-vit-large-patch14-336/snapshots/r1'),
        format: 'hf-safetensors',
        name: null,
        bytes: 50,
        where: 'Hugging Face cache (openai/clip-vit-large-patch14-336)',
      },
      {
        path: path.join(home, `.cache/huggingface/hub/${snap}`),
        format: 'hf-safetensors',
        name: null,
        bytes: 40,
        where: 'Hugging Face cache (openai/clip-vit-base-patch16)',
      },
    ]);
    expect(tree(home)).toEqual(before);
  });

  it('finds nothing in an empty home', async () => {
    expect(await findCachedCheckpoints(home, {})).toEqual([]);
  });
});
