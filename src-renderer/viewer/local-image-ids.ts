/**
 * Turns DICOM bytes fetched through the contract into Cornerstone image ids
 * (`dicomfile:N`, plus `?frame=K` for each frame of a multi-frame file), the
 * path recommended for local files: no URL to the file system is ever exposed
 * to the renderer. Files Cornerstone cannot decode get `clipscan:N` ids, drawn
 * by the Node decoder (viewer/node-decoded-loader.ts). Files are fetched a few at a time, in display order;
 * `onFileIds` hears each file's image ids as soon as it has arrived (to start decoding it).
 *
 *   const ids = await imageIdsForInstances(detail.instancesInOrder, (done, total) => ..., (ids) => cache.add(ids));
 */
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { useApi } from '../bridge/api';
import { nodeDecodedFileId, rememberFileId } from './node-decoded-loader';
import { nodeDecoderReason } from './decodable';
import { appCalls } from '../../src-shared/contract/calls';

const idsByPath = new Map<string, Promise<string>>();
const FETCHES_IN_FLIGHT = 6;

export function imageIdForFile(path: string): Promise<string> {
  let known = idsByPath.get(path);
  if (!known) {
    known = useApi()
      .call(appCalls.readFile, { path })
      .then((bytes) => {
        // Files Cornerstone cannot decode go to the Node decoder from the start (clipscan: ids).
        const reason = nodeDecoderReason(bytes);
        if (reason !== null) return nodeDecodedFileId(path, reason);
        const id = wadouri.fileManager.add(new Blob([bytes as Uint8Array<ArrayBuffer>]));
        rememberFileId(id, path);
        return id;
      });
    known.catch(() => idsByPath.delete(path));
    idsByPath.set(path, known);
  }
  return known;
}

/** The image ids of one file: one per frame (1-based `frame=` as the loader expects). */
export function frameIds(fileId: string, frames: number): string[] {
  if (frames <= 1) return [fileId];
  return Array.from({ length: frames }, (_, k) => `${fileId}?frame=${k + 1}`);
}

export async function imageIdsForInstances(
  instances: readonly { path: string; frames: number }[],
  onProgress?: (done: number, total: number) => void,
  onFileIds?: (ids: string[]) => void,
): Promise<string[]> {
  const fileIds: string[] = new Array<string>(instances.length);
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < instances.length) {
      const at = next++;
      const fileId = await imageIdForFile(instances[at]!.path);
      fileIds[at] = fileId;
      onProgress?.(++done, instances.length);
      onFileIds?.(frameIds(fileId, instances[at]!.frames));
    }
  }
  await Promise.all(Array.from({ length: Math.min(FETCHES_IN_FLIGHT, instances.length) }, worker));
  return instances.flatMap((inst, i) => frameIds(fileIds[i]!, inst.frames));
}
