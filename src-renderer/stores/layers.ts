/**
 * Image layers drawn over the viewer's base image. Today one kind: the anomaly
 * map of a scanned series (one Float32 map per image, at the image grid, in
 * score units), with its style (visible, opacity, threshold, colour map).
 * Scan results arrive through `setSeriesMaps`; the viewport components draw
 * whatever is here for the slice they show.
 *
 *   layers.setSeriesMaps(seriesUid, { key: scanId, range: [0, 1], maps });
 *   layers.toggleAnomaly();
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AnomalyStyle, SliceMap } from '../viewer/anomaly-layer';
import type { ColormapName } from '../../src-shared/imaging/colormaps';

export interface SeriesMaps {
  /** Identifies the result (the scan id). */
  key: string;
  /** Score range for the colour map and colorbar. */
  range: [number, number];
  /** Label of the score units on the colorbar. */
  unit: string;
  /** One map per image in display order; null where the image was not scored. */
  maps: (Float32Array | null)[];
}

/** Colour maps offered: the vtk.js preset the viewer draws with, and the shared name reports use (src-shared/imaging/colormaps.ts). */
export const COLORMAPS = [
  { preset: 'Inferno (matplotlib)', name: 'inferno', label: 'Inferno' },
  { preset: 'Viridis (matplotlib)', name: 'viridis', label: 'Viridis' },
  { preset: 'Black-Body Radiation', name: 'hot', label: 'Hot' },
  { preset: 'Grayscale', name: 'grey', label: 'Grey' },
] as const satisfies readonly { preset: string; name: ColormapName; label: string }[];

export const useLayersStore = defineStore('layers', () => {
  const bySeries = shallowRef(new Map<string, SeriesMaps>());
  const visible = ref(true);
  const opacity = ref(0.5);
  /** Lower threshold in score units. */
  const threshold = ref(0.2);
  const colormap = ref<string>(COLORMAPS[0].preset);
  /** The shared colour map name of the chosen preset (for reports). */
  const colormapName = computed<ColormapName>(() => COLORMAPS.find((c) => c.preset === colormap.value)?.name ?? 'inferno');

  function setSeriesMaps(seriesUid: string, maps: SeriesMaps): void {
    const next = new Map(bySeries.value);
    next.set(seriesUid, maps);
    bySeries.value = next;
  }

  function clearSeries(seriesUid: string): void {
    const next = new Map(bySeries.value);
    next.delete(seriesUid);
    bySeries.value = next;
  }

  function mapsFor(seriesUid: string | null): SeriesMaps | null {
    return seriesUid ? (bySeries.value.get(seriesUid) ?? null) : null;
  }

  function sliceMap(seriesUid: string | null, index: number): SliceMap | null {
    const set = mapsFor(seriesUid);
    const values = set?.maps[index];
    return set && values ? { key: set.key, values } : null;
  }

  function styleFor(seriesUid: string | null): AnomalyStyle {
    const range = mapsFor(seriesUid)?.range ?? [0, 1];
    return { visible: visible.value, opacity: opacity.value, threshold: threshold.value, range, colormap: colormap.value };
  }

  function toggleAnomaly(): void {
    visible.value = !visible.value;
  }

  function changeOpacity(delta: number): void {
    opacity.value = Math.round(Math.min(1, Math.max(0, opacity.value + delta)) * 100) / 100;
  }

  const styleKey = computed(() => `${visible.value}|${opacity.value}|${threshold.value}|${colormap.value}`);

  return {
    bySeries,
    visible,
    opacity,
    threshold,
    colormap,
    colormapName,
    styleKey,
    setSeriesMaps,
    clearSeries,
    mapsFor,
    sliceMap,
    styleFor,
    toggleAnomaly,
    changeOpacity,
  };
});
