// Training uses every core unless told otherwise (it was a fixed 2 threads whatever the machine).
import os from 'node:os';
import { expect, it } from 'vitest';
import { trainingThreads } from '../../../src-main/core/training/train-loop';

it('defaults to every core and keeps an explicit thread count', () => {
  expect(trainingThreads()).toBe(os.availableParallelism());
  expect(trainingThreads(3)).toBe(3);
});
