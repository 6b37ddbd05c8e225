import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// window-state only needs electron's types; the stub makes sure nothing real is loaded.
vi.mock('electron', () => ({}));

import {
  DEFAULT_WINDOW_STATE,
  captureWindowState,
  clampWindowState,
  loadWindowState,
  restoreWindowState,
  saveWindowState,
  type Rect,
} from '../../../../src/main/shell/window-state';

const PRIMARY: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const RIGHT: Rect = { x: 1920, y: 0, width: 1280, height: 1000 };
const LEFT_ABOVE: Rect = { x: -1600, y: -300, width: 1600, height: 900 };

describe('clampWindowState', () => {
  it('keeps a window that fits on its display', () => {
    const state = { x: 100, y: 80, width: 1000, height: 700, maximized: false };
    expect(clampWindowState(state, [PRIMARY, RIGHT], PRIMARY)).toEqual(state);
  });

  it('keeps a window on a secondary display, including negative coordinates', () => {
    const onRight = { x: 2000, y: 50, width: 900, height: 600, maximized: true };
    expect(clampWindowState(onRight, [PRIMARY, RIGHT], PRIMARY)).toEqual(onRight);
    const onLeft = { x: -1500, y: -250, width: 800, height: 600, maximized: false };
    expect(clampWindowState(onLeft, [PRIMARY, LEFT_ABOVE], PRIMARY)).toEqual(onLeft);
  });

  it('centres a window whose display is gone on the primary display', () => {
    const state = { x: 2000, y: 50, width: 900, height: 600, maximized: false };
    expect(clampWindowState(state, [PRIMARY], PRIMARY)).toEqual({
      x: 510,
      y: 220,
      width: 900,
      height: 600,
      maximized: false,
    });
  });

  it('pulls a window hanging off the edge fully onto the display it is mostly on', () => {
    const state = { x: 1400, y: 700, width: 800, height: 600, maximized: false };
    expect(clampWindowState(state, [PRIMARY, RIGHT], PRIMARY)).toEqual({
      x: 1120,
      y: 440,
      width: 800,
      height: 600,
      maximized: false,
    });
    // Mostly on the right-hand display: moved onto that one instead.
    const right = { x: 1700, y: 900, width: 800, height: 600, maximized: false };
    expect(clampWindowState(right, [PRIMARY, RIGHT], PRIMARY)).toMatchObject({ x: 1920, y: 400 });
  });

  it('treats a sliver of overlap as not visible', () => {
    const state = { x: 1915, y: 100, width: 800, height: 600, maximized: false };
    expect(clampWindowState(state, [PRIMARY], PRIMARY).x).toBe(560);
  });

  it('shrinks a window larger than its display, but not below the minimum', () => {
    const huge = { x: 0, y: 0, width: 5000, height: 4000, maximized: false };
    expect(clampWindowState(huge, [PRIMARY], PRIMARY)).toEqual({ ...huge, width: 1920, height: 1040 });
    const tiny = { x: 10, y: 10, width: 50, height: 20, maximized: false };
    const clamped = clampWindowState(tiny, [PRIMARY], PRIMARY);
    expect(clamped.width).toBe(480);
    expect(clamped.height).toBe(360);
  });

  it('leaves placement to the OS when no position was saved', () => {
    expect(clampWindowState(DEFAULT_WINDOW_STATE, [PRIMARY], PRIMARY)).toEqual(DEFAULT_WINDOW_STATE);
    const small: Rect = { x: 0, y: 0, width: 800, height: 600 };
    expect(clampWindowState(DEFAULT_WINDOW_STATE, [small], small)).toEqual({
      width: 800,
      height: 600,
      maximized: false,
    });
  });
});

describe('window state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-window-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips through the file', () => {
    const file = path.join(dir, 'nested', 'window-state.json');
    const state = { x: -20, y: 40, width: 1000, height: 700, maximized: true };
    saveWindowState(file, state);
    expect(loadWindowState(file)).toEqual(state);
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
  });

  it('falls back to the defaults for a missing or malformed file', () => {
    const file = path.join(dir, 'window-state.json');
    expect(loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
    for (const content of ['{', 'null', '[]', '{"width":"800","height":600}', '{"width":1e999,"height":600}']) {
      fs.writeFileSync(file, content);
      expect(loadWindowState(file), content).toEqual(DEFAULT_WINDOW_STATE);
    }
  });

  it('drops a half-saved position', () => {
    const file = path.join(dir, 'window-state.json');
    fs.writeFileSync(file, JSON.stringify({ x: 10, width: 900.4, height: 600, maximized: 'yes' }));
    expect(loadWindowState(file)).toEqual({ width: 900, height: 600, maximized: false });
  });

  it('restores against the displays the screen reports', () => {
    const file = path.join(dir, 'window-state.json');
    saveWindowState(file, { x: 2000, y: 50, width: 900, height: 600, maximized: false });
    const screen = {
      getAllDisplays: () => [{ workArea: PRIMARY }],
      getPrimaryDisplay: () => ({ workArea: PRIMARY }),
    };
    expect(restoreWindowState(file, screen as never)).toMatchObject({ x: 510, y: 220 });
  });

  it('captures the normal bounds and the maximized flag', () => {
    const win = { getNormalBounds: () => ({ x: 1, y: 2, width: 3, height: 4 }), isMaximized: () => true };
    expect(captureWindowState(win)).toEqual({ x: 1, y: 2, width: 3, height: 4, maximized: true });
  });
});
