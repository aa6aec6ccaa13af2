/**
 * The contract's call for images the viewer's own decoders cannot show (a
 * palette Cornerstone rejects, a transfer syntax it lacks): the Node pixel
 * decoder — the one scans use — decodes the frame, so viewer and scanner see
 * the same pixels. `contract.render` in calls.ts. Wire form: src-shared/domain/rendered-frame.ts.
 */
import { z } from 'zod';
import { defineCall } from './define';

export const renderCalls = {
  renderFrame: defineCall({
    name: 'dicom.renderFrame',
    summary:
      'One frame of a DICOM file decoded in Node: JSON header (rows, columns, photometric, window, geometry) and grey float32 modality values or RGB8 (see domain/rendered-frame.ts).',
    args: z.object({ path: z.string().min(1), frame: z.number().int().nonnegative() }),
    result: z.instanceof(Uint8Array),
    binary: true,
  }),
} as const;
