/**
 * Where a scan ran, in words a radiologist reads at a glance: "Running on CPU
 * (no GPU available)" rather than ONNX Runtime's provider names; the names and
 * the runtime's own messages go into a tooltip. `providerName` gives a
 * provider's own name where a list of them is shown (the Models tab).
 *
 *   providerWords('cpu', 'cuda: libcudart missing; tensorrt: …')
 *   // { text: 'Running on CPU (no GPU available)', details: 'Tried first: cuda: libcudart missing; tensorrt: …' }
 */
const HARDWARE: Record<string, string> = {
  cpu: 'CPU',
  cuda: 'NVIDIA GPU',
  tensorrt: 'NVIDIA GPU (TensorRT)',
  webgpu: 'GPU',
  dml: 'GPU (DirectML)',
  coreml: 'Apple Neural Engine / GPU',
};

/** The provider's own name, for lists of what a build contains (Models tab). */
const NAMES: Record<string, string> = {
  cpu: 'CPU',
  cuda: 'NVIDIA CUDA',
  tensorrt: 'NVIDIA TensorRT',
  dml: 'DirectML (Windows GPUs)',
  coreml: 'Core ML (Apple)',
  webgpu: 'WebGPU',
};

export function providerName(provider: string): string {
  return NAMES[provider] ?? provider;
}

export function providerWords(provider: string | null, fallbackReason: string | null): { text: string; details: string } {
  if (!provider) return { text: 'Processor not reported yet', details: 'Shown once a scan has loaded the model.' };
  const hardware = HARDWARE[provider] ?? provider;
  const fellBackToCpu = provider === 'cpu' && fallbackReason !== null;
  const text = `Running on ${hardware}${fellBackToCpu ? ' (no GPU available)' : ''}`;
  const engine = `ONNX Runtime execution provider: ${provider}.`;
  return { text, details: fallbackReason ? `${engine} Tried first: ${fallbackReason}` : engine };
}
