/**
 * The one keymap: every keyboard action of the workstation, with a stable id,
 * a default key and a label. The help overlay lists this table; `dispatch.ts`
 * maps key presses onto the handlers that stores register for these ids.
 * Components never listen for keys themselves.
 *
 *   KEYMAP.find((a) => a.id === 'viewer.invert') // { key: 'i', label: 'Invert', ... }
 */
export type ActionGroup = 'Navigation' | 'Tools' | 'Window/level' | 'View' | 'Layers' | 'Scans' | 'Training' | 'Library' | 'Help';

/** The order the help overlay lists the groups in: looking, measuring, the anomaly layer, scanning, training, then the rest. */
export const GROUP_ORDER: readonly ActionGroup[] = ['Navigation', 'Tools', 'Window/level', 'View', 'Layers', 'Scans', 'Training', 'Library', 'Help'];

export interface KeyAction {
  readonly id: string;
  /** `KeyboardEvent.key` of the default key (case-sensitive for letters: lower case). */
  readonly key: string;
  readonly label: string;
  readonly group: ActionGroup;
}

export const KEYMAP = [
  { id: 'viewer.nextSlice', key: 'ArrowDown', label: 'Next slice / frame', group: 'Navigation' },
  { id: 'viewer.prevSlice', key: 'ArrowUp', label: 'Previous slice / frame', group: 'Navigation' },
  { id: 'viewer.firstSlice', key: 'Home', label: 'First slice', group: 'Navigation' },
  { id: 'viewer.lastSlice', key: 'End', label: 'Last slice', group: 'Navigation' },
  { id: 'viewer.cine', key: 'c', label: 'Play / stop cine (frames, or time points of a 4D series)', group: 'Navigation' },
  { id: 'library.nextSeries', key: 'PageDown', label: 'Next series', group: 'Library' },
  { id: 'library.prevSeries', key: 'PageUp', label: 'Previous series', group: 'Library' },
  { id: 'tool.windowLevel', key: 'w', label: 'Window/level tool (left drag)', group: 'Tools' },
  { id: 'tool.pan', key: 'p', label: 'Pan tool (also middle drag)', group: 'Tools' },
  { id: 'tool.zoom', key: 'z', label: 'Zoom tool (also right drag)', group: 'Tools' },
  { id: 'tool.length', key: 'm', label: 'Length measurement', group: 'Tools' },
  { id: 'tool.ellipseRoi', key: 'e', label: 'Elliptical ROI statistics', group: 'Tools' },
  { id: 'preset.auto', key: '0', label: 'Window: auto (from the image)', group: 'Window/level' },
  { id: 'preset.brain', key: '1', label: 'Window: CT brain 40/80', group: 'Window/level' },
  { id: 'preset.lung', key: '2', label: 'Window: CT lung -600/1500', group: 'Window/level' },
  { id: 'preset.mediastinum', key: '3', label: 'Window: CT mediastinum 40/400', group: 'Window/level' },
  { id: 'preset.bone', key: '4', label: 'Window: CT bone 400/1800', group: 'Window/level' },
  { id: 'viewer.invert', key: 'i', label: 'Invert greys', group: 'View' },
  { id: 'viewer.reset', key: 'r', label: 'Reset zoom, pan and window', group: 'View' },
  { id: 'viewer.hideIdentity', key: 'a', label: 'Hide / show patient identity', group: 'View' },
  { id: 'viewer.layout', key: 'g', label: 'Layout: 1×1, 1×2, 1×3, 2×2 in turn (panes beside: anomaly map or another series)', group: 'View' },
  { id: 'viewer.mpr', key: 'v', label: 'MPR (volume): axial, sagittal, coronal / back to the stack', group: 'View' },
  { id: 'layers.toggleAnomaly', key: 'o', label: 'Show / hide the anomaly map layer', group: 'Layers' },
  { id: 'layers.opacityUp', key: ']', label: 'Anomaly layer more opaque', group: 'Layers' },
  { id: 'layers.opacityDown', key: '[', label: 'Anomaly layer more transparent', group: 'Layers' },
  { id: 'layers.toggleTruth', key: 'k', label: 'Show / hide the ground-truth layer (true/false positives, false negatives)', group: 'Layers' },
  { id: 'scans.scanSeries', key: 's', label: 'Scan the selected series', group: 'Scans' },
  { id: 'scans.jumpToTop', key: 't', label: 'Jump to the highest-scoring slice', group: 'Scans' },
  { id: 'training.markNormal', key: 'n', label: 'Mark / unmark the shown image as normal (training)', group: 'Training' },
  { id: 'training.markAbnormal', key: 'b', label: 'Mark / unmark the shown image as abnormal (MadCLIP and MVFA training)', group: 'Training' },
  { id: 'help.toggle', key: '?', label: 'Show / hide this help', group: 'Help' },
  { id: 'help.close', key: 'Escape', label: 'Close help and dialogs; leave MPR', group: 'Help' },
] as const satisfies readonly KeyAction[];

export type ActionId = (typeof KEYMAP)[number]['id'];

/** How a key is written in the help overlay. */
export function keyLabel(key: string): string {
  const names: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', PageDown: 'PgDn', PageUp: 'PgUp', Escape: 'Esc' };
  return names[key] ?? key.toUpperCase();
}
