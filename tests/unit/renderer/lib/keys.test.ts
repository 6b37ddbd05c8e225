/** The renderer's keyboard: shortcuts with Ctrl or Cmd, and moving through lists and tabs. */
import { describe, expect, it } from 'vitest';
import {
  FILTER_SHORTCUT,
  isPlainEnter,
  listMove,
  ROSTER_VIEW_SHORTCUT,
  shortcutText,
  STATUS_SHORTCUT,
} from '../../../../src/renderer/src/lib/keys';

function key(name: string, mods: Partial<Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>> = {}) {
  return { key: name, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods } as KeyboardEvent;
}

describe('keys', () => {
  it('recognises the shortcuts with Ctrl or Cmd, with exactly the Shift they need and never with Alt', () => {
    expect(STATUS_SHORTCUT.matches(key('S', { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(STATUS_SHORTCUT.matches(key('s', { metaKey: true, shiftKey: true }))).toBe(true);
    expect(STATUS_SHORTCUT.matches(key('s', { ctrlKey: true }))).toBe(false);
    expect(STATUS_SHORTCUT.matches(key('s', { ctrlKey: true, shiftKey: true, altKey: true }))).toBe(false);

    expect(FILTER_SHORTCUT.matches(key('f', { ctrlKey: true }))).toBe(true);
    expect(FILTER_SHORTCUT.matches(key('F', { metaKey: true }))).toBe(true);
    expect(FILTER_SHORTCUT.matches(key('f', { ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(FILTER_SHORTCUT.matches(key('f'))).toBe(false);

    expect(ROSTER_VIEW_SHORTCUT.view(key('0', { ctrlKey: true }))).toBe(0);
    expect(ROSTER_VIEW_SHORTCUT.view(key('7', { metaKey: true }))).toBe(7);
    expect(ROSTER_VIEW_SHORTCUT.view(key('7', { ctrlKey: true, altKey: true }))).toBeNull();
    expect(ROSTER_VIEW_SHORTCUT.view(key('a', { ctrlKey: true }))).toBeNull();
  });

  it('writes shortcuts as the platform does (Ctrl off a Mac)', () => {
    expect(shortcutText('s', { shift: true })).toBe('Ctrl+Shift+S');
    expect(ROSTER_VIEW_SHORTCUT.text(3)).toBe('Ctrl+3');
    expect(FILTER_SHORTCUT.text).toBe('Ctrl+F');
  });

  it('sends on Enter alone', () => {
    expect(isPlainEnter(key('Enter'))).toBe(true);
    expect(isPlainEnter(key('Enter', { shiftKey: true }))).toBe(false);
    expect(isPlainEnter(key('Enter', { ctrlKey: true }))).toBe(false);
    expect(isPlainEnter(key('a'))).toBe(false);
  });

  it('moves through a list by row, page and end, never past either end', () => {
    expect(listMove('ArrowDown', 3, 10, { page: 4 })).toBe(4);
    expect(listMove('ArrowDown', 9, 10, { page: 4 })).toBe(9);
    expect(listMove('ArrowUp', 0, 10, { page: 4 })).toBe(0);
    expect(listMove('PageDown', 8, 10, { page: 4 })).toBe(9);
    expect(listMove('PageUp', 3, 10, { page: 4 })).toBe(0);
    expect(listMove('Home', 5, 10, { page: 4 })).toBe(0);
    expect(listMove('End', 5, 10, { page: 4 })).toBe(9);
    expect(listMove('Enter', 5, 10, { page: 4 })).toBeNull();
  });

  it('moves through tabs with the arrows wrapping around', () => {
    expect(listMove('ArrowRight', 2, 3, { horizontal: true, wrap: true })).toBe(0);
    expect(listMove('ArrowLeft', 0, 3, { horizontal: true, wrap: true })).toBe(2);
    expect(listMove('End', 0, 3, { horizontal: true, wrap: true })).toBe(2);
    expect(listMove('Home', 2, 3, { horizontal: true, wrap: true })).toBe(0);
    expect(listMove('PageDown', 1, 3, { horizontal: true, wrap: true })).toBeNull();
    expect(listMove('ArrowDown', 1, 3, { horizontal: true, wrap: true })).toBeNull();
  });
});
