/**
 * The renderer checks no input itself: every command goes to the core, which checks it with the
 * contract's schema and refuses it with codes (tests/unit/main/core/input-refusal.test.ts). Checking
 * here loaded zod and every schema with the first command that had fields, in the middle of the
 * roster's scroll (issue 17). The refusal is worded here, in the user's language.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Transport } from '../../../../src/renderer/src/api/types';
import { i18n, t } from '../../../../src/renderer/src/i18n';
import { ensureCatalog } from '../../../../src/renderer/src/i18n/catalogs';
import { errorFields } from '../../../../src/renderer/src/lib/words/errors';
import { commands, inputIssue } from '../../../../src/shared/contract';
import { fail, ok } from '../../../../src/shared/result';

/** A transport whose core answers every command with `answer`. */
function answering(answer: (command: string, input: unknown) => unknown): Transport {
  return {
    invoke: async (command, input) => answer(command, input) as never,
    onEvents: () => () => {},
    onLink: () => () => {},
  };
}

/** What the core answers for an input its schema refuses (messenger.ts's invalidInput). */
function coreRefusal(command: keyof typeof commands, input: unknown) {
  const parsed = commands[command].input.safeParse(input);
  if (parsed.success) return ok(null);
  return fail('invalid_input', 'input.invalid', { issues: parsed.error.issues.map((issue) => inputIssue(issue)) });
}

const LANGUAGES = ['de', 'es', 'fr', 'ru'] as const;

beforeAll(async () => {
  for (const language of LANGUAGES) expect(await ensureCatalog(language)).toBe(true);
});

afterEach(() => {
  i18n.global.locale.value = 'en';
});

describe('the transport: input checked by the core only', () => {
  it("words the core's refusal of typed input in the user's language, from the schema's check", async () => {
    const transport = answering((command, input) => coreRefusal(command as 'muc.join', input));
    i18n.global.locale.value = 'de';
    const result = await transport.invoke('muc.join', {
      accountId: 'a1',
      room: 'tea@conference.example.org',
      nick: ' ',
    });
    if (result.ok) throw new Error('accepted');
    expect(errorFields(result.error)).toEqual({ nick: t('errors.check.nickEmpty') });
    expect(errorFields(result.error).nick).toBe('Wählen Sie einen Nicknamen.');
  });

  it("words a refinement's check in the user's language (the blocklist's addresses or all)", async () => {
    const transport = answering((command, input) => coreRefusal(command as 'blocklist.unblock', input));
    i18n.global.locale.value = 'de';
    const result = await transport.invoke('blocklist.unblock', { accountId: 'a1' });
    if (result.ok) throw new Error('accepted');
    expect(Object.values(errorFields(result.error))).toEqual(['Nennen Sie die Adressen oder geben Sie alle frei.']);
  });

  it('has every check code the shared schemas name in all five catalogs, and no schema message is a sentence', () => {
    // The shared sources as text (this project's tests are type-checked without Node's types).
    const source = Object.values(
      import.meta.glob<string>('../../../../src/shared/*.ts', { query: '?raw', import: 'default', eager: true }),
    ).join('\n');
    const codes = [...new Set([...source.matchAll(/'(check\.[A-Za-z]+)'/g)].map((match) => match[1]))];
    expect(codes.length).toBeGreaterThan(40);
    for (const language of ['en', ...LANGUAGES]) {
      const missing = codes.filter((code) => !i18n.global.te(`errors.${code}`, language));
      expect(missing, language).toEqual([]);
    }
    // A zod check's message argument written as an English sentence ('Choose at least one address.').
    const sentences = [...source.matchAll(/(?:refine|regex|min|max|length)\([^;]*?,\s*'([A-Z][^']*\.)'\s*,?\s*\)/gs)];
    expect(sentences.map((match) => match[1])).toEqual([]);
  });
});
