/**
 * Adapters trained by the papers' own code, mapped onto ClipScan's learnables
 * (issue 11, `clipscan models add-adapter`). Input: the checkpoint's tensors
 * with their nesting flattened into dotted names, as the restricted unpickler
 * reads them. Output: ClipScan's learnable tensors, by the names and shapes the
 * bundle's training graph declares. Anything missing, misshapen or of an
 * unknown kind is refused with a message that names it.
 *
 * MediCLIP (github.com/cnulab/MediCLIP, train.py saves `checkpoints_<epoch>.pkl`
 * with torch.save):
 *   adapter_state_dict.<j>_adapter.0.weight [D, Wv, 1, 1]  → adapter_w<j> [D, Wv]   (1×1 conv, j = 0..2)
 *   adapter_state_dict.<j>_adapter.0.bias   [D]            → adapter_b<j> [D]
 *   prompt_state_dict.ctx.normal_end        [10, 8, Wt]    → ctx_normal
 *   prompt_state_dict.ctx.abnormal_end      [11, 8, Wt]    → ctx_abnormal
 *
 * MadCLIP (github.com/mahshid1998/MadCLIP, train.py saves `<obj>.pth`; the
 * default "MFCFC" adapters and the `learnable_all` text mode):
 *   normal_det_adapters.<j>.fc1.0.weight [Wv, Wv] → ad<j>_n_shared   (abnormal_det_adapters → ad<j>_ab_*)
 *   normal_det_adapters.<j>.fc2.0.weight [D, Wv]  → ad<j>_n_det
 *   normal_det_adapters.<j>.fc3.0.weight [D, Wv]  → ad<j>_n_seg
 *   prompt_maker_normal.prompt_learner.ctx.normal_<pos>     [7, 8, Wt] → ctx_normal_<pos>
 *   prompt_maker_abnormal.prompt_learner.ctx.abnormal_<pos> [7, 8, Wt] → ctx_abnormal_<pos>
 *   prompt_maker_*.text_encoder.*: the frozen CLIP text tower, ignored (the bundle's is used)
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import type { TrainableMethod } from '../../../src-shared/domain/scan';
import type { Tensor32 } from '../models/adapter-files';

export interface Learnable {
  name: string;
  shape: number[];
}

export type FlatTensors = ReadonlyMap<string, Tensor32>;

const MEDICLIP_MARK = /^(adapter_state_dict|prompt_state_dict)\./;
const MADCLIP_MARK = /^(normal_det_adapters|abnormal_det_adapters|prompt_maker_normal|prompt_maker_abnormal|text_features_fix)\b/;

/** Which paper's code wrote these tensors; refused when neither. */
export function detectOriginalMethod(tensors: FlatTensors, file: string): TrainableMethod {
  const names = [...tensors.keys()];
  if (names.some((n) => MEDICLIP_MARK.test(n))) return 'mediclip';
  if (names.some((n) => MADCLIP_MARK.test(n))) return 'madclip';
  const shown = names.slice(0, 6).join(', ') + (names.length > 6 ? `, … (${names.length} in all)` : '');
  throw new ClipScanError(
    'ADAPTER_MISMATCH',
    `${file} is neither a MediCLIP checkpoint (adapter_state_dict, prompt_state_dict) nor a MadCLIP one (normal_det_adapters, abnormal_det_adapters, prompt_maker_*); it holds ${shown || 'no tensors'}.`,
  );
}

/** ClipScan learnable name → the checkpoint's tensor name, and how its shape folds (a 1×1 conv kernel drops its last two axes). */
function sourceNames(method: TrainableMethod, learnable: string): { source: string; squeeze: boolean } | null {
  if (method === 'mediclip') {
    let m = /^adapter_([wb])(\d+)$/.exec(learnable);
    if (m) return { source: `adapter_state_dict.${m[2]}_adapter.0.${m[1] === 'w' ? 'weight' : 'bias'}`, squeeze: m[1] === 'w' };
    m = /^ctx_(normal|abnormal)$/.exec(learnable);
    if (m) return { source: `prompt_state_dict.ctx.${m[1]}_end`, squeeze: false };
    return null;
  }
  let m = /^ad(\d+)_(n|ab)_(shared|det|seg)$/.exec(learnable);
  if (m) {
    const fc = { shared: 'fc1', det: 'fc2', seg: 'fc3' }[m[3] as 'shared' | 'det' | 'seg'];
    return { source: `${m[2] === 'n' ? 'normal' : 'abnormal'}_det_adapters.${m[1]}.${fc}.0.weight`, squeeze: false };
  }
  m = /^ctx_(normal|abnormal)_(end|front|middle)$/.exec(learnable);
  if (m) return { source: `prompt_maker_${m[1]}.prompt_learner.ctx.${m[1]}_${m[2]}`, squeeze: false };
  return null;
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Hints for the usual reasons a MadCLIP file does not fit: another adapter type or text mode. */
function madclipHints(tensors: FlatTensors): string[] {
  const names = [...tensors.keys()];
  const hints: string[] = [];
  if (names.some((n) => /_det_adapters\.\d+\.cnn\./.test(n))) hints.push('its adapters are MadCLIP\'s "MCNNFC" type; ClipScan uses the default "MFCFC"');
  if (names.some((n) => /_det_adapters\.\d+\.transformer_encoder\./.test(n)))
    hints.push('its adapters are MadCLIP\'s "MViTFC" type; ClipScan uses the default "MFCFC"');
  if (!names.some((n) => n.startsWith('prompt_maker_normal.')))
    hints.push('it has no learned normal prompts (trained with a text mode other than "learnable_all")');
  return hints;
}

/**
 * Maps the checkpoint's tensors onto `learnables` (the names and shapes of
 * the bundle's training graph). Returns every learnable; throws
 * ADAPTER_MISMATCH listing each missing or misshapen tensor otherwise.
 */
export function mapOriginalAdapter(method: TrainableMethod, tensors: FlatTensors, learnables: readonly Learnable[], file: string): Map<string, Tensor32> {
  const out = new Map<string, Tensor32>();
  const problems: string[] = [];
  for (const l of learnables) {
    const src = sourceNames(method, l.name);
    if (!src) {
      problems.push(`ClipScan's ${method} graph wants ${l.name}, which has no counterpart in the original code`);
      continue;
    }
    const t = tensors.get(src.source);
    if (!t) {
      problems.push(`${src.source} ${fmt(l.shape)} is missing`);
      continue;
    }
    const shape = src.squeeze && t.shape.length === 4 && t.shape[2] === 1 && t.shape[3] === 1 ? t.shape.slice(0, 2) : t.shape;
    if (shape.length !== l.shape.length || shape.some((d, i) => d !== l.shape[i])) {
      problems.push(`${src.source} is ${fmt(t.shape)}, expected ${fmt(src.squeeze ? [...l.shape, 1, 1] : l.shape)}`);
      continue;
    }
    if (!t.data.every(Number.isFinite)) {
      problems.push(`${src.source} holds NaN or infinite values`);
      continue;
    }
    out.set(l.name, { data: t.data, shape: [...l.shape] });
  }
  if (problems.length > 0) {
    const hints = method === 'madclip' ? madclipHints(tensors) : [];
    throw new ClipScanError(
      'ADAPTER_MISMATCH',
      `${file} does not fit ClipScan's ${method === 'mediclip' ? 'MediCLIP' : 'MadCLIP'} adapter for this model: ${problems.join('; ')}.` +
        (hints.length ? ` Probably ${hints.join('; ')}.` : '') +
        ' Nothing was imported.',
    );
  }
  return out;
}
