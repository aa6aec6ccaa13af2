/**
 * The Cornerstone image ids of local files: `wadouri:` followed by the binary
 * GET that reads the file through the contract (`dicom.readFile`,
 * src-shared/contract/binary-get.ts), plus `&frame=K` for each frame of a
 * multi-frame file. No file-system URL is exposed to the renderer, and nothing
 * is read here: the viewer's loader (viewer/file-loader.ts) reads a file when
 * one of its images is first loaded, straight into an ArrayBuffer, and decides
 * there whether Cornerstone or the Node decoder draws it.
 *
 *   const ids = imageIdsForInstances(detail.instancesInOrder);
 */
import { binaryCallUrl } from '../../src-shared/contract/binary-get';
import { appCalls } from '../../src-shared/contract/calls';
import { rememberFileId } from './node-decoded-loader';

export const FILE_SCHEME = 'wadouri';

/** The image id of a file (of its first frame): the same for the same path. */
export function imageIdForFile(path: string): string {
  const id = `${FILE_SCHEME}:${binaryCallUrl(appCalls.readFile.name, { path })}`;
  rememberFileId(id, path);
  return id;
}

/** The image ids of one file: one per frame (1-based `frame=` as the loader expects; the id already has a query). */
export function frameIds(fileId: string, frames: number): string[] {
  if (frames <= 1) return [fileId];
  return Array.from({ length: frames }, (_, k) => `${fileId}&frame=${k + 1}`);
}

export function imageIdsForInstances(instances: readonly { path: string; frames: number }[]): string[] {
  return instances.flatMap((inst) => frameIds(imageIdForFile(inst.path), inst.frames));
}
