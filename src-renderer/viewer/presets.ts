/**
 * Window/level presets. CT presets are centre/width in Hounsfield units; `auto`
 * means the image's own window (DICOM window centre/width, else its range),
 * which is what MR, X-ray and ultrasound use.
 *
 *   voiRangeOf(PRESETS.lung) // { lower: -1350, upper: 150 }
 */
export interface WindowPreset {
  readonly id: 'auto' | 'brain' | 'lung' | 'mediastinum' | 'bone';
  readonly label: string;
  readonly center?: number;
  readonly width?: number;
  /** Modalities the preset is offered for. */
  readonly modalities?: readonly string[];
}

export const PRESETS: readonly WindowPreset[] = [
  { id: 'auto', label: 'Auto' },
  { id: 'brain', label: 'Brain', center: 40, width: 80, modalities: ['CT'] },
  { id: 'lung', label: 'Lung', center: -600, width: 1500, modalities: ['CT'] },
  { id: 'mediastinum', label: 'Mediast.', center: 40, width: 400, modalities: ['CT'] },
  { id: 'bone', label: 'Bone', center: 400, width: 1800, modalities: ['CT'] },
];

export type PresetId = WindowPreset['id'];

export function presetById(id: PresetId): WindowPreset {
  return PRESETS.find((p) => p.id === id)!;
}

export function voiRangeOf(preset: WindowPreset): { lower: number; upper: number } | null {
  if (preset.center === undefined || preset.width === undefined) return null;
  return { lower: preset.center - preset.width / 2, upper: preset.center + preset.width / 2 };
}

export function presetsFor(modality: string | null): WindowPreset[] {
  return PRESETS.filter((p) => !p.modalities || (modality !== null && p.modalities.includes(modality)));
}
