// Execution providers on the real onnxruntime-node with the fixture bundle's
// vision graph: a provider that fails here (cuda: no providers library; webgpu:
// no adapter on a headless box) falls back to a working CPU session with the
// reason reported; sessions are cached per path and released.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/paths';
import { createOrtRuntime, defaultProviders, PLATFORM_PREFERENCE, providersInThisBuild, Tensor } from '../../../src-main/core/engine/ort-runtime';
import { createInProcessHost } from '../../../src-main/core/engine-host/in-process';

const VISION = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo', 'vision.onnx');
const S = 224;
// Where these providers cannot work: no CUDA providers library in the npm package (engine.md §6), no GPU device node for WebGPU.
const ORT_BIN = path.join(PROJECT_ROOT, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
const CUDA_UNAVAILABLE = process.platform === 'linux' && !fs.existsSync(path.join(ORT_BIN, 'libonnxruntime_providers_shared.so'));
const WEBGPU_UNAVAILABLE = process.platform === 'linux' && !fs.existsSync('/dev/dri') && !fs.existsSync('/dev/nvidia0');

async function runOnce(rt: ReturnType<typeof createOrtRuntime>) {
  const s = await rt.session(VISION);
  const pixels = new Float32Array(3 * S * S).fill(0.1);
  const out = await s.run({ pixels: new Tensor('float32', pixels, [1, 3, S, S]) }, ['pooled']);
  return { s, pooled: out.pooled.data as Float32Array };
}

describe('ORT runtime', () => {
  it('keeps the per-platform preference table', () => {
    expect(defaultProviders('linux', {})).toEqual(['cuda', 'tensorrt', 'webgpu', 'cpu']);
    expect(defaultProviders('win32', {})).toEqual(['dml', 'webgpu', 'cpu']);
    expect(defaultProviders('darwin', {})).toEqual(['coreml', 'webgpu', 'cpu']);
    expect(defaultProviders('aix', {})).toEqual(['cpu']);
    expect(defaultProviders('linux', { CLIPSCAN_PROVIDERS: ' CPU ' })).toEqual(['cpu']);
    expect(defaultProviders('win32', { CLIPSCAN_PROVIDERS: 'webgpu,cpu' })).toEqual(['webgpu', 'cpu']);
    expect(() => defaultProviders('linux', { CLIPSCAN_PROVIDERS: 'cpu,gpu' })).toThrow(/unknown provider gpu; use a comma-separated list of cpu, cuda/);
    expect(Object.isFrozen(PLATFORM_PREFERENCE)).toBe(true);
  });

  it('says which providers this build contains: CPU always, CUDA only when its libraries were installed', async () => {
    const listed = providersInThisBuild();
    expect(listed.find((p) => p.name === 'cpu')).toEqual({ name: 'cpu', included: true, preferred: true });
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(listed.find((p) => p.name === 'cuda')?.included).toBe(fs.existsSync(path.join(ORT_BIN, 'libonnxruntime_providers_cuda.so')));
    }
    // The same list through the engine host, as the Models tab asks for it.
    expect(await createInProcessHost().request('providers', {})).toEqual(listed);
  });

  it.runIf(CUDA_UNAVAILABLE)('falls back from cuda to a working CPU session and says why', async () => {
    const rt = createOrtRuntime({ threads: 1, preferredProviders: ['cuda'] });
    expect(rt.providers).toEqual(['cuda', 'cpu']);
    const { s, pooled } = await runOnce(rt);
    expect(s.provider).toBe('cpu');
    expect(s.fallbackReason).toMatch(/^cuda: /);
    expect(pooled.length).toBeGreaterThan(0);
    expect(pooled.every((v) => Number.isFinite(v))).toBe(true);
    await rt.release();
  });

  it.runIf(CUDA_UNAVAILABLE && WEBGPU_UNAVAILABLE)('falls back through cuda and webgpu, remembering both reasons', async () => {
    const rt = createOrtRuntime({ threads: 1, preferredProviders: ['cuda', 'webgpu', 'cpu'] });
    const a = await rt.session(VISION);
    expect(a.provider).toBe('cpu');
    expect(a.fallbackReason).toMatch(/cuda: .*; webgpu: /);
    const textGraph = VISION.replace('vision.onnx', 'text.onnx');
    const b = await rt.session(textGraph); // failed providers are not retried, but still reported
    expect(b.provider).toBe('cpu');
    expect(b.fallbackReason).toBe(a.fallbackReason);
    await rt.release();
  });

  it.runIf(process.platform === 'linux')('falls back from a provider this platform does not have (dml, coreml)', async () => {
    const rt = createOrtRuntime({ threads: 1, preferredProviders: ['dml', 'coreml'] });
    const { s, pooled } = await runOnce(rt);
    expect(s.provider).toBe('cpu');
    expect(s.fallbackReason).toMatch(/^dml: .*backend not found.*; coreml: /);
    expect(pooled.every((v) => Number.isFinite(v))).toBe(true);
    await rt.release();
  });

  it.runIf(process.platform === 'linux')('opens the int8 vision tower on the CPU EP alone, without trying the preferred providers', async () => {
    const INT8 = path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo', 'vision.int8.onnx');
    const rt = createOrtRuntime({ threads: 1, preferredProviders: ['dml', 'cpu'] });
    const fp32 = await rt.session(VISION);
    expect(fp32.fallbackReason).toMatch(/^dml: /);
    const int8 = await rt.session(INT8, { cpuOnly: true });
    expect(int8.provider).toBe('cpu');
    expect(int8.fallbackReason).toBeUndefined(); // dml was never asked
    // The same path asked for without cpuOnly is its own session, opened through the preference.
    const preferred = await rt.session(INT8);
    expect(preferred).not.toBe(int8);
    expect(preferred.fallbackReason).toMatch(/^dml: /);
    expect(await rt.session(INT8, { cpuOnly: true })).toBe(int8);
    await rt.release();
  });

  it.runIf(process.platform === 'linux')('skips WebGPU with a reason, without asking Dawn, where Linux has no Vulkan loader', async () => {
    const rt = createOrtRuntime({ threads: 1, preferredProviders: ['webgpu', 'cpu'], vulkanLoaderPresent: () => false });
    const { s } = await runOnce(rt);
    expect(s.provider).toBe('cpu');
    expect(s.fallbackReason).toBe('webgpu: no Vulkan loader (libvulkan.so.1) on this system; WebGPU needs it and a GPU driver with Vulkan support');
    await rt.release();
  });

  it('caches a session per path and releases it', async () => {
    const rt = createOrtRuntime({ threads: 1, preferredProviders: ['cpu'] });
    const [a, b] = await Promise.all([rt.session(VISION), rt.session(VISION)]);
    expect(b).toBe(a);
    expect(a.provider).toBe('cpu');
    expect(a.fallbackReason).toBeUndefined();
    expect(a.inputNames).toEqual(['pixels']);
    expect(a.outputNames).toEqual(expect.arrayContaining(['pooled', 'patch_embeds', 'tap_4']));
    const first = (await runOnce(rt)).pooled;
    await rt.release(VISION);
    const c = await rt.session(VISION);
    expect(c).not.toBe(a);
    const second = (await runOnce(rt)).pooled;
    expect(Array.from(second)).toEqual(Array.from(first));
    await rt.release();
  });

  it('reports a broken model with the original error, not a provider fallback', async () => {
    const rt = createOrtRuntime({ preferredProviders: ['cpu'] });
    await expect(rt.session(path.join(PROJECT_ROOT, 'models', 'fixtures', 'tiny-demo', 'manifest.json'))).rejects.toThrow(/protobuf|parse|load/i);
  });
});
