/**
 * A restricted unpickler for PyTorch checkpoints (`data.pkl` of a torch.save zip
 * or a TorchScript archive). A checkpoint is untrusted input, so this reads the
 * pickle as data and never executes anything:
 *
 * - opcodes: only those protocol 2–4 pickles of plain data use (containers, ints,
 *   floats, strings, bytes, bools, None, memo, MARK/STOP, GLOBAL/STACK_GLOBAL,
 *   REDUCE, NEWOBJ, BUILD, BINPERSID); anything else is refused;
 * - globals: torch._utils._rebuild_tensor_v2 / _rebuild_parameter,
 *   collections.OrderedDict, torch.<Type>Storage (via persistent ids), and the
 *   `__torch__.*` module classes of TorchScript archives, which become inert
 *   records `{ className, state }` (only NEWOBJ with no arguments, then BUILD);
 *   any other global (os.system, builtins.eval, …) is refused when it is named,
 *   before anything could use it.
 *
 *   const root = unpickle(bytes, 'ViT-B-16.pt');   // PyValue: Map, array, PyTensor, PyObject…
 */
import { ConvertError } from './errors';

export type StorageDtype = 'float16' | 'float32' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** A tensor record: its storage (the zip entry `data/<key>`) and its view. */
export interface PyTensor {
  kind: 'tensor';
  storageKey: string;
  dtype: StorageDtype;
  storageNumel: number;
  offset: number;
  shape: number[];
  stride: number[];
}

/** An instance of a TorchScript module class: its class name and attributes (never instantiated). */
export interface PyObject {
  kind: 'object';
  className: string;
  state: PyValue;
}

export interface PyTuple {
  kind: 'tuple';
  items: PyValue[];
}

interface PyGlobal {
  kind: 'global';
  name: string;
}

interface PyStorage {
  kind: 'storage';
  key: string;
  dtype: StorageDtype;
  numel: number;
}

export type PyValue =
  null | boolean | number | bigint | string | Uint8Array | PyValue[] | Map<PyValue, PyValue> | PyTuple | PyTensor | PyObject | PyGlobal | PyStorage;

const STORAGE_DTYPES: Record<string, StorageDtype> = {
  HalfStorage: 'float16',
  FloatStorage: 'float32',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};

const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
const ORDERED_DICT = 'collections.OrderedDict';

function allowedGlobal(module: string, name: string): boolean {
  const full = `${module}.${name}`;
  if (full === REBUILD_TENSOR || full === REBUILD_PARAMETER || full === ORDERED_DICT) return true;
  if (module === 'torch' && name in STORAGE_DTYPES) return true;
  return module === '__torch__' || module.startsWith('__torch__.');
}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

export function isTuple(v: PyValue): v is PyTuple {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Uint8Array) && (v as { kind?: string }).kind === 'tuple'
  );
}

export function isTensor(v: PyValue): v is PyTensor {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'tensor';
}

export function isObject(v: PyValue): v is PyObject {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'object';
}

export function unpickle(data: Uint8Array, label: string): PyValue {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const stack: StackItem[] = [];
  const memo = new Map<number, PyValue>();
  let pos = 0;

  const refuse = (what: string): never => {
    throw new ConvertError(
      'CONVERT_UNSAFE_PICKLE',
      `${label}: refused: the checkpoint's pickle ${what}. A CLIP checkpoint holds only tensors and plain containers; nothing from it was run.`,
    );
  };
  const broken = (what: string): never => {
    throw new ConvertError('CONVERT_NOT_A_CHECKPOINT', `${label}: the checkpoint's pickle is damaged (${what}).`);
  };
  const need = (n: number) => {
    if (pos + n > data.length) broken('it ends early');
  };
  const u8 = () => (need(1), data[pos++]);
  const u16 = () => (need(2), (pos += 2), view.getUint16(pos - 2, true));
  const u32 = () => (need(4), (pos += 4), view.getUint32(pos - 4, true));
  const i32 = () => (need(4), (pos += 4), view.getInt32(pos - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(data.length)) broken('a length beyond the end');
    return Number(v);
  };
  const bytes = (n: number) => (need(n), (pos += n), data.subarray(pos - n, pos));
  const line = () => {
    const end = data.indexOf(0x0a, pos);
    if (end < 0) broken('an unterminated line');
    const s = utf8.decode(data.subarray(pos, end));
    pos = end + 1;
    return s;
  };
  const pop = (): PyValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) return broken('stack underflow');
    return v;
  };
  const popMark = (): PyValue[] => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) broken('no MARK');
    const items = stack.splice(i) as PyValue[];
    items.shift();
    return items;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) return broken('empty stack');
    return v;
  };
  const global = (module: string, name: string): PyGlobal => {
    if (!allowedGlobal(module, name)) refuse(`names ${module}.${name}`);
    return { kind: 'global', name: `${module}.${name}` };
  };
  const setItems = (target: PyValue, items: PyValue[]) => {
    if (!(target instanceof Map)) return broken('SETITEMS on a non-dict');
    for (let i = 0; i + 1 < items.length; i += 2) target.set(items[i], items[i + 1]);
  };

  while (true) {
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        u64();
        break; // FRAME
      case 0x2e: {
        // STOP
        const v = pop();
        return v;
      }
      case 0x28:
        stack.push(MARK);
        break; // MARK
      case 0x29:
        stack.push({ kind: 'tuple', items: [] });
        break; // EMPTY_TUPLE
      case 0x74:
        stack.push({ kind: 'tuple', items: popMark() });
        break; // TUPLE
      case 0x85:
        stack.push({ kind: 'tuple', items: [pop()] });
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push({ kind: 'tuple', items: [a, b] });
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push({ kind: 'tuple', items: [a, b, c] });
        break;
      } // TUPLE3
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x6c:
        stack.push(popMark());
        break; // LIST
      case 0x61: {
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) broken('APPEND to a non-list');
        (l as PyValue[]).push(v);
        break;
      } // APPEND
      case 0x65: {
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) broken('APPENDS to a non-list');
        (l as PyValue[]).push(...items);
        break;
      } // APPENDS
      case 0x7d:
        stack.push(new Map());
        break; // EMPTY_DICT
      case 0x64: {
        const m = new Map<PyValue, PyValue>();
        setItems(m, popMark());
        stack.push(m);
        break;
      } // DICT
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const items = popMark();
        setItems(top(), items);
        break;
      } // SETITEMS
      case 0x4a:
        stack.push(i32());
        break; // BININT
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x8a:
        stack.push(long(bytes(u8())));
        break; // LONG1
      case 0x47: {
        need(8);
        stack.push(view.getFloat64(pos, false));
        pos += 8;
        break;
      } // BINFLOAT
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x58:
        stack.push(utf8.decode(bytes(u32())));
        break; // BINUNICODE
      case 0x8c:
        stack.push(utf8.decode(bytes(u8())));
        break; // SHORT_BINUNICODE
      case 0x8d:
        stack.push(utf8.decode(bytes(u64())));
        break; // BINUNICODE8
      case 0x42:
        stack.push(bytes(u32()).slice());
        break; // BINBYTES
      case 0x43:
        stack.push(bytes(u8()).slice());
        break; // SHORT_BINBYTES
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
      case 0x6a: {
        // BINGET, LONG_BINGET
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) broken(`memo ${k} unset`);
        stack.push(memo.get(k) as PyValue);
        break;
      }
      case 0x63: {
        const module = line();
        const name = line();
        stack.push(global(module, name));
        break;
      } // GLOBAL
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') broken('STACK_GLOBAL without strings');
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x51:
        stack.push(persistent(pop()));
        break; // BINPERSID
      case 0x52: {
        const args = pop();
        const fn = pop();
        stack.push(reduce(fn, args));
        break;
      } // REDUCE
      case 0x81: {
        // NEWOBJ
        const args = pop();
        const cls = pop();
        if (!isGlobal(cls) || !cls.name.startsWith('__torch__') || !isTuple(args) || args.items.length) refuse(`creates an object of ${describe(cls)}`);
        stack.push({ kind: 'object', className: (cls as PyGlobal).name, state: null });
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const target = top();
        if (isObject(target)) target.state = state;
        else if (!(target instanceof Map)) refuse(`sets the state of ${describe(target)}`);
        break; // an OrderedDict's BUILD carries torch's `_metadata`, not needed
      }
      default:
        refuse(`uses opcode 0x${op.toString(16).padStart(2, '0')} ('${String.fromCharCode(op)}') at byte ${pos - 1}, which plain checkpoints never use`);
    }
  }

  function persistent(pid: PyValue): PyStorage {
    if (!isTuple(pid) || pid.items[0] !== 'storage') return refuse('uses a persistent id other than a tensor storage');
    const [, cls, key, , numel] = (pid as PyTuple).items;
    if (!isGlobal(cls) || !cls.name.startsWith('torch.') || typeof key !== 'string' || typeof numel !== 'number') return broken('a malformed storage id');
    const dtype = STORAGE_DTYPES[(cls as PyGlobal).name.slice('torch.'.length)];
    if (!dtype) return refuse(`uses storage type ${(cls as PyGlobal).name}`);
    if (!/^[A-Za-z0-9_]+$/.test(key as string)) return broken(`a storage key ${JSON.stringify(key)}`);
    return { kind: 'storage', key: key as string, dtype, numel: numel as number };
  }

  function reduce(fn: PyValue, args: PyValue): PyValue {
    if (!isGlobal(fn) || !isTuple(args)) return refuse(`calls ${describe(fn)}`);
    const a = (args as PyTuple).items;
    switch ((fn as PyGlobal).name) {
      case ORDERED_DICT:
        return new Map();
      case REBUILD_PARAMETER:
        if (!isTensor(a[0] ?? null)) return broken('a parameter without a tensor');
        return a[0];
      case REBUILD_TENSOR: {
        const [storage, offset, size, stride] = a;
        if (!isStorage(storage) || typeof offset !== 'number' || !isTuple(size ?? null) || !isTuple(stride ?? null)) return broken('a malformed tensor record');
        const ints = (t: PyTuple) => t.items.map((x) => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : broken('a non-integer tensor size')));
        return {
          kind: 'tensor',
          storageKey: storage.key,
          dtype: storage.dtype,
          storageNumel: storage.numel,
          offset: offset as number,
          shape: ints(size as PyTuple),
          stride: ints(stride as PyTuple),
        };
      }
      default:
        return refuse(`calls ${(fn as PyGlobal).name}`);
    }
  }
}

function long(b: Uint8Array): number | bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b.length && b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function isGlobal(v: PyValue): v is PyGlobal {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'global';
}

function isStorage(v: PyValue | undefined): v is PyStorage {
  return typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'storage';
}

function describe(v: PyValue): string {
  if (isGlobal(v)) return v.name;
  return v === null ? 'None' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? `a ${(v as { kind?: string }).kind ?? 'value'}` : typeof v;
}
