/**
 * The tray icon: the overall state of all accounts as icon and tooltip, and a menu to set the show
 * of all accounts or one, show or hide the window, and quit. It reads and acts only through the
 * core's TrayModel, and words what the model says in the shell's words (the user's language).
 * Also: closing the main window hides it to the tray when the user wants that.
 */
import { Menu, Tray } from 'electron';
import type { BrowserWindow, MenuItemConstructorOptions } from 'electron';
import type { Logger } from '../core/log';
import type { AccountState, AccountStatusLine, OwnShow, StatusIcon, StatusSummary } from '../core/tray/status-summary';
import type { ShowTarget, TrayModel } from '../core/tray/tray-api';
import type { PluralKey, ShellWords, TextKey } from './words';

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

function showItems(
  words: ShellWords,
  checked: OwnShow | null,
  onPick: (show: OwnShow) => void,
): MenuItemConstructorOptions[] {
  return MENU_SHOWS.map((show) => ({
    label: words.text(`show.${show}`),
    type: 'radio',
    checked: show === checked,
    click: () => onPick(show),
  }));
}

/** One account's state in words: "Away", "Reconnecting…", "Error: server unreachable". */
export function accountStateText(line: AccountStatusLine, words: ShellWords): string {
  switch (line.state) {
    case 'online':
      return words.text(`show.${line.show}`);
    case 'connecting':
      return words.text('state.connecting');
    case 'reconnecting':
      return words.text('state.reconnecting');
    case 'error': {
      // The password the user chose not to keep is asked for at each start: a request, not an error.
      if (line.problem === 'needs-password') return words.text('state.awaitsPassword');
      const problem = line.problem && PROBLEMS.has(line.problem) ? (`problem.${line.problem}` as TextKey) : null;
      return problem ? words.text('state.errorWith', { problem: words.text(problem) }) : words.text('state.error');
    }
    case 'disabled':
      return words.text('state.disabled');
    default:
      return words.text('state.offline');
  }
}

/** The error kinds the tray names; any other is a plain "Error". */
const PROBLEMS = new Set(['auth', 'unreachable', 'certificate', 'tls-unavailable', 'conflict', 'protocol']);

/** The states counted in the tooltip, in its order. */
const COUNTED: readonly Exclude<AccountState, 'disabled'>[] = [
  'online',
  'connecting',
  'reconnecting',
  'error',
  'offline',
];

/** "Jabberwock — 2 accounts online, 1 reconnecting, 5 unread messages, 1 contact request". */
export function trayTooltip(summary: StatusSummary, words: ShellWords): string {
  const enabled = summary.accounts.filter((line) => line.state !== 'disabled');
  const parts: string[] = [];
  if (enabled.length === 0) {
    parts.push(words.text(summary.accounts.length === 0 ? 'tooltip.noAccount' : 'tooltip.allDisabled'));
  } else {
    for (const state of COUNTED) {
      const n = enabled.filter((line) => line.state === state).length;
      if (n === 0) continue;
      // The first group carries the noun: "2 accounts online, 1 reconnecting".
      const key = `tooltip.${parts.length === 0 ? 'first' : 'more'}.${state}` as PluralKey;
      parts.push(words.count(key, n));
    }
  }
  if (summary.unreadMessages > 0) parts.push(words.count('tooltip.unread', summary.unreadMessages));
  if (summary.pendingRequests > 0) parts.push(words.count('tooltip.requests', summary.pendingRequests));
  return words.text('tooltip', { parts: parts.join(words.text('tooltip.separator')) });
}

/** The tray menu for a summary, in `words`. Pure, so the tests read it without building a real menu. */
export function buildTrayMenuTemplate(
  summary: StatusSummary,
  windowVisible: boolean,
  actions: TrayMenuActions,
  words: ShellWords,
): MenuItemConstructorOptions[] {
  const anyEnabled = summary.accounts.some((line) => line.enabled);
  const template: MenuItemConstructorOptions[] = [{ label: menuText(trayTooltip(summary, words)), enabled: false }];
  if (summary.unreadMessages > 0) {
    template.push({ label: words.count('menu.unread', summary.unreadMessages), click: () => actions.showWindow() });
  }
  if (summary.pendingRequests > 0) {
    template.push({ label: words.count('menu.requests', summary.pendingRequests), click: () => actions.showWindow() });
  }
  template.push({ type: 'separator' });
  template.push({
    label: words.text('menu.setAll'),
    enabled: anyEnabled,
    // No mark when the accounts disagree.
    submenu: showItems(words, summary.commonShow, (show) => actions.setShow('all', show)),
  });
  for (const line of summary.accounts) {
    template.push({
      label: menuText(words.text('menu.account', { name: line.name, state: accountStateText(line, words) })),
      enabled: line.enabled,
      submenu: showItems(words, line.show, (show) => actions.setShow(line.id, show)),
    });
  }
  template.push(
    { type: 'separator' },
    { label: words.text(windowVisible ? 'menu.hide' : 'menu.show'), click: () => actions.toggleWindow() },
    { label: words.text('menu.quit'), click: () => actions.quit() },
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
  /** The words in the user's language now (read at every refresh: a change of language redraws). */
  words: () => ShellWords;
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
  let tooltip = trayTooltip(summary, options.words());
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
    const words = options.words();
    if (summary.icon !== icon) {
      icon = summary.icon;
      tray.setImage(options.iconPath(icon));
    }
    const nextTooltip = trayTooltip(summary, words);
    if (nextTooltip !== tooltip) {
      tooltip = nextTooltip;
      tray.setToolTip(tooltip);
    }
    const visible = isWindowVisible(options.getWindow());
    const key = JSON.stringify([summary, visible, words.language]);
    if (key === menuKey) return;
    menuKey = key;
    // Linux (AppIndicator) only picks up a changed menu through setContextMenu, so always set a new one.
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenuTemplate(summary, visible, actions, words)));
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
