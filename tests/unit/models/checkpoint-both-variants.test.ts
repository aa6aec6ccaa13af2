// "One checkpoint can yield both variants" (issue 11): a ViT-L/14 file the user
// converts is installed twice, as the 224 px QuickGELU bundle (MediCLIP,
// zero-shot) and as the 240 px exact-GELU one (MadCLIP), with the same version;
// a scan then goes from either id to the one its method needs. Other
// architectures yield one bundle. The engine host is a fake that writes the
// fixture bundle under the asked id (the real conversion is tested in
// tests/integration/models-convert); the registry and its checks are real.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointInstaller, type CheckpointConverterHost } from '../../../src-main/core/models/checkpoint-installer';
import { createBundleResolver } from '../../../src-main/core/models/bundle-resolver';
import type { ModelBundleManifest } from '../../../src-shared/domain/model-bundle';
import { FIXTURE_BUNDLE, makeTestApp, type TestApp } from '../../integration/models/helpers';

/** What the converter would name each variant (convert/index.ts manifestFor) for a checkpoint at `nativeSize`. */
function fakeHost(nativeSize: number, family: 'L' | 'B', asked: string[]): CheckpointConverterHost {
  return {
    async request(_method, params) {
      const variant = params.variant === 'auto' ? (family === 'B' ? 'ViT-B-16' : nativeSize === 336 ? 'ViT-L-14-336' : 'ViT-L-14') : params.variant;
      asked.push(variant);
      const size = variant === 'ViT-L-14-336' ? 240 : 224;
      const id = params.id ?? `openai-clip-${variant.toLowerCase()}${size !== nativeSize ? `-at${size}` : ''}`;
      fs.cpSync(FIXTURE_BUNDLE, params.outDir, { recursive: true });
      const file = path.join(params.outDir, 'manifest.json');
      const manifest = { ...JSON.parse(fs.readFileSync(file, 'utf8')), id, version: params.version, demo: false, architecture: variant } as ModelBundleManifest;
      fs.writeFileSync(file, JSON.stringify(manifest, null, 1));
      return manifest;
    },
  };
}

let app: TestApp | undefined;
afterEach(() => app?.cleanup());

async function addFile(nativeSize: number, family: 'L' | 'B') {
  app = makeTestApp();
  const asked: string[] = [];
  const checkpoint = path.join(app.root, 'my-medical-clip.pt');
  fs.writeFileSync(checkpoint, `weights at ${nativeSize}`);
  const installer = new CheckpointInstaller({ registry: app.registry, engineHost: () => fakeHost(nativeSize, family, asked) });
  const bundles = await installer.add(checkpoint);
  return { asked, bundles, registry: app.registry };
}

describe('models add <ViT-L/14 file>', () => {
  for (const native of [224, 336]) {
    it(`installs the MediCLIP and the MadCLIP variant of a ${native} px checkpoint, same version`, async () => {
      const { asked, bundles, registry } = await addFile(native, 'L');
      expect(asked).toEqual(native === 224 ? ['ViT-L-14', 'ViT-L-14-336'] : ['ViT-L-14-336', 'ViT-L-14']);
      expect(bundles.map((b) => b.id).sort()).toEqual(['openai-clip-vit-l-14', 'openai-clip-vit-l-14-336-at240']);
      expect(new Set(bundles.map((b) => b.version)).size).toBe(1);
      expect(app!.stagingEntries()).toEqual([]);

      const resolve = createBundleResolver({ demoBundleDir: null, lookup: async (id) => registry.get(id)?.dir ?? null });
      const version = bundles[0]!.version;
      for (const chosen of ['openai-clip-vit-l-14', `openai-clip-vit-l-14-336-at240@${version}`]) {
        expect((await resolve(chosen, 'madclip')).id).toBe('openai-clip-vit-l-14-336-at240');
        expect((await resolve(chosen, 'mediclip')).id).toBe('openai-clip-vit-l-14');
        expect((await resolve(chosen, 'zeroshot')).id).toBe('openai-clip-vit-l-14');
      }
    });
  }

  it('installs one bundle for a ViT-B/16 file', async () => {
    const { asked, bundles } = await addFile(224, 'B');
    expect(asked).toEqual(['ViT-B-16']);
    expect(bundles.map((b) => b.id)).toEqual(['openai-clip-vit-b-16']);
  });

  it('names the command that makes a missing sibling', async () => {
    const resolve = createBundleResolver({ demoBundleDir: null, lookup: async (id) => (id.startsWith('openai-clip-vit-l-14@') ? FIXTURE_BUNDLE : null) });
    await expect(resolve('openai-clip-vit-l-14@abc', 'madclip')).rejects.toThrow(
      'The madclip method runs on openai-clip-vit-l-14-336-at240@abc, made from the same checkpoint as openai-clip-vit-l-14@abc; convert that file again',
    );
  });
});
