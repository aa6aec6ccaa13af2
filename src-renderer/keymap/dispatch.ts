/**
 * Turns key presses into keymap actions. Stores register a handler per action
 * id (`registerActions`); `installKeymap` listens on the window once, ignores
 * keys typed into form fields, and runs the handler bound to the pressed key.
 *
 *   registerActions({ 'viewer.invert': () => viewer.toggleInvert() });
 *   installKeymap(window);
 */
import { KEYMAP, type ActionId } from './keymap';

type Handler = () => void | Promise<void>;
const handlers = new Map<ActionId, Handler>();

export function registerActions(map: Partial<Record<ActionId, Handler>>): void {
  for (const [id, fn] of Object.entries(map)) if (fn) handlers.set(id as ActionId, fn);
}

/** Runs an action by id (toolbar buttons use this, so a button and its key do the same thing). */
export function runAction(id: ActionId): void {
  void handlers.get(id)?.();
}

export function actionForKey(key: string): ActionId | null {
  const wanted = key.length === 1 ? key.toLowerCase() : key;
  return KEYMAP.find((a) => a.key === wanted || a.key === key)?.id ?? null;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !['range', 'checkbox', 'button', 'radio'].includes(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable;
}

export function installKeymap(target: Window): () => void {
  const onKey = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    const id = actionForKey(event.key);
    if (!id || !handlers.has(id)) return;
    event.preventDefault();
    runAction(id);
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
