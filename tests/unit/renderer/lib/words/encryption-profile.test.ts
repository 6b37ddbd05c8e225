/**
 * The encryption and profile words come from the catalogs: they follow the chosen language when read
 * (labels included), counts take the locale's plural form, and a failure's parts join in one sentence.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { i18n } from '../../../../../src/renderer/src/i18n';
import { ensureCatalog } from '../../../../../src/renderer/src/i18n/catalogs';
import {
  encryptFailureText,
  lockLabel,
  newDevicesText,
  TRUST_LABELS,
} from '../../../../../src/renderer/src/lib/words/encryption';
import { errorText } from '../../../../../src/renderer/src/lib/words/errors';
import { PROFILE_FIELDS, profileWords } from '../../../../../src/renderer/src/lib/words/profile';

function use(locale: string) {
  i18n.global.locale.value = locale;
}

beforeAll(async () => {
  for (const locale of ['de', 'ru']) expect(await ensureCatalog(locale)).toBe(true);
});

afterEach(() => use('en'));

describe('encryption words', () => {
  it('join the reason and the skipped devices, counted, in one sentence', () => {
    const failure = { reason: 'no-usable-devices', skipped: { undecided: 1, 'no-bundle': 3 } } as const;
    expect(encryptFailureText(failure)).toBe(
      'It could not be encrypted: none of the contact’s devices can be encrypted for (one new device is not verified; 3 devices published no keys).',
    );
    expect(errorText({ code: 'conflict', reason: 'encryption.notSent', params: { reason: 'no-devices' } })).toBe(
      'The correction was not sent: the contact has no device that can read encrypted messages.',
    );
  });

  it('follow the language, with Russian plural forms and OMEMO kept', () => {
    use('ru');
    expect(lockLabel(true)).toBe('Зашифровано (OMEMO)');
    expect(newDevicesText('Bob', 3)).toContain('У Bob 3 новых непроверенных устройства.');
    expect(newDevicesText('Bob', 5)).toContain('У Bob 5 новых непроверенных устройств.');
    use('de');
    expect(TRUST_LABELS.verified).toBe('Verifiziert');
  });
});

describe('profile words', () => {
  it('read their labels in the language chosen when they are shown', () => {
    expect(PROFILE_FIELDS[0].label).toBe('Full name');
    use('de');
    expect(PROFILE_FIELDS[0].label).toBe('Vollständiger Name');
    expect(profileWords.ownTitle).toBe('Ihr Profil');
    expect(profileWords.nickHint('Bobby')).toBe('Nennt sich „Bobby“');
  });
});
