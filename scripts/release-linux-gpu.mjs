// Builds the Linux release with onnxruntime-node's CUDA and TensorRT providers
// (issue 17; docs/release.md). The project's .npmrc skips their download so
// that installs work offline and in CI; ONNXRUNTIME_NODE_INSTALL=cuda12 here
// overrides it (onnxruntime-node reads the variable before npm's config). The
// build stops when the provider libraries did not arrive, rather than ship a
// "GPU" build that runs on CPU.
//
//   node scripts/release-linux-gpu.mjs            # npm ci with CUDA, build, electron-builder --linux
//   node scripts/release-linux-gpu.mjs --check    # only report whether this node_modules has them
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const BIN = path.join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
const LIBRARIES = ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so'];

function missing() {
  return LIBRARIES.filter((f) => !fs.existsSync(path.join(BIN, f)));
}

function run(command, args, env = {}) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env }, shell: process.platform === 'win32' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.error('The CUDA providers exist for Linux x64 only; Windows builds carry DirectML and macOS builds Core ML already.');
  process.exit(2);
}
if (process.argv.includes('--check')) {
  const absent = missing();
  console.log(absent.length ? `Missing in ${BIN}: ${absent.join(', ')}` : `CUDA and TensorRT providers present in ${BIN}.`);
  process.exit(absent.length ? 1 : 0);
}
run('npm', ['ci'], { ONNXRUNTIME_NODE_INSTALL: 'cuda12' });
const absent = missing();
if (absent.length) {
  console.error(`onnxruntime-node did not install ${absent.join(', ')} into ${BIN}; is the network to its download host open?`);
  process.exit(1);
}
run('npm', ['run', 'build']);
run('npx', ['electron-builder', '--linux']);
