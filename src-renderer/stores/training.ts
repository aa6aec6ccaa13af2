/**
 * Few-shot training from the workstation: the images the user marks (normal;
 * for MadCLIP also abnormal, optionally with a lesion mask painted with the
 * brush — without one an abnormal mark is an image label), the method,
 * epochs and seed, a running job with live progress (epoch, step, loss) from
 * `training.progress` events, and cancel. When a job finishes, the adapter
 * list is reloaded and the new adapter is chosen for scans with its method.
 *
 *   const training = useTrainingStore();
 *   training.markShown('normal');   // the image the viewer shows
 *   await training.start();
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { trainingCalls, type TrainingProgress } from '../../src-shared/contract/training-calls';
import type { TrainingEstimate } from '../../src-shared/domain/training-estimate';
import { useApi } from '../bridge/api';
import { useMessagesStore } from './messages';
import { useModelsStore } from './models';
import { useScansStore } from './scans';
import { useViewerStore } from './viewer';
import { ensureLesionLabelmap, maskOf, runLengths } from '../viewer/lesion-masks';
import { allPanes } from '../viewer/engine';

import { METHOD_NAMES, learnsFromAbnormal, type TextEncoderVariant, type TrainableMethod } from '../../src-shared/domain/scan';
import { applyTrainingPreset, describeSchedule, hasTrainingPreset, type TrainingPreset } from '../../src-shared/domain/training-preset';

export type MarkLabel = 'normal' | 'abnormal';

export interface Mark {
  key: string;
  path: string;
  frame: number;
  label: MarkLabel;
  seriesInstanceUid: string;
  /** The Cornerstone image id shown (its painted mask is read at training start). */
  imageId: string;
  /** Display index in its series (1-based in the UI). */
  index: number;
  seriesLabel: string;
}

export const useTrainingStore = defineStore('training', () => {
  const api = useApi();
  const messages = useMessagesStore();
  const models = useModelsStore();
  const viewer = useViewerStore();
  const scans = useScansStore();

  const marks = ref<Mark[]>([]);
  const method = ref<TrainableMethod>('mediclip');
  const epochs = ref(5);
  const textEncoder = ref<TextEncoderVariant>('faithful');
  const seed = ref(0);
  /** What the settings approximate (issue 17): 'faithful', 'quick (approximation: …)' or 'custom (approximation: …)'. */
  const schedule = computed(() => describeSchedule(method.value, textEncoder.value, epochs.value));
  /** The preset the settings match, or 'custom'; choosing a preset sets the text encoder and epochs. */
  const preset = computed<TrainingPreset | 'custom'>({
    get: () => schedule.value.preset,
    set: (p) => {
      if (p === 'custom' || !hasTrainingPreset(method.value, p)) return;
      const s = applyTrainingPreset(method.value, p);
      textEncoder.value = s.textEncoder;
      epochs.value = s.epochs;
    },
  });
  const job = ref<TrainingProgress | null>(null);
  /** Keys of abnormal marks whose image has a painted lesion (refreshed when marking and when the brush is put down). */
  const masked = ref<Set<string>>(new Set());
  function refreshMasked(): void {
    masked.value = new Set(marks.value.filter((m) => m.label === 'abnormal' && maskOf(m.imageId) !== null).map((m) => m.key));
  }
  /** The brush is the mouse tool (painting lesion masks). */
  const brushing = computed(() => viewer.tool === 'brush');
  const starting = ref(false);

  const normal = computed(() => marks.value.filter((m) => m.label === 'normal'));
  const abnormal = computed(() => marks.value.filter((m) => m.label === 'abnormal'));
  const running = computed(() => job.value !== null && (job.value.state === 'preparing' || job.value.state === 'running'));
  const canStart = computed(() => !running.value && !starting.value && normal.value.length > 0 && (!learnsFromAbnormal(method.value) || abnormal.value.length > 0));

  /** The file and frame of the image the viewer shows (display order = files × frames). */
  function shownImage(): Omit<Mark, 'label' | 'key'> | null {
    const series = viewer.series;
    if (!series || viewer.total === 0) return null;
    let at = viewer.index;
    for (const inst of series.instancesInOrder) {
      if (at < inst.frames) {
        return {
          path: inst.path,
          frame: at,
          seriesInstanceUid: series.seriesInstanceUid,
          imageId: viewer.imageIds[viewer.index] ?? '',
          index: viewer.index,
          seriesLabel: series.seriesDescription ?? series.modality ?? 'series',
        };
      }
      at -= inst.frames;
    }
    return null;
  }

  const shownMark = computed(() => {
    void viewer.index;
    const img = shownImage();
    return img ? (marks.value.find((m) => m.key === `${img.path}#${img.frame}`)?.label ?? null) : null;
  });

  /** Marks (or, pressed again with the same label, unmarks) the shown image. */
  function markShown(label: MarkLabel): void {
    const img = shownImage();
    if (!img) {
      messages.push('info', 'Open a series first: marks apply to the image shown.');
      return;
    }
    const key = `${img.path}#${img.frame}`;
    const existing = marks.value.find((m) => m.key === key);
    marks.value = marks.value.filter((m) => m.key !== key);
    if (existing?.label !== label) marks.value = [...marks.value, { ...img, key, label }];
    refreshMasked();
  }

  function unmark(key: string): void {
    marks.value = marks.value.filter((m) => m.key !== key);
  }

  function clearMarks(): void {
    marks.value = [];
  }

  /** Takes the brush (creating the lesion labelmap of the open stack), or puts it down. */
  async function toggleBrush(): Promise<void> {
    if (brushing.value) {
      viewer.chooseTool('windowLevel');
      refreshMasked();
      return;
    }
    const ok = await messages.attempt('Preparing the lesion brush', async () => {
      await ensureLesionLabelmap(
        viewer.imageIds,
        allPanes().map((p) => p.id),
      );
      return true;
    });
    if (ok) viewer.chooseTool('brush');
  }

  // A new stack: the brush belongs to the previous one's labelmap, so it is put down.
  watch(
    () => viewer.stackVersion,
    () => {
      if (brushing.value) viewer.chooseTool('windowLevel');
    },
  );

  api.on('training.progress', (p) => {
    if (job.value && p.jobId < job.value.jobId) return; // job ids grow: ignore late events of an older job
    job.value = p;
    if (p.state === 'done' && p.adapterId) {
      const id = p.adapterId;
      messages.push('info', p.message ?? `Adapter ${id} is ready.`);
      void models.load().then(() => {
        scans.method = p.method;
        scans.adapterId = id;
      });
    } else if (p.state === 'failed') {
      messages.push('error', p.message ?? 'Training failed.');
    } else if (p.state === 'cancelled') {
      messages.push('info', p.message ?? 'Training was cancelled.');
    }
  });

  async function start(): Promise<void> {
    if (!canStart.value) return;
    starting.value = true;
    try {
      const ref_ = (m: Mark) => ({ path: m.path, frame: m.frame });
      const withMask = (m: Mark) => {
        const mask = maskOf(m.imageId);
        return { ...ref_(m), mask: mask ? { rows: mask.rows, columns: mask.columns, runs: runLengths(mask.data) } : null };
      };
      const started = await messages.attempt(
        `Starting ${METHOD_NAMES[method.value]} training on ${normal.value.length} normal image(s)`,
        () =>
          api.call(trainingCalls.start, {
            method: method.value,
            modelId: models.selectedId,
            normal: normal.value.map(ref_),
            abnormal: learnsFromAbnormal(method.value) ? abnormal.value.map(withMask) : [],
            epochs: epochs.value,
            seed: seed.value,
            textEncoder: textEncoder.value,
          }),
      );
      // Its first event may already have arrived; otherwise show it as preparing.
      if (started && (!job.value || job.value.jobId < started.jobId)) {
        job.value = {
          jobId: started.jobId,
          state: 'preparing',
          method: method.value,
          epoch: 0,
          epochs: epochs.value,
          step: 0,
          steps: 0,
          loss: null,
          adapterId: null,
          message: null,
        };
      }
    } finally {
      starting.value = false;
    }
  }

  /** Minutes the run would take on the reference CPU, before it starts (null: nothing marked, or no measurement for the model). */
  const estimate = ref<TrainingEstimate | null>(null);
  let estimateAsked = 0;
  watch(
    () => [method.value, epochs.value, normal.value.length, abnormal.value.length, models.selectedId, textEncoder.value] as const,
    async ([m, e, n, a, modelId, te]) => {
      const asked = ++estimateAsked;
      let result: TrainingEstimate | null = null;
      if (n > 0 && Number.isInteger(e) && e >= 1 && e <= 200) {
        // A missing model or a refused request shows no estimate; starting the run reports the reason.
        result = await api.call(trainingCalls.estimate, { method: m, modelId, normal: n, abnormal: learnsFromAbnormal(m) ? a : 0, epochs: e, textEncoder: te }).catch(() => null);
      }
      if (asked === estimateAsked) estimate.value = result;
    },
    { immediate: true },
  );

  async function cancel(): Promise<void> {
    if (!job.value || !running.value) return;
    const jobId = job.value.jobId;
    await messages.attempt('Cancelling the training', () => api.call(trainingCalls.cancel, { jobId }));
  }

  return {
    marks,
    masked,
    method,
    epochs,
    textEncoder,
    schedule,
    preset,
    seed,
    job,
    starting,
    normal,
    abnormal,
    running,
    canStart,
    shownMark,
    brushing,
    markShown,
    unmark,
    clearMarks,
    toggleBrush,
    start,
    cancel,
    estimate,
  };
});
