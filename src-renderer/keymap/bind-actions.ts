/**
 * Binds every keymap action id to what it does, through the stores. Called
 * once by App.vue; toolbar buttons and keys then run the same handlers.
 *
 *   bindActions(); installKeymap(window);
 */
import { ref } from 'vue';
import { registerActions } from './dispatch';
import { useViewerStore } from '../stores/viewer';
import { useLayersStore } from '../stores/layers';
import { useLibraryStore } from '../stores/library';
import { useScansStore } from '../stores/scans';
import { useTrainingStore } from '../stores/training';
import { useTruthStore } from '../stores/truth';

/** Whether the help overlay (the keymap table) is shown. */
export const helpOpen = ref(false);

export function bindActions(): void {
  const viewer = useViewerStore();
  const layers = useLayersStore();
  const library = useLibraryStore();
  const scans = useScansStore();
  const training = useTrainingStore();
  const truth = useTruthStore();
  registerActions({
    'viewer.nextSlice': () => viewer.step(1),
    'viewer.prevSlice': () => viewer.step(-1),
    'viewer.firstSlice': () => viewer.setIndex(0),
    'viewer.lastSlice': () => viewer.setIndex(viewer.total - 1),
    'viewer.cine': () => viewer.toggleCine(),
    'library.nextSeries': () => library.step(1),
    'library.prevSeries': () => library.step(-1),
    'tool.windowLevel': () => viewer.chooseTool('windowLevel'),
    'tool.pan': () => viewer.chooseTool('pan'),
    'tool.zoom': () => viewer.chooseTool('zoom'),
    'tool.length': () => viewer.chooseTool('length'),
    'tool.ellipseRoi': () => viewer.chooseTool('ellipseRoi'),
    'preset.auto': () => viewer.applyPreset('auto'),
    'preset.brain': () => viewer.applyPreset('brain'),
    'preset.lung': () => viewer.applyPreset('lung'),
    'preset.mediastinum': () => viewer.applyPreset('mediastinum'),
    'preset.bone': () => viewer.applyPreset('bone'),
    'viewer.invert': () => viewer.toggleInvert(),
    'viewer.reset': () => viewer.reset(),
    'viewer.hideIdentity': () => viewer.toggleIdentity(),
    'viewer.layout': () => viewer.toggleLayout(),
    'viewer.mpr': () => viewer.toggleMpr(),
    'layers.toggleAnomaly': () => layers.toggleAnomaly(),
    'layers.opacityUp': () => layers.changeOpacity(0.1),
    'layers.opacityDown': () => layers.changeOpacity(-0.1),
    'layers.toggleTruth': () => truth.toggle(),
    'scans.scanSeries': () => void scans.startSelected(),
    'scans.jumpToTop': () => scans.jumpToTop(),
    'training.markNormal': () => training.markShown('normal'),
    'training.markAbnormal': () => training.markShown('abnormal'),
    'help.toggle': () => {
      helpOpen.value = !helpOpen.value;
    },
    'help.close': () => {
      if (helpOpen.value) helpOpen.value = false;
      else if (viewer.mpr) viewer.toggleMpr();
    },
  });
}
