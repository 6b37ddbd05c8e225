/**
 * The renderer checks no input itself: every command goes to the core, which checks it with the
 * contract's schema and refuses it with codes (tests/unit/main/core/input-refusal.test.ts). Checking
 * here loaded zod and every schema with the first command that had fields, in the middle of the
 * roster's scroll (issue 17). The refusal is worded here, in the user's language.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkedTransport } from '../../../../src/renderer/src/api/checked';
import type { Transport } from '../../../../src/renderer/src/api/types';
import { i18n, t } from '../../../../src/renderer/src/i18n';
import { ensureCatalog } from '../../../../src/renderer/src/i18n/catalogs';
import { errorFields } from '../../../../src/renderer/src/lib/words/errors';
import { commands, inputIssue } from '../../../../src/shared/contract';
import { fail, ok } from '../../../../src/shared/result';

function recording(answer: (command: string, input: unknown) => unknown) {
  const sent: [string, unknown][] = [];
  const inner: Transport = {
    invoke: async (command, input) => {
      sent.push([command, input]);
      return answer(command, input) as never;
    },
    onEvents: () => () => {},
    onLink: () => () => {},
  };
  return { sent, transport: checkedTransport(inner) };
}

/** What the core answers for an input its schema refuses (messenger.ts's invalidInput). */
function coreRefusal(command: keyof typeof commands, input: unknown) {
  const parsed = commands[command].input.safeParse(input);
  if (parsed.success) return ok(null);
  return fail('invalid_input', 'input.invalid', { issues: parsed.error.issues.map((issue) => inputIssue(issue)) });
}

beforeAll(async () => {
  expect(await ensureCatalog('de')).toBe(true);
});

afterEach(() => {
  i18n.global.locale.value = 'en';
});

describe('checked transport', () => {
  it("sends typed input on as it is and gives back the core's refusal", async () => {
    const { sent, transport } = recording((command, input) => coreRefusal(command as 'muc.join', input));
    const input = { accountId: 'a1', room: 'no room here', nick: ' ' };
    const result = await transport.invoke('muc.join', input);
    expect(sent).toEqual([['muc.join', input]]);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', reason: 'input.invalid' } });
  });

  it('sends a command with fields at once, without loading the contract first', () => {
    const { sent, transport } = recording(() => ok(null));
    void transport.invoke('timeline.get', { accountId: 'a1', jid: 'bob@example.org' });
    // Synchronously: no schema is loaded or run on the way.
    expect(sent).toEqual([['timeline.get', { accountId: 'a1', jid: 'bob@example.org' }]]);
  });

  it("words the core's refusal of typed input in the user's language, from the schema's check", async () => {
    const { transport } = recording((command, input) => coreRefusal(command as 'muc.join', input));
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
});
