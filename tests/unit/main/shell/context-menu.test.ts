/**
 * The right-click menu and the spell checker host, with `electron` stubbed: suggestions replace the
 * word, "Add to dictionary" reaches the session, only http(s) links are offered, Inspect Element only
 * in development; the host switches the session's languages per conversation.
 */
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

const electron = vi.hoisted(() => ({
  menus: [] as { template: MenuItemConstructorOptions[]; popup: ReturnType<typeof vi.fn> }[],
  writeText: vi.fn(),
}));

vi.mock('electron', () => ({
  Menu: {
    buildFromTemplate: (template: MenuItemConstructorOptions[]) => {
      const menu = { template, popup: vi.fn() };
      electron.menus.push(menu);
      return menu;
    },
  },
  clipboard: { writeText: electron.writeText },
  // window.ts (for the link rules) imports these; the menu never calls them.
  BrowserWindow: class {},
  dialog: {},
  shell: {},
}));

import { buildContextMenuTemplate, installContextMenu, MAX_SUGGESTIONS } from '../../../../src/main/shell/context-menu';
import { shellWords } from '../../../../src/main/shell/words';

const english = shellWords('en');
const words = () => english;
import { createSpellcheckHost } from '../../../../src/main/shell/spellcheck';

const ALL_EDITS = { canUndo: true, canRedo: false, canCut: true, canCopy: true, canPaste: true, canSelectAll: true };

function params(extra: Partial<Parameters<typeof buildContextMenuTemplate>[0]> = {}) {
  return {
    misspelledWord: '',
    dictionarySuggestions: [],
    isEditable: false,
    editFlags: { ...ALL_EDITS, canDelete: true, canEditRichly: false },
    selectionText: '',
    linkURL: '',
    x: 10,
    y: 20,
    ...extra,
  };
}

function fakeContents() {
  return Object.assign(new EventEmitter(), {
    replaceMisspelling: vi.fn(),
    inspectElement: vi.fn(),
    session: { addWordToSpellCheckerDictionary: vi.fn(() => true) },
  });
}

const names = (template: MenuItemConstructorOptions[]) => template.map((item) => item.label ?? item.role ?? item.type);
const click = (item: MenuItemConstructorOptions | undefined) => (item!.click as () => void)();

beforeEach(() => {
  electron.menus.length = 0;
  vi.clearAllMocks();
});

describe('context menu', () => {
  it('offers the suggestions for a misspelled word, replaces it, and adds it to the dictionary', () => {
    const contents = fakeContents();
    installContextMenu(contents as never, { devTools: false, openLink: vi.fn(), words });
    contents.emit(
      'context-menu',
      {},
      params({ isEditable: true, misspelledWord: 'teh', dictionarySuggestions: ['the', 'ten', 'tech'] }),
    );
    const [menu] = electron.menus;
    expect(menu.popup).toHaveBeenCalledTimes(1);
    expect(names(menu.template)).toEqual([
      'the',
      'ten',
      'tech',
      'Add to dictionary',
      'separator',
      'undo',
      'redo',
      'separator',
      'cut',
      'copy',
      'paste',
      'selectAll',
    ]);
    expect(menu.template.find((item) => item.role === 'redo')!.enabled).toBe(false);
    click(menu.template[1]);
    expect(contents.replaceMisspelling).toHaveBeenCalledWith('ten');
    click(menu.template[3]);
    expect(contents.session.addWordToSpellCheckerDictionary).toHaveBeenCalledWith('teh');
  });

  it('says when there are no suggestions, and keeps the list short and the labels literal', () => {
    const none = buildContextMenuTemplate(params({ isEditable: true, misspelledWord: 'xqzv' }), actions(), english);
    expect(none[0]).toMatchObject({ label: 'No spelling suggestions', enabled: false });
    const many = Array.from({ length: 12 }, (_, i) => `R&D${i}`);
    const template = buildContextMenuTemplate(
      params({ isEditable: true, misspelledWord: 'rnd', dictionarySuggestions: many }),
      actions(),
      english,
    );
    expect(names(template).slice(0, MAX_SUGGESTIONS + 1)).toEqual([
      ...many.slice(0, MAX_SUGGESTIONS).map((word) => word.replace('&', '&&')),
      'Add to dictionary',
    ]);
  });

  it('speaks the chosen language', () => {
    const template = buildContextMenuTemplate(
      params({ isEditable: true, misspelledWord: 'xqzv', linkURL: 'https://example.org/' }),
      actions(),
      shellWords('es'),
    );
    expect(names(template)).toContain('Añadir al diccionario');
    expect(names(template)).toContain('Abrir el enlace en el navegador…');
  });

  it('has only Copy for a selection outside a text field, and no menu for nothing', () => {
    expect(names(buildContextMenuTemplate(params({ selectionText: 'hello' }), actions(), english))).toEqual(['copy']);
    const contents = fakeContents();
    installContextMenu(contents as never, { devTools: false, openLink: vi.fn(), words });
    contents.emit('context-menu', {}, params());
    expect(electron.menus).toHaveLength(0);
  });

  it('opens http(s) links through the confirmation and copies their address', () => {
    const openLink = vi.fn();
    const contents = fakeContents();
    installContextMenu(contents as never, { devTools: false, openLink, words });
    contents.emit('context-menu', {}, params({ linkURL: 'https://example.org/page' }));
    const template = electron.menus[0].template;
    expect(names(template)).toEqual(['Open link in browser…', 'Copy link address']);
    click(template[0]);
    expect(openLink).toHaveBeenCalledWith('https://example.org/page');
    click(template[1]);
    expect(electron.writeText).toHaveBeenCalledWith('https://example.org/page');
  });

  it('offers nothing for any other kind of link', () => {
    for (const linkURL of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'mailto:bob@example.org',
      'xmpp:bob@example.org',
      'smb://host/share',
      'ms-msdt:/id PCWDiagnostic',
      'https://user:pw@example.org/',
      'data:text/html,<b>x</b>',
    ]) {
      expect(names(buildContextMenuTemplate(params({ linkURL }), actions(), english)), linkURL).toEqual([]);
    }
  });

  it('offers Inspect Element only in development builds', () => {
    const production = fakeContents();
    installContextMenu(production as never, { devTools: false, openLink: vi.fn(), words });
    production.emit('context-menu', {}, params({ selectionText: 'x' }));
    expect(names(electron.menus[0].template)).not.toContain('Inspect element');

    const development = fakeContents();
    installContextMenu(development as never, { devTools: true, openLink: vi.fn(), words });
    development.emit('context-menu', {}, params({ selectionText: 'x' }));
    const template = electron.menus[1].template;
    expect(names(template).at(-1)).toBe('Inspect element');
    click(template.at(-1));
    expect(development.inspectElement).toHaveBeenCalledWith(10, 20);
  });
});

function actions() {
  return { replaceMisspelling: vi.fn(), addToDictionary: vi.fn(), openLink: vi.fn(), copyText: vi.fn() };
}

describe('spell checker host', () => {
  function fakeSession(defaults: string[]) {
    return {
      availableSpellCheckerLanguages: ['de-DE', 'en-GB', 'en-US'],
      setSpellCheckerEnabled: vi.fn(),
      getSpellCheckerLanguages: vi.fn(() => defaults),
      setSpellCheckerLanguages: vi.fn((languages: string[]) => {
        if (languages.some((code) => code === 'xx')) throw new Error('Invalid language code provided');
      }),
    };
  }

  it("turns the checker on, switches to a conversation's language and back to the OS default", () => {
    const session = fakeSession(['en-GB']);
    const host = createSpellcheckHost(session as never, undefined, 'linux');
    expect(session.setSpellCheckerEnabled).toHaveBeenCalledWith(true);
    expect(host.available()).toEqual(['de-DE', 'en-GB', 'en-US']);
    host.use(null);
    expect(session.setSpellCheckerLanguages).not.toHaveBeenCalled(); // already the default
    host.use('de-DE');
    host.use('de-DE');
    expect(session.setSpellCheckerLanguages.mock.calls).toEqual([[['de-DE']]]);
    host.use(null);
    expect(session.setSpellCheckerLanguages).toHaveBeenLastCalledWith(['en-GB']);
  });

  it('keeps checking as before when Chromium refuses a language', () => {
    const session = fakeSession(['en-US']);
    const warn = vi.fn();
    const host = createSpellcheckHost(session as never, { warn } as never, 'win32');
    host.use('xx');
    expect(warn).toHaveBeenCalledWith('could not change the spell checking language', expect.anything());
    host.use(null);
    expect(session.setSpellCheckerLanguages).toHaveBeenCalledTimes(1); // still on the default: nothing to do
  });

  it('offers no choice on macOS, where the system checker picks the language', () => {
    const session = fakeSession(['en-US']);
    const host = createSpellcheckHost(session as never, undefined, 'darwin');
    expect(session.setSpellCheckerEnabled).toHaveBeenCalledWith(true);
    expect(host.available()).toEqual([]);
    host.use('de-DE');
    expect(session.setSpellCheckerLanguages).not.toHaveBeenCalled();
  });
});
