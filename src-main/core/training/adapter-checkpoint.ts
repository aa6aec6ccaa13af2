/**
 * Reads the tensors of a checkpoint saved by the papers' own training code
 * (MediCLIP's `.pkl`, MadCLIP's `.pth`: torch.save zips of nested dicts of
 * state dicts), through the converter's restricted unpickler, so nothing in
 * the file can run. Nested dicts are flattened to dotted names
 * (`adapter_state_dict.0_adapter.0.weight`); values are float32.
 */
import path from 'node:path';
import { ClipScanError } from '../../../src-shared/contract/errors';
import { isObject, isTensor, unpickle, type PyTensor, type PyValue } from '../models/convert/pickle';
import { gatherFloat32, ITEM_BYTES, viewExtent } from '../models/convert/tensors';
import { ZipArchive } from '../models/convert/zip-archive';
import type { Tensor32 } from '../models/adapter-files';

const FLOAT_TYPES = new Set(['float16', 'float32', 'bfloat16', 'float64']);

function collect(value: PyValue, prefix: string, out: Map<string, PyTensor>): void {
  if (isTensor(value)) out.set(prefix, value);
  else if (value instanceof Map) {
    for (const [k, v] of value) if (typeof k === 'string') collect(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (isObject(value)) collect(value.state, prefix, out);
}

export async function readAdapterCheckpoint(file: string): Promise<Map<string, Tensor32>> {
  const label = path.basename(file);
  const zip = await ZipArchive.open(file, label);
  try {
    const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pkls.length !== 1) throw new ClipScanError('ADAPTER_MISMATCH', `${label} is a zip file but not a PyTorch checkpoint (no <name>/data.pkl record).`);
    const prefix = pkls[0]!.slice(0, -'data.pkl'.length);
    const found = new Map<string, PyTensor>();
    collect(unpickle(await zip.read(pkls[0]!), label), '', found);
    const out = new Map<string, Tensor32>();
    for (const [name, t] of found) {
      if (!FLOAT_TYPES.has(t.dtype)) continue; // step counters and the like
      const bytes = await zip.read(`${prefix}data/${t.storageKey}`);
      if (bytes.length < t.storageNumel * ITEM_BYTES[t.dtype] || viewExtent(t.offset, t.shape, t.stride) > t.storageNumel) {
        throw new ClipScanError('ADAPTER_MISMATCH', `${label}: the record of ${name} is shorter than its tensor; the file is damaged.`);
      }
      out.set(name, { data: gatherFloat32(bytes, t.dtype, t.offset, t.shape, t.stride), shape: [...t.shape] });
    }
    return out;
  } finally {
    zip.close();
  }
}
