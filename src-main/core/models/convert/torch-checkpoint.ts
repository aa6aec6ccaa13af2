/**
 * Reads a PyTorch zip checkpoint without PyTorch: an OpenAI TorchScript archive
 * (`<name>/data.pkl` pickling the module tree, `<name>/data/<n>` tensor records)
 * or a `torch.save` state dict (`{key: tensor}`, optionally `{'state_dict': …}`,
 * keys optionally prefixed `module.`). The pickle is read by the restricted
 * unpickler; tensors are read from the zip one at a time when asked for.
 */
import path from 'node:path';
import { ConvertError } from './errors';
import { isObject, isTensor, unpickle, type PyTensor, type PyValue } from './pickle';
import { gatherFloat32, ITEM_BYTES, viewExtent, type Checkpoint, type TensorSource } from './tensors';
import { ZipArchive } from './zip-archive';

export async function openTorchCheckpoint(file: string): Promise<Checkpoint> {
  const label = path.basename(file);
  const zip = await ZipArchive.open(file, label);
  try {
    const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pkls.length !== 1)
      throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label} is a zip file but not a PyTorch checkpoint (no <name>/data.pkl record).`);
    const prefix = pkls[0].slice(0, -'data.pkl'.length);
    const order = zip.entries.get(`${prefix}byteorder`);
    if (order && (await zip.read(`${prefix}byteorder`)).toString('latin1') !== 'little') {
      throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label} was saved on a big-endian machine; such checkpoints are not supported.`);
    }
    const root = unpickle(await zip.read(pkls[0]), label);
    const found = new Map<string, PyTensor>();
    if (isObject(root)) collectModule(root.state, '', found);
    else collectStateDict(root, label, found);
    if (found.size === 0) throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label} holds no tensors: it is not a model checkpoint.`);
    const tensors = new Map<string, TensorSource>();
    for (const [key, t] of found) {
      const name = key.startsWith('module.') ? key.slice('module.'.length) : key;
      tensors.set(name, storageTensor(zip, `${prefix}data/${t.storageKey}`, t, label, name));
    }
    return { label, tensors, close: () => zip.close() };
  } catch (err) {
    zip.close();
    throw err;
  }
}

/** A state dict: string keys to tensors (non-tensor entries are ignored), maybe under 'state_dict'. */
function collectStateDict(root: PyValue, label: string, out: Map<string, PyTensor>): void {
  if (!(root instanceof Map)) throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label}: the pickle holds neither a TorchScript module nor a state dict.`);
  const inner = root.get('state_dict');
  const dict = inner instanceof Map ? inner : root;
  for (const [k, v] of dict) if (typeof k === 'string' && isTensor(v)) out.set(k, v);
}

/** A TorchScript module tree: every tensor attribute, named by its path (visual.conv1.weight …). */
function collectModule(state: PyValue, prefix: string, out: Map<string, PyTensor>): void {
  if (!(state instanceof Map)) return;
  for (const [k, v] of state) {
    if (typeof k !== 'string') continue;
    if (isTensor(v)) out.set(prefix + k, v);
    else if (isObject(v)) collectModule(v.state, `${prefix}${k}.`, out);
  }
}

function storageTensor(zip: ZipArchive, entry: string, t: PyTensor, label: string, name: string): TensorSource {
  return {
    shape: t.shape,
    async read() {
      const bytes = await zip.read(entry);
      const item = ITEM_BYTES[t.dtype];
      if (bytes.length < t.storageNumel * item || viewExtent(t.offset, t.shape, t.stride) > t.storageNumel) {
        throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label}: the record of ${name} is shorter than its tensor; the file is damaged.`);
      }
      if (!['float16', 'float32', 'bfloat16', 'float64'].includes(t.dtype)) {
        throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label}: ${name} holds ${t.dtype} values, not floating-point weights.`);
      }
      return gatherFloat32(bytes, t.dtype, t.offset, t.shape, t.stride);
    },
  };
}
