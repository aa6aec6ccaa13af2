/**
 * Turns DICOM bytes fetched through the contract into Cornerstone image ids
 * (`dicomfile:N`), the path recommended for local files: no URL to the file
 * system is ever exposed to the renderer.
 */
import { wadouri } from '@cornerstonejs/dicom-image-loader';
import { api } from '../bridge/api';

const idsByPath = new Map<string, string>();

export async function imageIdForFile(path: string): Promise<string> {
  const known = idsByPath.get(path);
  if (known) return known;
  const bytes = await api.call('dicom.readFile', { path });
  const imageId = wadouri.fileManager.add(new Blob([bytes as Uint8Array<ArrayBuffer>]));
  idsByPath.set(path, imageId);
  return imageId;
}
