// The processor line in plain words, with the runtime's details kept for the tooltip.
import { describe, expect, it } from 'vitest';
import { providerWords } from '../../../src-renderer/util/provider-words';

describe('providerWords', () => {
  it('says the CPU ran it because no GPU was available, and keeps the reasons', () => {
    const w = providerWords('cpu', 'cuda: libcudart.so missing; tensorrt: not built; webgpu: no adapter');
    expect(w.text).toBe('Running on CPU (no GPU available)');
    expect(w.details).toContain('cuda: libcudart.so missing');
    expect(w.details).toContain('execution provider: cpu');
  });

  it('names a GPU plainly and a CPU without a fallback without excuse', () => {
    expect(providerWords('cuda', null).text).toBe('Running on NVIDIA GPU');
    expect(providerWords('cpu', null).text).toBe('Running on CPU');
    expect(providerWords(null, null).text).toBe('Processor not reported yet');
  });
});
