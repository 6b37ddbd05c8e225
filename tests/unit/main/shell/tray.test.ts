/**
 * The tray with `electron` stubbed: a fake Tray records what it is told to show, Menu.buildFromTemplate
 * hands back the template, and the model is the in-memory TrayModel over plain account data.
 */
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { AccountStatusInput, OwnShow } from '../../../../src/main/core/tray/status-summary';
import { MemoryTrayModel } from '../../../support/tray-model';

interface FakeTrayLike {
  image: string;
  tooltip: string | undefined;
  menu: { template: unknown[] } | null;
  setImage: ReturnType<typeof vi.fn>;
  setContextMenu: ReturnType<typeof vi.fn>;
  destroy: ReturnType<typeof vi.fn>;
  emit(event: string, ...args: unknown[]): boolean;
}

const electron = vi.hoisted(() => ({
  trays: [] as FakeTrayLike[],
  buildFromTemplate: vi.fn((template: unknown[]) => ({ template })),
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class FakeTray extends Emitter {
    tooltip: string | undefined;
    menu: { template: unknown[] } | null = null;
    setImage = vi.fn((image: string) => {
      this.image = image;
    });
    setToolTip = vi.fn((text: string) => {
      this.tooltip = text;
    });
    setContextMenu = vi.fn((menu: { template: unknown[] } | null) => {
      this.menu = menu;
    });
    destroy = vi.fn();
    constructor(public image: string) {
      super();
      electron.trays.push(this as never);
    }
  }
  return { Tray: FakeTray, Menu: { buildFromTemplate: electron.buildFromTemplate } };
});

import {
  accountStateText,
  buildTrayMenuTemplate,
  createTray,
  installCloseToTray,
  trayTooltip,
} from '../../../../src/main/shell/tray';
import { shellWords, type ShellWords } from '../../../../src/main/shell/words';
import { summarize } from '../../../../src/main/core/tray/status-summary';

const english = shellWords('en');

type Item = MenuItemConstructorOptions;

function account(id: string, show: OwnShow, extra: Partial<AccountStatusInput> = {}): AccountStatusInput {
  return {
    id,
    label: id.toUpperCase(),
    jid: `${id}@example.com`,
    enabled: true,
    connection: { status: 'online', since: 0 },
    show,
    ...extra,
  };
}

class FakeWindow extends EventEmitter {
  visible = true;
  minimized = false;
  isDestroyed = () => false;
  isVisible = () => this.visible;
  isMinimized = () => this.minimized;
  hide = vi.fn(() => {
    this.visible = false;
    this.emit('hide');
  });
}

let language = english;

function setup(accounts: AccountStatusInput[], pending = 0) {
  const model = new MemoryTrayModel(accounts, pending);
  const win = new FakeWindow();
  const options = {
    model,
    getWindow: () => win,
    showWindow: vi.fn(() => {
      win.visible = true;
      win.emit('show');
    }),
    hideWindow: vi.fn(() => win.hide()),
    quit: vi.fn(),
    iconPath: (icon: string) => `/res/tray-${icon}.png`,
    toggleOnClick: true,
    words: (): ShellWords => language,
  };
  const controller = createTray(options);
  controller.watchWindow(win as never);
  const tray = electron.trays.at(-1)!;
  const menu = () => tray.menu!.template as Item[];
  const find = (items: Item[], label: string | RegExp) =>
    items.find((item) => (typeof label === 'string' ? item.label === label : label.test(item.label ?? '')))!;
  const click = (item: Item) => (item.click as () => void)();
  return { model, win, options, controller, tray, menu, find, click };
}

/** A tray before any window exists: its icon and the spy that shows the window. */
function windowlessTray(toggleOnClick: boolean) {
  const showWindow = vi.fn();
  createTray({
    model: new MemoryTrayModel(),
    getWindow: () => null,
    showWindow,
    hideWindow: vi.fn(),
    quit: vi.fn(),
    iconPath: (icon) => icon,
    words: () => english,
    toggleOnClick,
  });
  return { tray: electron.trays.at(-1)!, showWindow };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeEach(() => {
  language = english;
  electron.trays.length = 0;
  electron.buildFromTemplate.mockClear();
});

describe('tray icon and tooltip', () => {
  it('starts with the icon and tooltip of the summary', () => {
    const { tray } = setup([account('a', 'away'), account('b', 'away')]);
    expect(tray.image).toBe('/res/tray-away.png');
    expect(tray.tooltip).toBe('Jabberwock — 2 accounts online');
  });

  it('follows the summary: connecting, error, then back online', () => {
    const { model, tray } = setup([account('a', 'available')]);
    model.update([account('a', 'available', { connection: { status: 'reconnecting', since: 1 } })]);
    expect(tray.image).toBe('/res/tray-connecting.png');
    expect(tray.tooltip).toBe('Jabberwock — 1 account reconnecting');
    model.update([
      account('a', 'available', {
        connection: {
          status: 'error',
          since: 2,
          error: { kind: 'unreachable', reason: 'connection.unreachable', params: { code: 'ECONNREFUSED' } },
        },
      }),
    ]);
    expect(tray.image).toBe('/res/tray-error.png');
    model.update([account('a', 'dnd')]);
    expect(tray.image).toBe('/res/tray-dnd.png');
  });

  it('rebuilds the menu only when the summary or the window changed', () => {
    const { model, tray, win } = setup([account('a', 'available')]);
    expect(electron.buildFromTemplate).toHaveBeenCalledTimes(1);
    model.update([account('a', 'available')]);
    model.update([account('a', 'available')]);
    expect(electron.buildFromTemplate).toHaveBeenCalledTimes(1);
    expect(tray.setImage).not.toHaveBeenCalled();
    model.update([account('a', 'available')], 2);
    expect(electron.buildFromTemplate).toHaveBeenCalledTimes(2);
    win.emit('minimize');
    expect(electron.buildFromTemplate).toHaveBeenCalledTimes(2); // still visible: nothing changed
    win.minimized = true;
    win.emit('minimize');
    expect(electron.buildFromTemplate).toHaveBeenCalledTimes(3);
  });
});

describe('tray menu', () => {
  it('has a header, the all-accounts submenu, one submenu per account, the window toggle and quit', () => {
    const { menu } = setup([account('a', 'available'), account('b', 'dnd', { label: 'R&D' })], 1);
    expect(menu().map((item) => item.label ?? item.type)).toEqual([
      'Jabberwock — 2 accounts online, 1 contact request',
      '1 contact request…',
      'separator',
      'Set status for all accounts',
      'A — Available',
      'R&&D — Do not disturb',
      'separator',
      'Hide Jabberwock',
      'Quit',
    ]);
    expect(menu()[0].enabled).toBe(false);
    const statuses = (menu()[3].submenu as Item[]).map((item) => [item.label, item.type]);
    expect(statuses).toEqual([
      ['Available', 'radio'],
      ['Free for chat', 'radio'],
      ['Away', 'radio'],
      ['Extended away', 'radio'],
      ['Do not disturb', 'radio'],
      ['Offline', 'radio'],
    ]);
  });

  it('marks the account show, and the common show (none when the accounts differ)', () => {
    const { menu, model, find } = setup([account('a', 'away'), account('b', 'dnd')]);
    const checked = (item: Item) => (item.submenu as Item[]).filter((entry) => entry.checked).map((e) => e.label);
    expect(checked(find(menu(), /^A /))).toEqual(['Away']);
    expect(checked(find(menu(), /^B /))).toEqual(['Do not disturb']);
    expect(checked(find(menu(), 'Set status for all accounts'))).toEqual([]);
    model.update([account('a', 'xa'), account('b', 'xa')]);
    expect(checked(find(menu(), 'Set status for all accounts'))).toEqual(['Extended away']);
  });

  it('sets the show for all accounts or for one account', async () => {
    const { menu, model, find, click, tray } = setup([account('a', 'available'), account('b', 'available')]);
    const setShow = vi.spyOn(model, 'setShow');
    click(find(find(menu(), 'Set status for all accounts').submenu as Item[], 'Away'));
    await flush();
    expect(setShow).toHaveBeenLastCalledWith('all', 'away');
    expect(tray.image).toBe('/res/tray-away.png');

    click(find(find(menu(), /^B /).submenu as Item[], 'Do not disturb'));
    await flush();
    expect(setShow).toHaveBeenLastCalledWith('b', 'dnd');
    expect(model.summary().accounts.map((line) => line.show)).toEqual(['away', 'dnd']);

    click(find(find(menu(), /^A /).submenu as Item[], 'Offline'));
    await flush();
    expect(setShow).toHaveBeenLastCalledWith('a', 'offline');
    expect(setShow).toHaveBeenCalledTimes(3);
  });

  it('survives a failing setShow and redraws the menu from the model', async () => {
    const warn = vi.fn();
    const model = new MemoryTrayModel([account('a', 'available')]);
    model.setShow = vi.fn(async () => {
      throw new Error('not connected');
    });
    createTray({
      model,
      getWindow: () => null,
      showWindow: vi.fn(),
      hideWindow: vi.fn(),
      quit: vi.fn(),
      iconPath: (icon) => icon,
      words: () => english,
      log: { warn } as never,
    });
    const items = electron.trays.at(-1)!.menu!.template as Item[];
    const builds = electron.buildFromTemplate.mock.calls.length;
    ((items[2].submenu as Item[])[4].click as () => void)();
    await flush();
    expect(warn).toHaveBeenCalledWith('could not set the status from the tray', expect.anything());
    expect(electron.buildFromTemplate.mock.calls.length).toBe(builds + 1);
  });

  it('disables the submenu of a disabled account and the all-accounts submenu when none is enabled', () => {
    const { menu, find } = setup([account('a', 'available', { enabled: false })]);
    expect(find(menu(), /^A /)).toMatchObject({ label: 'A — Disabled', enabled: false });
    expect(find(menu(), 'Set status for all accounts').enabled).toBe(false);
  });

  it('opens the window from the contact request line', () => {
    const { menu, find, click, options, win } = setup([account('a', 'available')], 2);
    win.visible = false;
    click(find(menu(), '2 contact requests…'));
    expect(options.showWindow).toHaveBeenCalledTimes(1);
  });

  it('quits from the menu', () => {
    const { menu, find, click, options } = setup([account('a', 'available')]);
    click(find(menu(), 'Quit'));
    expect(options.quit).toHaveBeenCalledTimes(1);
  });
});

describe('showing and hiding the window', () => {
  it('toggles from the menu, and the item follows the window', () => {
    const { menu, find, click, options } = setup([account('a', 'available')]);
    click(find(menu(), 'Hide Jabberwock'));
    expect(options.hideWindow).toHaveBeenCalledTimes(1);
    click(find(menu(), 'Show Jabberwock'));
    expect(options.showWindow).toHaveBeenCalledTimes(1);
    expect(find(menu(), 'Hide Jabberwock')).toBeDefined();
  });

  it('toggles on a click on the icon; a minimized window is shown, not hidden', () => {
    const { tray, options, win } = setup([account('a', 'available')]);
    tray.emit('click');
    expect(options.hideWindow).toHaveBeenCalledTimes(1);
    tray.emit('click');
    expect(options.showWindow).toHaveBeenCalledTimes(1);
    win.minimized = true;
    tray.emit('click');
    expect(options.showWindow).toHaveBeenCalledTimes(2);
    expect(options.hideWindow).toHaveBeenCalledTimes(1);
  });

  it('shows the window when there is none', () => {
    const { tray, showWindow } = windowlessTray(true);
    expect(tray.image).toBe('offline');
    tray.emit('click');
    expect(showWindow).toHaveBeenCalledTimes(1);
    expect((tray.menu!.template as Item[]).map((item) => item.label).at(-2)).toBe('Show Jabberwock');
  });

  it('does not toggle on click when told not to (macOS opens the menu instead)', () => {
    const { tray, showWindow } = windowlessTray(false);
    tray.emit('click');
    expect(showWindow).not.toHaveBeenCalled();
  });

  it('stops following the model once destroyed', () => {
    const { controller, model, tray } = setup([account('a', 'available')]);
    controller.destroy();
    expect(tray.destroy).toHaveBeenCalledTimes(1);
    model.update([account('a', 'dnd')]);
    expect(tray.setImage).not.toHaveBeenCalled();
  });
});

describe('close to tray', () => {
  function closeEvent() {
    return { preventDefault: vi.fn() };
  }

  it('hides instead of closing when the setting is on', () => {
    const win = new FakeWindow();
    installCloseToTray(
      win as never,
      () => true,
      () => false,
    );
    const event = closeEvent();
    win.emit('close', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(win.hide).toHaveBeenCalledTimes(1);
  });

  it('really closes while quitting, or when the setting is off', () => {
    const win = new FakeWindow();
    let enabled = true;
    let quitting = true;
    installCloseToTray(
      win as never,
      () => enabled,
      () => quitting,
    );
    const whileQuitting = closeEvent();
    win.emit('close', whileQuitting);
    expect(whileQuitting.preventDefault).not.toHaveBeenCalled();
    quitting = false;
    enabled = false;
    const settingOff = closeEvent();
    win.emit('close', settingOff);
    expect(settingOff.preventDefault).not.toHaveBeenCalled();
    expect(win.hide).not.toHaveBeenCalled();
  });

  it('tells after each hide, so the first-time hint can be shown; not when really closing', () => {
    const win = new FakeWindow();
    let quitting = false;
    const onHidden = vi.fn();
    installCloseToTray(
      win as never,
      () => true,
      () => quitting,
      onHidden,
    );
    win.emit('close', closeEvent());
    expect(onHidden).toHaveBeenCalledTimes(1);
    expect(win.hide.mock.invocationCallOrder[0]).toBeLessThan(onHidden.mock.invocationCallOrder[0]);
    quitting = true;
    win.emit('close', closeEvent());
    expect(onHidden).toHaveBeenCalledTimes(1);
  });

  it('can be undone', () => {
    const win = new FakeWindow();
    const undo = installCloseToTray(
      win as never,
      () => true,
      () => false,
    );
    undo();
    const event = closeEvent();
    win.emit('close', event);
    expect(event.preventDefault).not.toHaveBeenCalled();
  });
});

describe('buildTrayMenuTemplate', () => {
  it('labels the toggle by the window state', () => {
    const model = new MemoryTrayModel([account('a', 'available')]);
    const actions = { setShow: vi.fn(), toggleWindow: vi.fn(), showWindow: vi.fn(), quit: vi.fn() };
    const labels = (visible: boolean) =>
      buildTrayMenuTemplate(model.summary(), visible, actions, english).map((i) => i.label);
    expect(labels(true)).toContain('Hide Jabberwock');
    expect(labels(false)).toContain('Show Jabberwock');
  });
});

describe('the tray in words', () => {
  let counter = 0;
  function line(status: 'online' | 'connecting' | 'reconnecting' | 'error' | 'offline', show: OwnShow = 'available') {
    counter += 1;
    return account(`x${counter}`, show, { connection: { status, since: 0 } });
  }
  const tooltip = (accounts: AccountStatusInput[], pending = 0, unread = 0, words = english) =>
    trayTooltip(summarize(accounts, pending, unread), words);

  it('counts accounts by state, the noun on the first group', () => {
    expect(tooltip([])).toBe('Jabberwock — no account set up');
    expect(tooltip([line('error', 'available')].map((a) => ({ ...a, enabled: false })))).toBe(
      'Jabberwock — all accounts disabled',
    );
    expect(tooltip([line('online'), line('online', 'dnd'), line('reconnecting')])).toBe(
      'Jabberwock — 2 accounts online, 1 reconnecting',
    );
    expect(tooltip([line('online')])).toBe('Jabberwock — 1 account online');
    expect(tooltip([line('error'), line('offline'), line('connecting')])).toBe(
      'Jabberwock — 1 account connecting, 1 with an error, 1 offline',
    );
  });

  it('mentions unread messages, then pending contact requests', () => {
    expect(tooltip([line('online')], 1)).toBe('Jabberwock — 1 account online, 1 contact request');
    expect(tooltip([line('online')], 2, 5)).toBe(
      'Jabberwock — 1 account online, 5 unread messages, 2 contact requests',
    );
    expect(tooltip([line('online')], 0, 1)).toBe('Jabberwock — 1 account online, 1 unread message');
  });

  it('words each account: its show, or what its connection is doing, a password request as a request', () => {
    const state = (input: AccountStatusInput) => accountStateText(summarize([input]).accounts[0], english);
    expect(state(line('online', 'xa'))).toBe('Extended away');
    expect(state(line('reconnecting', 'dnd'))).toBe('Reconnecting…');
    const failing = (kind: 'auth' | 'needs-password' | 'other') =>
      account('e', 'available', {
        connection: {
          status: 'error',
          since: 0,
          error:
            kind === 'needs-password'
              ? { kind, reason: 'connection.needsPassword', params: { jid: 'a@example.org' } }
              : kind === 'auth'
                ? { kind, reason: 'connection.authRefused', params: { condition: 'not-authorized' } }
                : { kind, reason: 'connection.closed' },
        },
      });
    expect(state(failing('auth'))).toBe('Error: wrong password or account disabled');
    expect(state(failing('needs-password'))).toBe('Waiting for your password');
    expect(state(failing('other'))).toBe('Error');
    expect(state({ ...line('online'), enabled: false })).toBe('Disabled');
  });

  it('speaks the chosen language, with its plural forms', () => {
    const ru = shellWords('ru');
    expect(tooltip([line('online'), line('online'), line('reconnecting')], 0, 5, ru)).toBe(
      'Jabberwock — 2 аккаунта в сети, 1 переподключается, 5 непрочитанных сообщений',
    );
    expect(tooltip([line('online')], 21, 0, ru)).toBe('Jabberwock — 1 аккаунт в сети, 21 запрос контакта');
    const de = shellWords('de');
    const actions = { setShow: vi.fn(), toggleWindow: vi.fn(), showWindow: vi.fn(), quit: vi.fn() };
    const template = buildTrayMenuTemplate(summarize([line('online', 'away')], 0, 3), true, actions, de);
    expect(template.map((item) => item.label ?? item.type)).toEqual([
      'Jabberwock – 1 Konto online, 3 ungelesene Nachrichten',
      '3 ungelesene Nachrichten…',
      'separator',
      'Status für alle Konten festlegen',
      expect.stringMatching(/ – Abwesend$/),
      'separator',
      'Jabberwock ausblenden',
      'Beenden',
    ]);
    expect((template[3].submenu as Item[]).map((item) => item.label)).toEqual([
      'Verfügbar',
      'Gesprächsbereit',
      'Abwesend',
      'Länger abwesend',
      'Nicht stören',
      'Offline',
    ]);
  });

  it('redraws tooltip and menu in a newly chosen language', () => {
    const { tray, controller, menu } = setup([account('a', 'available')]);
    expect(tray.tooltip).toBe('Jabberwock — 1 account online');
    language = shellWords('fr');
    controller.refresh();
    expect(tray.tooltip).toBe('Jabberwock — 1 compte en ligne');
    expect(menu().at(-1)?.label).toBe('Quitter');
  });
});
