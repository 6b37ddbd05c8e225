/**
 * The tray icon: the overall state of all accounts as icon and tooltip, and a menu to set the show
 * of all accounts or one, show or hide the window, and quit. It reads and acts only through the
 * core's TrayModel. Also: closing the main window hides it to the tray when the user wants that.
 */
import { Menu, Tray } from 'electron';
import type { BrowserWindow, MenuItemConstructorOptions } from 'electron';
import type { Logger } from '../core/log';
import { SHOW_LABELS } from '../../shared/presence';
import { APP_NAME, type OwnShow, type StatusIcon, type StatusSummary } from '../core/tray/status-summary';
import type { ShowTarget, TrayModel } from '../core/tray/tray-api';

/** The order of the status items in every status submenu. */
export const MENU_SHOWS: readonly OwnShow[] = ['available', 'chat', 'away', 'xa', 'dnd', 'offline'];

export type TrayWindow = Pick<BrowserWindow, 'isDestroyed' | 'isVisible' | 'isMinimized'>;

export interface TrayMenuActions {
  setShow(target: ShowTarget, show: OwnShow): void;
  toggleWindow(): void;
  showWindow(): void;
  quit(): void;
}

/** Menus treat '&' as a mnemonic marker (Windows, Linux): a label "R&D" must show as typed. */
function menuText(text: string): string {
  return text.replace(/&/g, '&&');
}

function showItems(checked: OwnShow | null, onPick: (show: OwnShow) => void): MenuItemConstructorOptions[] {
  return MENU_SHOWS.map((show) => ({
    label: SHOW_LABELS[show],
    type: 'radio',
    checked: show === checked,
    click: () => onPick(show),
  }));
}

/** The tray menu for a summary. Pure, so the tests read it without building a real menu. */
export function buildTrayMenuTemplate(
  summary: StatusSummary,
  windowVisible: boolean,
  actions: TrayMenuActions,
): MenuItemConstructorOptions[] {
  const anyEnabled = summary.accounts.some((line) => line.enabled);
  const template: MenuItemConstructorOptions[] = [{ label: menuText(summary.tooltip), enabled: false }];
  if (summary.unreadMessages > 0) {
    const n = summary.unreadMessages;
    template.push({ label: `${n} unread ${n === 1 ? 'message' : 'messages'}…`, click: () => actions.showWindow() });
  }
  if (summary.pendingRequests > 0) {
    const n = summary.pendingRequests;
    template.push({ label: `${n} contact ${n === 1 ? 'request' : 'requests'}…`, click: () => actions.showWindow() });
  }
  template.push({ type: 'separator' });
  template.push({
    label: 'Set status for all accounts',
    enabled: anyEnabled,
    // No mark when the accounts disagree.
    submenu: showItems(summary.commonShow, (show) => actions.setShow('all', show)),
  });
  for (const line of summary.accounts) {
    template.push({
      label: menuText(`${line.name} — ${line.text}`),
      enabled: line.enabled,
      submenu: showItems(line.show, (show) => actions.setShow(line.id, show)),
    });
  }
  template.push(
    { type: 'separator' },
    { label: windowVisible ? `Hide ${APP_NAME}` : `Show ${APP_NAME}`, click: () => actions.toggleWindow() },
    { label: 'Quit', click: () => actions.quit() },
  );
  return template;
}

export interface TrayOptions {
  model: TrayModel;
  getWindow: () => TrayWindow | null;
  /** Shows and focuses the main window, creating it when it is gone. */
  showWindow: () => void;
  hideWindow: () => void;
  quit: () => void;
  /** Absolute path of resources/tray-<icon>.png. */
  iconPath: (icon: StatusIcon) => string;
  log?: Logger;
  /** macOS opens the menu on click; elsewhere a click toggles the window. Defaults to the platform's habit. */
  toggleOnClick?: boolean;
}

export interface TrayController {
  tray: Tray;
  /** Re-reads the summary and the window's visibility; redraws only what changed. */
  refresh(): void;
  /** Refreshes when the window is shown, hidden, minimized, restored or closed. Returns the undo. */
  watchWindow(win: Pick<BrowserWindow, 'on' | 'removeListener'>): () => void;
  destroy(): void;
}

function isWindowVisible(win: TrayWindow | null): boolean {
  return !!win && !win.isDestroyed() && win.isVisible() && !win.isMinimized();
}

export function createTray(options: TrayOptions): TrayController {
  const { model, log } = options;
  let summary = model.summary();
  let icon = summary.icon;
  let tooltip = summary.tooltip;
  let menuKey = '';
  let destroyed = false;

  const tray = new Tray(options.iconPath(icon));
  tray.setToolTip(tooltip);

  const toggleWindow = () => {
    if (isWindowVisible(options.getWindow())) options.hideWindow();
    else options.showWindow();
  };
  const actions: TrayMenuActions = {
    setShow: (target, show) => {
      // Through a promise chain, so even a model that throws synchronously only gets logged.
      Promise.resolve()
        .then(() => model.setShow(target, show))
        .catch((error) => log?.warn('could not set the status from the tray', { error }))
        .finally(() => {
          // Electron has already moved the radio mark; redraw from the model even if nothing changed.
          menuKey = '';
          refresh();
        });
    },
    toggleWindow,
    showWindow: options.showWindow,
    quit: options.quit,
  };

  const refresh = () => {
    if (destroyed) return;
    summary = model.summary();
    if (summary.icon !== icon) {
      icon = summary.icon;
      tray.setImage(options.iconPath(icon));
    }
    if (summary.tooltip !== tooltip) {
      tooltip = summary.tooltip;
      tray.setToolTip(tooltip);
    }
    const visible = isWindowVisible(options.getWindow());
    const key = JSON.stringify([summary, visible]);
    if (key === menuKey) return;
    menuKey = key;
    // Linux (AppIndicator) only picks up a changed menu through setContextMenu, so always set a new one.
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenuTemplate(summary, visible, actions)));
  };

  const toggleOnClick = options.toggleOnClick ?? process.platform !== 'darwin';
  if (toggleOnClick) tray.on('click', toggleWindow);
  const unsubscribe = model.subscribe(refresh);
  refresh();

  const windowEvents = ['show', 'hide', 'minimize', 'restore', 'closed'] as const;
  return {
    tray,
    refresh,
    watchWindow(win) {
      for (const event of windowEvents) win.on(event as 'show', refresh);
      return () => {
        for (const event of windowEvents) win.removeListener(event as 'show', refresh);
      };
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      unsubscribe();
      tray.destroy();
    },
  };
}

/**
 * Makes closing the window hide it instead, while `isEnabled()` (the user's setting) says so; when the
 * app is quitting the window really closes. `onHidden` runs after each such hide (the first-time hint).
 * Returns the undo.
 */
export function installCloseToTray(
  win: Pick<BrowserWindow, 'on' | 'removeListener' | 'hide'>,
  isEnabled: () => boolean,
  isQuitting: () => boolean,
  onHidden?: () => void,
): () => void {
  const onClose = (event: { preventDefault(): void }) => {
    if (isQuitting() || !isEnabled()) return;
    event.preventDefault();
    win.hide();
    onHidden?.();
  };
  win.on('close', onClose);
  return () => {
    win.removeListener('close', onClose);
  };
}
