/**
 * The ground-truth layer in a stack viewport: one image of pixel codes per
 * slice (src-shared/imaging/truth-outcome.ts: true positive, false positive,
 * false negative, or the truth mask alone), drawn over the anomaly layer with
 * a discrete colour table and nearest-neighbour sampling, so a pixel shows one
 * outcome colour and never a blend of two codes.
 *
 *   showTruthLayer(viewport, { key: 'truth1', values: codes }, { visible: true, opacity: 0.6 });
 */
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import type { Types } from '@cornerstonejs/core';
import { TRUTH_CODE, TRUTH_COLOURS } from '../../src-shared/imaging/truth-outcome';
import { restyleSliceLayer, showSliceLayer, type SliceMap, type StylableActor } from './anomaly-layer';

export const TRUTH_ACTOR_UID = 'truth-layer';

export interface TruthStyle {
  visible: boolean;
  /** 0..1 opacity of the coloured pixels. */
  opacity: number;
}

/** Half the gap between two codes: each colour holds flat over its code ± this. */
const HALF = 0.4;

function styleActor(actor: StylableActor, style: TruthStyle): void {
  const ctf = vtkColorTransferFunction.newInstance();
  const opacity = vtkPiecewiseFunction.newInstance();
  ctf.addRGBPoint(TRUTH_CODE.none, 0, 0, 0);
  opacity.addPoint(TRUTH_CODE.none, 0);
  opacity.addPoint(TRUTH_CODE.none + HALF, 0);
  for (const [code, rgb] of Object.entries(TRUTH_COLOURS)) {
    const at = Number(code);
    const [r, g, b] = rgb.map((c) => c / 255) as [number, number, number];
    ctf.addRGBPoint(at - HALF, r, g, b);
    ctf.addRGBPoint(at + HALF, r, g, b);
    opacity.addPoint(at - HALF, style.opacity);
    opacity.addPoint(at + HALF, style.opacity);
  }
  ctf.setMappingRange(TRUTH_CODE.none, TRUTH_CODE.truth + HALF);
  ctf.updateRange();
  const property = actor.getProperty();
  property.setRGBTransferFunction(0, ctf);
  property.setScalarOpacity(0, opacity);
  property.setUseLookupTableScalarRange(true);
  property.setInterpolationTypeToNearest();
  actor.setForceTranslucent?.(true);
  actor.setVisibility(style.visible);
}

/** Replaces the truth layer on the viewport's current slice with these codes (or removes it when null). */
export function showTruthLayer(viewport: Types.IStackViewport, codes: SliceMap | null, style: TruthStyle): void {
  showSliceLayer(viewport, TRUTH_ACTOR_UID, codes, (actor) => styleActor(actor, style));
}

export function restyleTruthLayer(viewport: Types.IStackViewport, style: TruthStyle): void {
  restyleSliceLayer(viewport, TRUTH_ACTOR_UID, (actor) => styleActor(actor, style));
}
