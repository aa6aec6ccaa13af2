// "The method picks the variant it needs" (issue 11): a model chosen by an
// official checkpoint's name or by any bundle of its family resolves, per
// method, to the bundle that method runs on; a missing one is named with the
// command that gets it; other ids pass through unchanged.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointVariantFor } from '../../../src-shared/domain/checkpoints';
import { createBundleResolver } from '../../../src-main/core/models/bundle-resolver';
import { PROJECT_ROOT } from '../../helpers/paths';

const DEMO = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo');

describe('checkpointVariantFor', () => {
  it('sends MadCLIP to ViT-L/14-336 at 240 and MediCLIP to ViT-L/14, from any bundle of the L family', () => {
    for (const id of ['ViT-L-14', 'vit-l-14-336', 'openai-vit-l-14', 'openai-vit-l-14-336-madclip']) {
      expect(checkpointVariantFor('madclip', id)).toEqual({ id: 'openai-vit-l-14-336-madclip', from: 'ViT-L-14-336' });
      expect(checkpointVariantFor('mediclip', id)).toEqual({ id: 'openai-vit-l-14', from: 'ViT-L-14' });
    }
  });

  it('gives zero-shot the named checkpoint and leaves bundle ids and other models alone', () => {
    expect(checkpointVariantFor('zeroshot', 'ViT-B-16')).toEqual({ id: 'openai-vit-b-16', from: 'ViT-B-16' });
    expect(checkpointVariantFor('zeroshot', 'openai-vit-l-14')).toBeNull();
    expect(checkpointVariantFor('mediclip', 'openai-vit-b-16')).toBeNull();
    expect(checkpointVariantFor('madclip', 'my-medical-clip')).toBeNull();
  });
});

describe('bundle resolver with a method', () => {
  const asked: string[] = [];
  const installed = new Set(['openai-vit-l-14', 'my-medical-clip']);
  const resolve = createBundleResolver({ demoBundleDir: DEMO, lookup: async (id) => (asked.push(id), installed.has(id) ? DEMO : null) });

  it('looks up the variant the method needs', async () => {
    asked.length = 0;
    await resolve('openai-vit-l-14-336-madclip', 'mediclip');
    await resolve('my-medical-clip', 'madclip');
    await resolve('openai-vit-l-14');
    expect(asked).toEqual(['openai-vit-l-14', 'my-medical-clip', 'openai-vit-l-14']);
  });

  it('names the command that gets a missing variant', async () => {
    await expect(resolve('ViT-L-14', 'madclip')).rejects.toThrow(
      'The madclip method runs on openai-vit-l-14-336-madclip, made from OpenAI\'s ViT-L-14-336; get it with "clipscan models add ViT-L-14-336" (or Get in the Models tab).',
    );
    await expect(resolve('nothing-here', 'zeroshot')).rejects.toMatchObject({ code: 'MODEL_NOT_INSTALLED' });
  });
});
