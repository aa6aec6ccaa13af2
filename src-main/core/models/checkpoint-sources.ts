/**
 * Where an official OpenAI checkpoint is downloaded from, and the sha256 it
 * must have: the 64-hex segment of its URL path
 * (`https://openaipublic.azureedge.net/clip/models/<sha256>/ViT-L-14.pt`).
 *
 * Test-only override: `CLIPSCAN_TEST_CHECKPOINTS` holds JSON
 * `{ "<name>": { "url": "http://127.0.0.1:…/<sha256>/<file>", "variant"?: "tiny", "bpe"?: "<merges file>" } }`
 * so tests can serve a random-weight file from a loopback server under the
 * official name (the sha256 still comes from the URL path). Users never set it.
 */
import { ClipScanError } from '../../../src-shared/contract/errors';
import { OFFICIAL_CHECKPOINTS, OPENAI_CLIP_BASE_URL, officialCheckpoint, type OfficialCheckpoint } from '../../../src-shared/domain/checkpoints';
import type { ConvertVariant } from './convert';

export const TEST_CHECKPOINTS_ENV = 'CLIPSCAN_TEST_CHECKPOINTS';

export interface CheckpointSource {
  checkpoint: OfficialCheckpoint;
  url: string;
  sha256: string;
  /** What the converter is asked for. */
  variant: ConvertVariant;
  /** A merges file other than OpenAI's (test override only). */
  bpe?: string;
}

/** The sha256 an OpenAI-style URL carries in its path; null when it has none. */
export function sha256FromUrl(url: string): string | null {
  const segments = new URL(url).pathname.split('/');
  const hex = segments.filter((s) => /^[0-9a-f]{64}$/i.test(s));
  return hex.length === 1 ? hex[0]!.toLowerCase() : null;
}

interface TestOverride {
  url: string;
  variant?: ConvertVariant;
  bpe?: string;
}

function testOverride(name: string, env: NodeJS.ProcessEnv): TestOverride | null {
  const raw = env[TEST_CHECKPOINTS_ENV];
  if (!raw) return null;
  const table = JSON.parse(raw) as Record<string, TestOverride>;
  return table[name] ?? null;
}

export function resolveOfficialCheckpoint(name: string, env: NodeJS.ProcessEnv = process.env): CheckpointSource {
  const checkpoint = officialCheckpoint(name);
  if (!checkpoint) {
    throw new ClipScanError(
      'BAD_ARGUMENTS',
      `"${name}" is not an official OpenAI CLIP checkpoint ClipScan can get (${OFFICIAL_CHECKPOINTS.map((c) => c.name).join(', ')}); to convert a file you have, give its path.`,
    );
  }
  const override = testOverride(checkpoint.name, env);
  const url = override?.url ?? `${OPENAI_CLIP_BASE_URL}${checkpoint.sha256}/${checkpoint.file}`;
  const sha256 = sha256FromUrl(url);
  if (!sha256) throw new ClipScanError('BAD_URL', `${url} carries no sha256 in its path; the checkpoint cannot be checked.`);
  return { checkpoint, url, sha256, variant: override?.variant ?? checkpoint.name, ...(override?.bpe ? { bpe: override.bpe } : {}) };
}
