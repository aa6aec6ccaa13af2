"""Reference pixels from pydicom for the decoder cross-check test.

Usage: python3 pydicom-reference.py OUT_DIR FILE:FRAME [FILE:FRAME ...]
For each argument writes OUT_DIR/<i>.f32 (the frame as little-endian float32,
processed like ClipScan's DecodedFrame: signed samples masked to BitsStored, modality LUT or rescale for grey,
palette to 0..255 RGB, YBR_FULL to RGB) and prints one JSON object listing
shape and photometric per file. Uses only pydicom's own (non-GDCM) handlers.
"""
import json
import sys

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_color_lut, apply_modality_lut, convert_color_space


def frame_rescale(ds, frame):
    """Slope/intercept from enhanced functional groups, else the classic attributes."""
    for seq_name, index in (('PerFrameFunctionalGroupsSequence', frame), ('SharedFunctionalGroupsSequence', 0)):
        seq = ds.get(seq_name)
        if seq and len(seq) > index and 'PixelValueTransformationSequence' in seq[index]:
            item = seq[index].PixelValueTransformationSequence[0]
            return float(item.RescaleSlope), float(item.RescaleIntercept)
    return None


def reference(path, frame):
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    frames = int(ds.get('NumberOfFrames', 1) or 1)
    if frames > 1:
        arr = arr[frame]
    pi = ds.PhotometricInterpretation
    bits_stored = int(ds.get('BitsStored', ds.BitsAllocated))
    if pi != 'PALETTE COLOR' and ds.PixelRepresentation == 1 and bits_stored < ds.BitsAllocated:
        # pydicom 2.3 leaves unused high bits as the file has them; the standard
        # (PS3.5 8.1.1) says the sample is the low BitsStored bits, two's complement.
        wide = arr.astype(np.int64) & ((1 << bits_stored) - 1)
        arr = np.where(wide >= 1 << (bits_stored - 1), wide - (1 << bits_stored), wide)
    if pi == 'PALETTE COLOR':
        rgb = apply_color_lut(arr, ds)
        bits = int(ds.RedPaletteColorLookupTableDescriptor[2])
        out = (rgb.astype(np.uint32) >> (bits - 8)) if bits > 8 else rgb
    elif ds.SamplesPerPixel == 3:
        out = arr
        if pi.startswith('YBR_FULL'):
            out = convert_color_space(arr, pi, 'RGB')
    else:
        fg = frame_rescale(ds, frame)
        if fg is not None:
            out = arr.astype(np.float64) * fg[0] + fg[1]
        else:
            out = apply_modality_lut(arr, ds)
    return np.ascontiguousarray(out, dtype='<f4'), pi


def main():
    out_dir = sys.argv[1]
    result = []
    for i, spec in enumerate(sys.argv[2:]):
        path, frame = spec.rsplit(':', 1)
        try:
            data, pi = reference(path, int(frame))
            data.tofile(f'{out_dir}/{i}.f32')
            result.append({'path': path, 'frame': int(frame), 'shape': list(data.shape), 'photometric': pi, 'file': f'{i}.f32'})
        except Exception as err:  # reported to the test, which fails on it
            result.append({'path': path, 'frame': int(frame), 'error': f'{type(err).__name__}: {err}'})
    print(json.dumps({'pydicom': pydicom.__version__, 'files': result}))


if __name__ == '__main__':
    main()
