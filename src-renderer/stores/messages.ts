/**
 * The one notification area's store: every error of an async UI action, and
 * every `app.notice` from the back end, ends up here with a readable message.
 * Information fades after a few seconds; warnings and errors stay until
 * dismissed. The same message again is merged into the one shown, with a count.
 *
 *   const messages = useMessagesStore();
 *   await messages.attempt('Opening the folder', () => api.call(...)); // undefined on failure
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export type MessageLevel = 'info' | 'warning' | 'error';

export interface Message {
  id: number;
  level: MessageLevel;
  text: string;
  /** Technical detail (the remote stack), shown on demand. */
  detail?: string;
  /** How many times it was pushed while shown (1: once). */
  count: number;
}

export function describeError(err: unknown): { text: string; detail?: string } {
  if (err instanceof Error) return { text: err.message || err.name, detail: err.stack };
  return { text: String(err) };
}

/** Information fades this long after it was last pushed; warnings and errors stay until dismissed. */
export const INFO_LIFETIME_MS = 5000;

export const useMessagesStore = defineStore('messages', () => {
  const messages = ref<Message[]>([]);
  let nextId = 1;
  const expiry = new Map<number, ReturnType<typeof setTimeout>>();

  function push(level: MessageLevel, text: string, detail?: string): number {
    const same = messages.value.find((m) => m.level === level && m.text === text);
    const id = same?.id ?? nextId++;
    if (same) same.count++;
    else {
      messages.value.push({ id, level, text, detail, count: 1 });
      if (messages.value.length > 20) dismiss(messages.value[0]!.id);
    }
    if (level === 'info') {
      clearTimeout(expiry.get(id));
      expiry.set(
        id,
        setTimeout(() => dismiss(id), INFO_LIFETIME_MS),
      );
    }
    return id;
  }

  function error(context: string, err: unknown): void {
    const { text, detail } = describeError(err);
    push('error', `${context}: ${text}`, detail);
  }

  /** Runs an async UI action; its error goes to the notification area and the result is undefined. */
  async function attempt<T>(context: string, task: () => Promise<T>): Promise<T | undefined> {
    try {
      return await task();
    } catch (err) {
      error(context, err);
      return undefined;
    }
  }

  function dismiss(id: number): void {
    clearTimeout(expiry.get(id));
    expiry.delete(id);
    messages.value = messages.value.filter((m) => m.id !== id);
  }

  return { messages, push, error, attempt, dismiss };
});
