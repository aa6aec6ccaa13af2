/**
 * Whether Linux has a Vulkan loader for onnxruntime's WebGPU provider (Dawn on
 * Vulkan). Without libvulkan.so.1, Dawn fails anyway, but first prints
 * "Warning: Couldn't load Vulkan …" straight to the process's stderr, which the
 * CLI would show on every scan of a headless box. ort-runtime.ts asks this
 * first and skips WebGPU with a readable reason instead.
 *
 *   findVulkanLoader();   // '/usr/lib/x86_64-linux-gnu/libvulkan.so.1', or null
 */
import fs from 'node:fs';
import nodePath from 'node:path';

const LOADER = 'libvulkan.so.1';
const STANDARD_DIRS = ['/lib', '/usr/lib', '/lib64', '/usr/lib64', '/usr/local/lib'];
const MULTIARCH: Readonly<Record<string, string>> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

/** The folders the dynamic loader searches: LD_LIBRARY_PATH, /etc/ld.so.conf.d/*.conf, the standard and multiarch ones. */
export function librarySearchDirs(env: NodeJS.ProcessEnv = process.env, arch: string = process.arch, confDir = '/etc/ld.so.conf.d'): string[] {
  const fromEnv = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  let fromConf: string[] = [];
  try {
    fromConf = fs
      .readdirSync(confDir)
      .filter((f) => f.endsWith('.conf'))
      .flatMap((f) => fs.readFileSync(nodePath.join(confDir, f), 'utf8').split('\n'))
      .map((line) => line.replace(/#.*/, '').trim())
      .filter((line) => line.startsWith('/'));
  } catch {
    // no ld.so.conf.d (containers, other distributions): the standard folders remain
  }
  const triplet = MULTIARCH[arch];
  const multiarch = triplet ? [`/lib/${triplet}`, `/usr/lib/${triplet}`] : [];
  return [...new Set([...fromEnv, ...fromConf, ...multiarch, ...STANDARD_DIRS])];
}

export function findVulkanLoader(dirs: readonly string[] = librarySearchDirs()): string | null {
  for (const dir of dirs) {
    const candidate = nodePath.join(dir, LOADER);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}
