/**
 * The restricted unpickler on hand-written pickles: a state dict record of
 * torch.save (OrderedDict, _rebuild_tensor_v2, HalfStorage persistent id) is read
 * as data; globals outside the tensor-rebuild set (os.system, builtins.eval via
 * STACK_GLOBAL), object creation from non-TorchScript classes and opcodes plain
 * checkpoints never use (INST, EXT1) are refused with CONVERT_UNSAFE_PICKLE; a
 * damaged pickle is CONVERT_NOT_A_CHECKPOINT. Also the fp16/bf16 → float32 reads.
 */
import { describe, expect, it } from 'vitest';
import { isTensor, unpickle } from '../../../src-main/core/models/convert/pickle';
import { gatherFloat32 } from '../../../src-main/core/models/convert/tensors';

const enc = (s: string) => Buffer.from(s, 'latin1');
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const str = (s: string) => Buffer.concat([enc('X'), u32(Buffer.byteLength(s)), Buffer.from(s, 'utf8')]);

describe('restricted unpickler', () => {
  it('reads a torch.save state dict record as data', () => {
    const pkl = Buffer.concat([
      enc('\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01'),
      str('visual.proj'),
      enc('ctorch._utils\n_rebuild_tensor_v2\nq\x02('),
      enc('('),
      str('storage'),
      enc('ctorch\nHalfStorage\nq\x03'),
      str('0'),
      str('cpu'),
      enc('K\x06tq\x04Q'),
      enc('K\x00K\x02K\x03\x86K\x01K\x02\x86\x89ccollections\nOrderedDict\nq\x05)Rq\x06tq\x07Rq\x08'),
      enc('s.'),
    ]);
    const root = unpickle(pkl, 'sd.pt');
    expect(root).toBeInstanceOf(Map);
    const t = (root as Map<unknown, unknown>).get('visual.proj');
    expect(isTensor(t as never)).toBe(true);
    expect(t).toMatchObject({ storageKey: '0', dtype: 'float16', storageNumel: 6, offset: 0, shape: [2, 3], stride: [1, 2] });
  });

  it.each([
    ['GLOBAL os.system', enc('\x80\x02cos\nsystem\nq\x00'), /names os\.system/],
    ['STACK_GLOBAL builtins.eval', Buffer.concat([enc('\x80\x04'), enc('\x8c\x08builtins\x8c\x04eval\x93.')]), /names builtins\.eval/],
    ['NEWOBJ of a plain class', enc('\x80\x02c__torch__\nM\nq\x00ccollections\nOrderedDict\nq\x01)\x81.'), /creates an object of collections\.OrderedDict/],
    ['INST', enc('(iposix\nsystem\n.'), /opcode 0x69/],
    ['EXT1', enc('\x80\x02\x82\x01.'), /opcode 0x82/],
    ['REDUCE of a TorchScript class', enc('\x80\x02c__torch__\nM\nq\x00)R.'), /calls __torch__\.M/],
  ])('refuses %s', (_name, pkl, message) => {
    expect(() => unpickle(pkl, 'evil.pt')).toThrow(expect.objectContaining({ code: 'CONVERT_UNSAFE_PICKLE', message: expect.stringMatching(message) }));
  });

  it('calls a damaged pickle damaged', () => {
    expect(() => unpickle(enc('\x80\x02X\xff\x00\x00\x00abc'), 'cut.pt')).toThrow(expect.objectContaining({ code: 'CONVERT_NOT_A_CHECKPOINT' }));
    expect(() => unpickle(enc('\x80\x02h\x05.'), 'memo.pt')).toThrow(expect.objectContaining({ code: 'CONVERT_NOT_A_CHECKPOINT' }));
  });

  it('reads fp16 and bf16 storages, strided views included', () => {
    const half = Buffer.from(Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff, 0x8000]).buffer);
    expect(Array.from(gatherFloat32(half, 'float16', 0, [6], [1]))).toEqual([1, -2, Math.fround(0.333251953125), 2 ** -24, 65504, -0]);
    expect(Array.from(gatherFloat32(half, 'float16', 0, [2, 3], [1, 2]))).toEqual([1, 0.333251953125, 65504, -2, 2 ** -24, -0].map(Math.fround));
    const bf = Buffer.from(Uint16Array.from([0x3f80, 0x4049]).buffer);
    expect(Array.from(gatherFloat32(bf, 'bfloat16', 0, [2], [1]))).toEqual([1, 3.140625]);
  });
});
