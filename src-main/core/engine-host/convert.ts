/**
 * The engine host's `convertCheckpoint` method: runs the checkpoint converter
 * (src-main/core/models/convert) with the caller's cancel signal and forwards
 * its progress. The converter writes the bundle folder atomically; the caller
 * verifies and registers it.
 */
import { convertCheckpoint } from '../models/convert';
import type { HostMethods } from './protocol';

export async function convertCheckpointInHost(
  params: HostMethods['convertCheckpoint']['params'],
  context: { progress: (data: HostMethods['convertCheckpoint']['progress']) => void; signal: AbortSignal },
): Promise<HostMethods['convertCheckpoint']['result']> {
  const manifest = await convertCheckpoint({ ...params, onProgress: context.progress, signal: context.signal });
  return { id: manifest.id, version: manifest.version };
}
