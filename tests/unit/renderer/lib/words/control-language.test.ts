/**
 * The control words follow the chosen language: the views' words are read when shown (not fixed
 * when the module loads), and counts take the language's plural forms.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { i18n } from '../../../../../src/renderer/src/i18n';
import { ensureCatalog } from '../../../../../src/renderer/src/i18n/catalogs';
import { appError } from '../../../../../src/shared/result';
import { BLOCKING_WORDS, CONSOLE_WORDS } from '../../../../../src/renderer/src/lib/words/control-views';
import { errorText } from '../../../../../src/renderer/src/lib/words/errors';

function use(locale: string) {
  i18n.global.locale.value = locale;
}

beforeAll(async () => {
  for (const locale of ['de', 'ru']) expect(await ensureCatalog(locale)).toBe(true);
});

afterEach(() => use('en'));

describe('control words in the chosen language', () => {
  it('reads the views’ words when they are shown', () => {
    expect(BLOCKING_WORDS.unblock).toBe('Unblock');
    use('de');
    expect(BLOCKING_WORDS.unblock).toBe('Entsperren');
    expect(CONSOLE_WORDS.heading('a@example.org')).toBe('XML-Konsole — a@example.org');
  });

  it('takes the language’s plural forms for counts', () => {
    use('ru');
    expect(BLOCKING_WORDS.listLabel(1)).toBe('1 заблокированный адрес');
    expect(BLOCKING_WORDS.listLabel(3)).toBe('3 заблокированных адреса');
    expect(BLOCKING_WORDS.listLabel(5)).toBe('5 заблокированных адресов');
  });

  it('words the errors in the chosen language', () => {
    use('de');
    expect(errorText(appError('not_found', 'adhoc.gone'))).toBe('Dieser Befehl läuft nicht mehr.');
  });
});
