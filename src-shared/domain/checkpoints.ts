/**
 * CLIP checkpoints a user can turn into model bundles (issue 11): OpenAI's
 * three official ViT files (pinned by the sha256 that is part of their URL),
 * the bundle variants each one yields for the methods, and what a search of
 * the usual caches found. Pure data and schemas, shared by the CLI, the back
 * end and the Models tab.
 */
import { z } from 'zod';
import { InstalledBundleSchema } from './installed-bundle';
import type { MethodId, TrainableMethod } from './scan';

export const OfficialCheckpointNameSchema = z.enum(['ViT-B-16', 'ViT-L-14', 'ViT-L-14-336']);
export type OfficialCheckpointName = z.infer<typeof OfficialCheckpointNameSchema>;

/**
 * A bundle made from a checkpoint: its id, run size, activation and pixel
 * normalisation, as the methods that use it expect (shared/design/algorithms.md §1).
 */
export interface CheckpointVariant {
  /** Bundle id; the version is the first 12 hex digits of the checkpoint's sha256. */
  id: string;
  displayName: string;
  inputSize: number;
  activation: 'quickgelu' | 'gelu';
  normalise: 'clip' | 'none';
  usedBy: string;
}

export interface OfficialCheckpoint {
  name: OfficialCheckpointName;
  /** File name on OpenAI's server (and in ~/.cache/clip). */
  file: string;
  sha256: string;
  /** Approximate size of the download (the server's Content-Length is authoritative). */
  approxBytes: number;
  licence: string;
  purpose: string;
  variants: CheckpointVariant[];
}

export const OPENAI_CLIP_BASE_URL = 'https://openaipublic.azureedge.net/clip/models/';

const MIT = 'MIT (OpenAI CLIP weights)';

export const OFFICIAL_CHECKPOINTS: readonly OfficialCheckpoint[] = [
  {
    name: 'ViT-B-16',
    file: 'ViT-B-16.pt',
    sha256: '5806e77cd80f8b59890b7e101eabd078d9fb84e6937f9e85e4ecb61988df416f',
    approxBytes: 335 * 1024 * 1024,
    licence: MIT,
    purpose: 'Zero-shot scans, fast (ViT-B/16 at 224).',
    variants: [{ id: 'openai-vit-b-16', displayName: 'OpenAI CLIP ViT-B/16', inputSize: 224, activation: 'quickgelu', normalise: 'clip', usedBy: 'zero-shot' }],
  },
  {
    name: 'ViT-L-14',
    file: 'ViT-L-14.pt',
    sha256: 'b8cca3fd41ae0c99ba7e8951adf17d267cdb84cd88be6f7c2e0eca1737a03836',
    approxBytes: 890 * 1024 * 1024,
    licence: MIT,
    purpose: 'MediCLIP and zero-shot scans (ViT-L/14 at 224, QuickGELU, CLIP normalisation).',
    variants: [
      { id: 'openai-vit-l-14', displayName: 'OpenAI CLIP ViT-L/14', inputSize: 224, activation: 'quickgelu', normalise: 'clip', usedBy: 'MediCLIP, zero-shot' },
    ],
  },
  {
    name: 'ViT-L-14-336',
    file: 'ViT-L-14-336px.pt',
    sha256: '3035c92b350959924f9f00213499208652fc7ea050643e8b385c2dac08641f02',
    approxBytes: 891 * 1024 * 1024,
    licence: MIT,
    purpose: 'MadCLIP and MVFA scans (ViT-L/14-336 run at 240, exact GELU, no normalisation).',
    variants: [
      {
        id: 'openai-vit-l-14-336-madclip',
        displayName: 'OpenAI CLIP ViT-L/14-336 (MadCLIP, 240)',
        inputSize: 240,
        activation: 'gelu',
        normalise: 'none',
        usedBy: 'MadCLIP',
      },
    ],
  },
];

export function officialCheckpoint(name: string): OfficialCheckpoint | null {
  const wanted = name.toLowerCase().replace(/\.pt$/, '').replace(/px$/, '').replace('/', '-');
  return OFFICIAL_CHECKPOINTS.find((c) => c.name.toLowerCase() === wanted) ?? null;
}

/** What the Models tab lists as "Get" entries (`models.checkpoints`). */
export const OfficialCheckpointInfoSchema = z.object({
  name: OfficialCheckpointNameSchema,
  file: z.string(),
  approxBytes: z.number().int().positive(),
  licence: z.string(),
  purpose: z.string(),
  /** Bundle ids it yields. */
  bundleIds: z.array(z.string()),
  /** Every one of them is installed already. */
  installed: z.boolean(),
});
export type OfficialCheckpointInfo = z.infer<typeof OfficialCheckpointInfoSchema>;

/** A checkpoint found in a cache at start-up; nothing is copied until the user imports it. */
export const FoundCheckpointSchema = z.object({
  path: z.string(),
  format: z.enum(['openai-torchscript', 'hf-safetensors']),
  /** The official name when the file is one of OpenAI's. */
  name: OfficialCheckpointNameSchema.nullable(),
  bytes: z.number().int().nonnegative(),
  where: z.string(),
});
export type FoundCheckpoint = z.infer<typeof FoundCheckpointSchema>;

/** Progress of one checkpoint job: downloading, converting (per variant), verifying. */
export const CheckpointProgressSchema = z.object({
  /** The official name or the path being imported: what `models.cancelCheckpoint` takes. */
  source: z.string(),
  phase: z.enum(['download', 'convert', 'verify']),
  done: z.number().nonnegative(),
  total: z.number().nonnegative(),
  detail: z.string(),
});
export type CheckpointProgress = z.infer<typeof CheckpointProgressSchema>;

export const AddCheckpointResultSchema = z.object({ bundles: z.array(InstalledBundleSchema) });

const L_FAMILY = new Set(['ViT-L-14', 'ViT-L-14-336', 'openai-vit-l-14', 'openai-vit-l-14-336-madclip'].map((s) => s.toLowerCase()));
const variantsOf = (name: OfficialCheckpointName) => OFFICIAL_CHECKPOINTS.find((c) => c.name === name)!.variants.map((v) => v.id);

/**
 * A ViT-L/14 checkpoint the user converts (`clipscan models add <file>`, Import
 * checkpoint…) yields both variants, whichever grid it was trained at: the
 * 224 px QuickGELU one (MediCLIP, zero-shot) and the 240 px exact-GELU one
 * (MadCLIP). Both carry the same version, the weights' hash, so a scan can go
 * from one to the other without mixing two fine-tunes.
 */
export const CONVERTED_L_VARIANTS = {
  224: { variant: 'ViT-L-14', id: 'openai-clip-vit-l-14' },
  240: { variant: 'ViT-L-14-336', id: 'openai-clip-vit-l-14-336-at240' },
} as const;

/** The variant a method runs on, and the command that makes it when it is missing. */
export interface MethodVariant {
  /** Bundle id, or `<id>@<version>` when the choice named a version. */
  id: string;
  /** How to get it: an official name (`ViT-L-14-336`) or, for a converted checkpoint, null (convert the file again). */
  from: OfficialCheckpointName | null;
}

/**
 * The method picks the variant it needs: given a model the user chose by an
 * official name or by one of its bundles' ids, the bundle id the method runs
 * on (MadCLIP: ViT-L/14-336 at 240 with exact GELU; MediCLIP: ViT-L/14 at 224
 * with QuickGELU; zero-shot: the named checkpoint's own bundle). A bundle
 * converted from the user's own ViT-L/14 file goes to its sibling of the same
 * version (CONVERTED_L_VARIANTS). Null when the choice is none of these, or
 * the method has no variant of it.
 */
/** The official checkpoint each adapter method's paper trained on. */
const ADAPTER_CHECKPOINT: Readonly<Record<TrainableMethod, OfficialCheckpointName>> = {
  mediclip: 'ViT-L-14',
  madclip: 'ViT-L-14-336',
  mvfa: 'ViT-L-14-336',
};
/** The run size of the converted ViT-L/14 variant each method uses. */
const CONVERTED_SIZE: Readonly<Record<MethodId, keyof typeof CONVERTED_L_VARIANTS>> = { zeroshot: 224, mediclip: 224, madclip: 240, mvfa: 240 };

export function checkpointVariantFor(method: MethodId, modelId: string): MethodVariant | null {
  const key = modelId.toLowerCase();
  if (method !== 'zeroshot' && L_FAMILY.has(key)) {
    const from = ADAPTER_CHECKPOINT[method];
    return { id: variantsOf(from)[0]!, from };
  }
  const named = OFFICIAL_CHECKPOINTS.find((c) => c.name.toLowerCase() === key);
  if (named && method === 'zeroshot') return { id: named.variants[0]!.id, from: named.name };
  const at = key.lastIndexOf('@');
  const [id, version] = at > 0 ? [key.slice(0, at), key.slice(at)] : [key, ''];
  const converted = Object.values(CONVERTED_L_VARIANTS).map((v) => v.id as string);
  if (!converted.includes(id)) return null;
  const wanted = CONVERTED_L_VARIANTS[CONVERTED_SIZE[method]].id;
  return wanted === id ? null : { id: `${wanted}${version}`, from: null };
}
