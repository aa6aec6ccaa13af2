/**
 * Finds CLIP checkpoints already on this computer, in the caches other tools
 * fill: OpenAI's `clip` package (`~/.cache/clip/*.pt`) and the Hugging Face hub
 * (`$HF_HUB_CACHE`, `$HF_HOME/hub`, `$XDG_CACHE_HOME/huggingface/hub` or
 * `~/.cache/huggingface/hub`, folders `models--openai--clip-vit-*`, whose
 * snapshots hold `model.safetensors` and `config.json`). It only looks: the
 * user decides what to import, and nothing is copied before that.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OFFICIAL_CHECKPOINTS, type FoundCheckpoint } from '../../../src-shared/domain/checkpoints';

async function entries(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function fileSize(p: string): Promise<number | null> {
  try {
    const s = await fsp.stat(p);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

function hubCaches(home: string, env: NodeJS.ProcessEnv): string[] {
  const dirs = [
    env.HF_HUB_CACHE,
    env.HF_HOME ? path.join(env.HF_HOME, 'hub') : undefined,
    env.XDG_CACHE_HOME ? path.join(env.XDG_CACHE_HOME, 'huggingface', 'hub') : undefined,
    path.join(home, '.cache', 'huggingface', 'hub'),
  ];
  return [...new Set(dirs.filter((d): d is string => Boolean(d)))];
}

async function openaiCache(home: string): Promise<FoundCheckpoint[]> {
  const dir = path.join(home, '.cache', 'clip');
  const found: FoundCheckpoint[] = [];
  for (const name of await entries(dir)) {
    if (!name.endsWith('.pt')) continue;
    const file = path.join(dir, name);
    const bytes = await fileSize(file);
    if (bytes === null) continue;
    const official = OFFICIAL_CHECKPOINTS.find((c) => c.file === name);
    found.push({ path: file, format: 'openai-torchscript', name: official?.name ?? null, bytes, where: '~/.cache/clip (OpenAI clip package)' });
  }
  return found;
}

async function hubCache(hub: string): Promise<FoundCheckpoint[]> {
  const found: FoundCheckpoint[] = [];
  for (const repo of await entries(hub)) {
    if (!/^models--openai--clip-vit-/i.test(repo)) continue;
    const snapshots = path.join(hub, repo, 'snapshots');
    for (const rev of await entries(snapshots)) {
      const folder = path.join(snapshots, rev);
      const bytes = await fileSize(path.join(folder, 'model.safetensors'));
      if (bytes === null || (await fileSize(path.join(folder, 'config.json'))) === null) continue;
      found.push({
        path: folder,
        format: 'hf-safetensors',
        name: null,
        bytes,
        where: `Hugging Face cache (${repo.replace(/^models--/, '').replace('--', '/')})`,
      });
    }
  }
  return found;
}

export async function findCachedCheckpoints(home: string = os.homedir(), env: NodeJS.ProcessEnv = process.env): Promise<FoundCheckpoint[]> {
  const found = await openaiCache(home);
  for (const hub of hubCaches(home, env)) found.push(...(await hubCache(hub)));
  return found;
}
