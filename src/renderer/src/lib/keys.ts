/**
 * The renderer's keyboard: the app's shortcuts (how they are recognised, shown and announced) and
 * how the arrow, page and Home/End keys move through lists and tabs.
 */

const MAC = typeof navigator !== 'undefined' && navigator.platform.startsWith('Mac');

/** Ctrl or Cmd (both work everywhere), without Alt, with Shift exactly when `shift`. */
function withCommand(event: KeyboardEvent, shift = false): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && event.shiftKey === shift;
}

/** A shortcut as this platform writes it: "Ctrl+Shift+S", or "⌘⇧S" on a Mac. */
export function shortcutText(key: string, options: { shift?: boolean } = {}): string {
  const upper = key.toUpperCase();
  if (MAC) return `⌘${options.shift ? '⇧' : ''}${upper}`;
  return `Ctrl+${options.shift ? 'Shift+' : ''}${upper}`;
}

/** Ctrl/Cmd+Shift+S: the status picker for all accounts. */
export const STATUS_SHORTCUT = {
  text: shortcutText('s', { shift: true }),
  /** For aria-keyshortcuts. */
  aria: 'Control+Shift+S Meta+Shift+S',
  matches: (event: KeyboardEvent) => withCommand(event, true) && event.key.toLowerCase() === 's',
};

/** Ctrl/Cmd+F: the roster filter. */
export const FILTER_SHORTCUT = {
  text: shortcutText('f'),
  matches: (event: KeyboardEvent) => withCommand(event) && event.key.toLowerCase() === 'f',
};

/** Ctrl/Cmd+0: all accounts' contacts; Ctrl/Cmd+1…9: account N's. */
export const ROSTER_VIEW_SHORTCUT = {
  text: (n: number) => shortcutText(String(n)),
  /** The view number the event asks for, or null. */
  view: (event: KeyboardEvent): number | null =>
    withCommand(event) && /^[0-9]$/.test(event.key) ? Number(event.key) : null,
};

/** Enter alone sends a message; Shift+Enter (or any other modifier) does not. */
export function isPlainEnter(event: KeyboardEvent): boolean {
  return event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey;
}

/**
 * Where a navigation key moves from item `index` of `count`: one item (the arrows along the list),
 * one page of `page` items (vertical lists), the first or the last (Home, End). A list stops at its
 * ends; a tab list (`wrap`) goes round. Null for any other key.
 */
export function listMove(
  key: string,
  index: number,
  count: number,
  { page = 1, horizontal = false, wrap = false }: { page?: number; horizontal?: boolean; wrap?: boolean } = {},
): number | null {
  let to: number;
  if (key === (horizontal ? 'ArrowRight' : 'ArrowDown')) to = index + 1;
  else if (key === (horizontal ? 'ArrowLeft' : 'ArrowUp')) to = index - 1;
  else if (key === 'PageDown' && !horizontal) to = index + page;
  else if (key === 'PageUp' && !horizontal) to = index - page;
  else if (key === 'Home') return 0;
  else if (key === 'End') return count - 1;
  else return null;
  return wrap ? (to + count) % count : Math.max(0, Math.min(count - 1, to));
}
