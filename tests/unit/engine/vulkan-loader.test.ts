// Finding libvulkan.so.1 where the dynamic loader would: LD_LIBRARY_PATH, ld.so.conf.d, multiarch and standard folders.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findVulkanLoader, librarySearchDirs } from '../../../src-main/core/engine/vulkan-loader';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'clipscan-vulkan-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('Vulkan loader lookup', () => {
  it('searches LD_LIBRARY_PATH first, then ld.so.conf.d, multiarch and the standard folders', () => {
    const conf = path.join(tmp, 'ld.so.conf.d');
    fs.mkdirSync(conf);
    fs.writeFileSync(path.join(conf, 'gpu.conf'), '# a driver\n/opt/gpu/lib\n\ninclude nothing\n');
    fs.writeFileSync(path.join(conf, 'ignored.txt'), '/not/read\n');
    const dirs = librarySearchDirs({ LD_LIBRARY_PATH: '/a:/b' }, 'x64', conf);
    expect(dirs.slice(0, 3)).toEqual(['/a', '/b', '/opt/gpu/lib']);
    expect(dirs).toContain('/usr/lib/x86_64-linux-gnu');
    expect(dirs).toContain('/usr/lib64');
    expect(dirs).not.toContain('/not/read');
    expect(librarySearchDirs({}, 'x64', path.join(tmp, 'missing'))).toContain('/usr/lib');
  });

  it('finds the loader in one of the folders, or says there is none', () => {
    const lib = path.join(tmp, 'lib');
    fs.mkdirSync(lib);
    expect(findVulkanLoader([path.join(tmp, 'empty'), lib])).toBeNull();
    fs.writeFileSync(path.join(lib, 'libvulkan.so.1'), '');
    expect(findVulkanLoader([path.join(tmp, 'empty'), lib])).toBe(path.join(lib, 'libvulkan.so.1'));
  });
});
