// Migration 008 adds the settings table; the provider choice reads 'auto' unless a valid choice was saved.
import { expect, it } from 'vitest';
import { openCaseLog } from '../../../src-main/core/caselog';
import { SettingsRepository } from '../../../src-main/core/caselog/repositories/settings';
import { ProviderChoiceSetting } from '../../../src-main/core/models/provider-choice';

it('keeps one value per key, and the provider choice falls back to auto on anything unknown', () => {
  const log = openCaseLog(':memory:');
  expect(log.version).toBeGreaterThanOrEqual(8);
  const settings = new SettingsRepository(log.db);
  expect(settings.get('providers')).toBeNull();
  const choice = new ProviderChoiceSetting(settings);
  expect(choice.get()).toBe('auto');
  expect(choice.providers()).toBeUndefined();
  choice.set('cpu');
  expect(settings.get('providers')).toBe('cpu');
  expect(choice.providers()).toEqual(['cpu']);
  settings.set('providers', 'quantum');
  expect(choice.get()).toBe('auto');
  expect(() => choice.set('gpu' as 'cpu')).toThrow();
  expect(log.db.prepare('SELECT COUNT(*) AS n FROM settings').get()).toEqual({ n: 1 });
  log.close();
});
