/**
 * The single place that knows about onnxruntime-node (with its re-export of
 * `Tensor` below): execution-provider choice per platform, CPU fallback, thread
 * count, a session cache, and release. Everything else in the engine calls
 * these functions, never `ort` directly.
 *
 *   const rt = createOrtRuntime({ threads: 2 });
 *   const s = await rt.session('/bundle/vision.onnx');   // { provider: 'cpu', fallbackReason: 'cuda: …' }
 *   const out = await s.run({ pixels: new Tensor('float32', data, [1, 3, 224, 224]) });
 *   await rt.release();
 *
 * Support table (onnxruntime-node 1.30 npm package; engine.md §6):
 *
 *   platform        bundled providers      needs an extra download / driver
 *   linux x64       cpu, webgpu            cuda, tensorrt (ONNXRUNTIME_NODE_INSTALL=cuda12)
 *   linux arm64     cpu                    –
 *   win32 x64/arm64 cpu, webgpu, dml       –
 *   darwin          cpu, webgpu, coreml    –
 *
 * Preference (first that creates a session wins; each is tried alone, and ORT
 * itself runs the nodes a GPU provider lacks on CPU):
 *   linux: cuda, tensorrt, webgpu, cpu · win32: dml, webgpu, cpu · darwin: coreml, webgpu, cpu.
 * A provider that fails throws at session creation (ORT does not fall back by
 * itself); we catch, remember the reason, and try the next one, ending with CPU.
 * A provider that failed once is not retried by this runtime (a missing
 * library does not appear later), but the reason is still reported. On Linux,
 * WebGPU is skipped without a Vulkan loader (vulkan-loader.ts), so that Dawn
 * prints nothing on stderr.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import nodePath from 'node:path';
import * as ort from 'onnxruntime-node';
import type { BuildProvider } from '../../../src-shared/domain/providers';
import { findVulkanLoader } from './vulkan-loader';

import { Tensor } from 'onnxruntime-node';
export { Tensor };
export type OrtTensor = ort.Tensor;

const PROVIDER_NAMES = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export const PLATFORM_PREFERENCE: Readonly<Record<string, readonly ProviderName[]>> = Object.freeze({
  linux: ['cuda', 'tensorrt', 'webgpu', 'cpu'],
  win32: ['dml', 'webgpu', 'cpu'],
  darwin: ['coreml', 'webgpu', 'cpu'],
});

/**
 * The platform's preference list, or CPU alone where we know of nothing else. `CLIPSCAN_PROVIDERS`
 * (comma-separated, e.g. `cpu` where a slow integrated GPU would win the platform's choice) replaces it;
 * an unknown name is refused, naming the valid ones.
 */
export function defaultProviders(platform: string = process.platform, env: NodeJS.ProcessEnv = process.env): ProviderName[] {
  const chosen = env.CLIPSCAN_PROVIDERS?.trim();
  if (chosen) {
    const names = chosen
      .split(',')
      .map((n) => n.trim().toLowerCase())
      .filter(Boolean);
    const unknown = names.filter((n) => !(PROVIDER_NAMES as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0) {
      throw new Error(`CLIPSCAN_PROVIDERS="${env.CLIPSCAN_PROVIDERS}": unknown provider ${unknown.join(', ') || '(none named)'}; use a comma-separated list of ${PROVIDER_NAMES.join(', ')}.`);
    }
    return names as ProviderName[];
  }
  return [...(PLATFORM_PREFERENCE[platform] ?? ['cpu'])];
}

/** The order a runtime tries: the preferred providers (default: defaultProviders()), CPU last when absent. */
export function providerOrder(preferred: readonly ProviderName[] = defaultProviders()): ProviderName[] {
  return preferred.includes('cpu') ? [...preferred] : [...preferred, 'cpu'];
}

/**
 * The providers this build contains. onnxruntime-node lists the ones it knows;
 * those not bundled in its npm package (CUDA, TensorRT on Linux x64) are
 * present only when their shared libraries sit beside the binding, which a GPU
 * release build installs (docs/release.md). Whether a GPU and driver exist is
 * learnt only when a session is created (the scan's provider line).
 */
export function providersInThisBuild(platform: string = process.platform, arch: string = process.arch): BuildProvider[] {
  let preference: readonly ProviderName[];
  try {
    preference = defaultProviders(platform);
  } catch {
    preference = PLATFORM_PREFERENCE[platform] ?? ['cpu']; // a bad CLIPSCAN_PROVIDERS is reported when a scan starts
  }
  const bindingDir = nodePath.join(nodePath.dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', platform, arch);
  const libraryPresent = (name: string) => fs.existsSync(nodePath.join(bindingDir, `libonnxruntime_providers_${name}.so`));
  return ort.listSupportedBackends().map((b) => ({
    name: b.name,
    included: b.bundled || libraryPresent(b.name),
    preferred: (preference as readonly string[]).includes(b.name),
  }));
}

export interface OrtRuntimeOptions {
  /** intra-op threads; default: ORT's own choice (all cores). */
  threads?: number;
  /** Order to try; 'cpu' is always appended when absent. Default: defaultProviders(). */
  preferredProviders?: readonly ProviderName[];
  /** Where WebGPU needs a Vulkan loader (Linux): whether one is present (default: vulkan-loader.ts looks). */
  vulkanLoaderPresent?: () => boolean;
  /** ORT's process-wide log level (default 'fatal'; see createOrtRuntime). */
  logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
  /**
   * Whether idle intra-op threads busy-wait for the next op (ORT's default,
   * true). False hands the cores back between ops: scans prepare the next
   * images in worker threads meanwhile, and spinning threads starved them.
   */
  spinWait?: boolean;
}

export interface EngineSession {
  readonly path: string;
  /** The provider the session was created with. */
  readonly provider: ProviderName;
  /** Why the preferred providers were not used ("cuda: …; webgpu: …"), if any failed. */
  readonly fallbackReason?: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Declared input shapes (symbolic dimensions as strings), by input name. */
  readonly inputShapes: ReadonlyMap<string, readonly (number | string)[]>;
  /** Runs the graph; calls on one session are serialised. */
  run(feeds: Record<string, ort.Tensor>, outputNames?: readonly string[]): Promise<Record<string, ort.Tensor>>;
}

/** An input's declared shape, when every dimension is fixed (the training graphs'); throws otherwise. */
export function fixedInputShape(s: EngineSession, name: string): number[] {
  const shape = s.inputShapes.get(name);
  if (!shape || shape.some((d) => typeof d !== 'number')) throw new Error(`${s.path}: input ${name} has no fixed shape`);
  return shape as number[];
}

/** A float32 tensor of `shape`, checked to hold exactly that many values. */
export function float32Tensor(name: string, data: Float32Array, shape: number[]): OrtTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`${name}: ${data.length} values for [${shape.join(', ')}]`);
  return new Tensor('float32', data, shape);
}

export interface OrtRuntime {
  readonly providers: readonly ProviderName[];
  /** `cpuOnly`: a graph built for the CPU EP (the int8 vision tower), which a GPU provider would run slower. */
  session(path: string, options?: { cpuOnly?: boolean }): Promise<EngineSession>;
  /** Releases one cached session (all providers) or, without a path, all of them. */
  release(path?: string): Promise<void>;
}

interface Entry {
  session: ort.InferenceSession;
  wrapper: EngineSession;
}

export function createOrtRuntime(options: OrtRuntimeOptions = {}): OrtRuntime {
  // ORT's own logger would print every failed provider attempt in red on stderr (CLI
  // output); those failures reach us as exceptions and are reported as fallbackReason.
  // The level is read once, when ORT's environment is created by the first session.
  ort.env.logLevel = options.logLevel ?? 'fatal';
  const providers = providerOrder(options.preferredProviders);
  const failed = new Map<ProviderName, string>();
  const vulkanLoaderPresent = options.vulkanLoaderPresent ?? (() => findVulkanLoader() !== null);
  if (process.platform === 'linux' && providers.includes('webgpu') && !vulkanLoaderPresent()) {
    failed.set('webgpu', 'no Vulkan loader (libvulkan.so.1) on this system; WebGPU needs it and a GPU driver with Vulkan support');
  }
  const cache = new Map<string, Promise<Entry>>(); // key: provider (or 'cpu-only') + '\0' + path
  const byPath = new Map<string, string>(); // path → cache key actually used

  function sessionOptions(provider: ProviderName): ort.InferenceSession.SessionOptions {
    return {
      // One provider only: ORT core adds the CPU EP for nodes a GPU EP cannot run, and
      // onnxruntime-common would silently drop a provider whose backend is absent from a
      // longer list (['dml', 'cpu'] on Linux runs on CPU and would be misreported as dml).
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      interOpNumThreads: 1,
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
      logSeverityLevel: 3,
      ...(options.spinWait === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    };
  }

  function wrap(path: string, provider: ProviderName, session: ort.InferenceSession, fallbackReason?: string): EngineSession {
    let queue: Promise<unknown> = Promise.resolve();
    return {
      path,
      provider,
      ...(fallbackReason ? { fallbackReason } : {}),
      inputNames: session.inputNames,
      outputNames: session.outputNames,
      inputShapes: new Map(session.inputMetadata.map((m) => [m.name, m.isTensor ? [...m.shape] : []])),
      run(feeds, outputNames) {
        const next = queue.then(() => (outputNames ? session.run(feeds, [...outputNames]) : session.run(feeds)));
        queue = next.catch(() => undefined);
        return next as Promise<Record<string, ort.Tensor>>;
      },
    };
  }

  async function create(path: string, cpuOnly: boolean): Promise<Entry> {
    const reasons: string[] = [];
    for (const provider of cpuOnly ? (['cpu'] as const) : providers) {
      const known = failed.get(provider);
      if (known) {
        reasons.push(`${provider}: ${known}`);
        continue;
      }
      const key = `${cpuOnly ? 'cpu-only' : provider}\0${path}`;
      const cached = cache.get(key);
      if (cached) return cached;
      try {
        const session = await ort.InferenceSession.create(path, sessionOptions(provider));
        const entry = { session, wrapper: wrap(path, provider, session, reasons.length ? reasons.join('; ') : undefined) };
        cache.set(key, Promise.resolve(entry));
        if (!cpuOnly) byPath.set(path, key);
        return entry;
      } catch (err) {
        if (provider === 'cpu') throw err; // the model itself is broken; keep name, message and stack
        const reason = firstLine(err);
        failed.set(provider, reason);
        reasons.push(`${provider}: ${reason}`);
      }
    }
    throw new Error(`no execution provider could load ${path}`);
  }

  const pending = new Map<string, Promise<Entry>>();
  return {
    providers,
    async session(path, options = {}) {
      const cpuOnly = options.cpuOnly === true;
      const key = cpuOnly ? `cpu-only\0${path}` : byPath.get(path);
      const hit = key ? cache.get(key) : undefined;
      if (hit) return (await hit).wrapper;
      const pendingKey = `${cpuOnly ? 'cpu-only' : 'preferred'}\0${path}`;
      let p = pending.get(pendingKey);
      if (!p) {
        p = create(path, cpuOnly).finally(() => pending.delete(pendingKey));
        pending.set(pendingKey, p);
      }
      return (await p).wrapper;
    },
    async release(path) {
      const keys = path ? [...cache.keys()].filter((k) => k.endsWith(`\0${path}`)) : [...cache.keys()];
      for (const k of keys) {
        const entry = cache.get(k);
        cache.delete(k);
        if (entry) await (await entry).session.release();
      }
      for (const [p, k] of [...byPath]) if (!cache.has(k)) byPath.delete(p);
    },
  };
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0].trim().slice(0, 300);
}
