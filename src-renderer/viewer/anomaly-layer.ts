/**
 * The anomaly map as a second image layer in a stack viewport (ui-stack.md
 * §3.4, approach A): a Float32 image derived from the shown slice (so it has
 * the slice's geometry and frame of reference), added as a second actor, its
 * values copied in (addImages builds a zero-filled actor), coloured by a
 * colour map with a piecewise opacity that hides scores below the threshold.
 * One map per slice: call `showAnomalyLayer` again on every new image. The
 * same slice-layer helpers draw the ground-truth layer (truth-layer.ts).
 *
 *   showAnomalyLayer(viewport, { key: seriesUid, values }, style);
 *   restyleAnomalyLayer(viewport, { ...style, opacity: 0.8 });
 */
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkColorMaps from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction/ColorMaps';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import { cache, imageLoader, type Types } from '@cornerstonejs/core';

export const ANOMALY_ACTOR_UID = 'anomaly-layer';

export interface AnomalyStyle {
  visible: boolean;
  /** 0..1 opacity of the scores above the threshold. */
  opacity: number;
  /** Scores below this (in score units) are not drawn. */
  threshold: number;
  /** Score range the colour map spans. */
  range: readonly [number, number];
  /** A vtk.js colour map preset name, e.g. 'Inferno (matplotlib)'. */
  colormap: string;
}

export interface SliceMap {
  /** Identifies the map set (for example the scan id); part of the derived image id. */
  key: string;
  /** Scores at the image grid: rows × columns values, row-major. */
  values: Float32Array;
}

/** Any overlay actor this module and truth-layer.ts style: the vtk image actor's property and visibility. */
export interface StylableActor {
  getProperty(): {
    setRGBTransferFunction(index: number, fn: unknown): void;
    setScalarOpacity(index: number, fn: unknown): void;
    setUseLookupTableScalarRange(on: boolean): void;
    setInterpolationTypeToLinear(): void;
    setInterpolationTypeToNearest(): void;
  };
  setVisibility(visible: boolean): void;
  setForceTranslucent?(on: boolean): void;
}

function styleActor(actor: StylableActor, style: AnomalyStyle): void {
  const [lo, hi] = style.range;
  const span = Math.max(hi - lo, 1e-6);
  const ctf = vtkColorTransferFunction.newInstance();
  const preset = vtkColorMaps.getPresetByName(style.colormap) ?? vtkColorMaps.getPresetByName('Inferno (matplotlib)');
  ctf.applyColorMap(preset);
  ctf.setMappingRange(lo, hi);
  ctf.updateRange();
  const threshold = Math.min(Math.max(style.threshold, lo), hi);
  const ramp = Math.min(span * 0.05, hi - threshold);
  const opacity = vtkPiecewiseFunction.newInstance();
  opacity.addPoint(lo, 0);
  opacity.addPoint(threshold, 0);
  opacity.addPoint(threshold + Math.max(ramp, 1e-6), style.opacity);
  opacity.addPoint(Math.max(hi, threshold + 2e-6), style.opacity);
  const property = actor.getProperty();
  property.setRGBTransferFunction(0, ctf);
  property.setScalarOpacity(0, opacity);
  property.setUseLookupTableScalarRange(true);
  property.setInterpolationTypeToLinear();
  actor.setForceTranslucent?.(true);
  actor.setVisibility(style.visible);
}

function derivedImageFor(sourceImageId: string, actorUID: string, map: SliceMap, index: number): Types.IImage {
  const imageId = `${actorUID}:${map.key}:${index}`;
  const image = cache.getImage(imageId) ?? imageLoader.createAndCacheDerivedImage(sourceImageId, { imageId, targetBuffer: { type: 'Float32Array' } });
  const scalars = image.voxelManager!.getScalarData() as Float32Array;
  if (scalars.length !== map.values.length) {
    throw new Error(`The layer has ${map.values.length} values but the image has ${scalars.length} pixels.`);
  }
  scalars.set(map.values);
  return image;
}

/**
 * Replaces the overlay actor `actorUID` on the viewport's current slice with an
 * image of `map`'s values, styled by `style` (or removes it when `map` is null).
 * An actor added later is drawn on top of the ones added before.
 */
export function showSliceLayer(viewport: Types.IStackViewport, actorUID: string, map: SliceMap | null, style: (actor: StylableActor) => void): void {
  const had = Boolean(viewport.getActor(actorUID));
  if (had) viewport.removeActors([actorUID]);
  if (!map) {
    if (had) viewport.render();
    return;
  }
  const image = derivedImageFor(viewport.getCurrentImageId(), actorUID, map, viewport.getCurrentImageIdIndex());
  viewport.addImages([
    {
      imageId: image.imageId,
      actorUID,
      callback: ({ imageActor }) => {
        const scalars = imageActor.getMapper().getInputData().getPointData().getScalars();
        scalars.getData().set(map.values);
        scalars.modified();
        style(imageActor as unknown as StylableActor);
      },
    },
  ]);
  viewport.render();
}

/** Restyles the overlay actor `actorUID` when the viewport has it. */
export function restyleSliceLayer(viewport: Types.IStackViewport, actorUID: string, style: (actor: StylableActor) => void): void {
  const entry = viewport.getActor(actorUID);
  if (!entry) return;
  style(entry.actor as unknown as StylableActor);
  viewport.render();
}

/** Replaces the layer on the viewport's current slice with `map` (or removes it when null). */
export function showAnomalyLayer(viewport: Types.IStackViewport, map: SliceMap | null, style: AnomalyStyle): void {
  showSliceLayer(viewport, ANOMALY_ACTOR_UID, map, (actor) => styleActor(actor, style));
}

export function restyleAnomalyLayer(viewport: Types.IStackViewport, style: AnomalyStyle): void {
  restyleSliceLayer(viewport, ANOMALY_ACTOR_UID, (actor) => styleActor(actor, style));
}

/** Colour stops of a preset for a CSS gradient (the colorbar). */
export function colormapStops(name: string, count = 8): string[] {
  const ctf = vtkColorTransferFunction.newInstance();
  ctf.applyColorMap(vtkColorMaps.getPresetByName(name) ?? vtkColorMaps.getPresetByName('Inferno (matplotlib)'));
  ctf.setMappingRange(0, 1);
  const stops: string[] = [];
  for (let i = 0; i < count; i++) {
    const rgb = [0, 0, 0];
    ctf.getColor(i / (count - 1), rgb);
    stops.push(`rgb(${rgb.map((c) => Math.round(c * 255)).join(',')})`);
  }
  return stops;
}
