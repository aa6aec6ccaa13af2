/** App-wide state: what the back end said about itself, and the file being shown. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../src-shared/domain/app-info';
import { useApi } from '../bridge/api';
import { appCalls } from '../../src-shared/contract/calls';

export const useAppStore = defineStore('app', () => {
  const api = useApi();
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);

  async function load() {
    try {
      info.value = await api.call(appCalls.info, {});
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    }
  }

  return { info, error, load };
});
