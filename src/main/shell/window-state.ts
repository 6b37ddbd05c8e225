/**
 * Remembers the main window's size, position and maximized state in a small JSON file in userData,
 * and brings a remembered window back onto a visible display (monitors come and go).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, Screen } from 'electron';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Absent until the window has been placed once: the OS then centres it. */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1100, height: 720, maximized: false };
export const MIN_WINDOW_SIZE = { width: 480, height: 360 };
/** How much of the window must overlap a display for it to count as reachable (a grabbable title bar). */
const MIN_VISIBLE = { width: 100, height: 40 };

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Reads the state file; anything missing or malformed yields the defaults. */
export function loadWindowState(file: string): WindowState {
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (!raw || typeof raw !== 'object' || !isFiniteNumber(raw.width) || !isFiniteNumber(raw.height)) {
      return { ...DEFAULT_WINDOW_STATE };
    }
    const state: WindowState = {
      width: Math.round(raw.width),
      height: Math.round(raw.height),
      maximized: raw.maximized === true,
    };
    if (isFiniteNumber(raw.x) && isFiniteNumber(raw.y)) {
      state.x = Math.round(raw.x);
      state.y = Math.round(raw.y);
    }
    return state;
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

export function saveWindowState(file: string, state: WindowState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, file);
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * Fits a remembered state to the current displays' work areas: the size shrinks to fit the display it
 * is mostly on, and the window moves fully onto that display. A window that is not visibly on any
 * display (unplugged monitor) is centred on the primary one. Pure, so it is unit tested.
 */
export function clampWindowState(state: WindowState, workAreas: Rect[], primary: Rect): WindowState {
  const width = (area: Rect) => clamp(state.width, Math.min(MIN_WINDOW_SIZE.width, area.width), area.width);
  const height = (area: Rect) => clamp(state.height, Math.min(MIN_WINDOW_SIZE.height, area.height), area.height);

  if (state.x === undefined || state.y === undefined) {
    return { width: width(primary), height: height(primary), maximized: state.maximized };
  }
  const bounds: Rect = { x: state.x, y: state.y, width: state.width, height: state.height };
  let best: Rect | null = null;
  let bestArea = 0;
  for (const area of workAreas) {
    const o = overlap(bounds, area);
    if (
      o.width >= Math.min(MIN_VISIBLE.width, bounds.width) &&
      o.height >= Math.min(MIN_VISIBLE.height, bounds.height)
    ) {
      if (o.width * o.height > bestArea) {
        best = area;
        bestArea = o.width * o.height;
      }
    }
  }
  const target = best ?? primary;
  const w = width(target);
  const h = height(target);
  if (!best) {
    return {
      x: target.x + Math.round((target.width - w) / 2),
      y: target.y + Math.round((target.height - h) / 2),
      width: w,
      height: h,
      maximized: state.maximized,
    };
  }
  return {
    x: clamp(state.x, target.x, target.x + target.width - w),
    y: clamp(state.y, target.y, target.y + target.height - h),
    width: w,
    height: h,
    maximized: state.maximized,
  };
}

/** Loads the state and fits it to the displays Electron reports now. */
export function restoreWindowState(
  file: string,
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'>,
): WindowState {
  const areas = screen.getAllDisplays().map((display) => display.workArea);
  return clampWindowState(loadWindowState(file), areas, screen.getPrimaryDisplay().workArea);
}

/** The state to remember for a window: its normal (unmaximized) bounds plus the maximized flag. */
export function captureWindowState(win: Pick<BrowserWindow, 'getNormalBounds' | 'isMaximized'>): WindowState {
  const bounds = win.getNormalBounds();
  return { ...bounds, maximized: win.isMaximized() };
}

/**
 * Saves the window's state when it is moved or resized (debounced) and when it closes.
 * Returns a function that saves immediately.
 */
export function trackWindowState(win: BrowserWindow, file: string, onError: (error: unknown) => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
    try {
      saveWindowState(file, captureWindowState(win));
    } catch (error) {
      onError(error);
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) {
    win.on(event as 'resize', later);
  }
  win.on('close', save);
  return save;
}
