/**
 * Input refused by the core, worded by the renderer: the renderer checks no input itself (that
 * loaded zod and every schema in the middle of the roster's scroll), so a refusal of what the user
 * typed must carry the schema's own check code from the core, and the renderer's words must give
 * the same sentence the renderer's own check gave. The real core (no network), its answer through
 * JSON as the bridge carries it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandName } from '../../../../src/shared/contract';
import type { AppError } from '../../../../src/shared/errors';
import { t } from '../../../../src/renderer/src/i18n';
import { errorFields, errorText } from '../../../../src/renderer/src/lib/words/errors';
import { createMessenger, type Messenger } from '../../../../src/main/core/messenger';
import { createMemorySecretStore } from '../../../../src/main/core/secrets';
import { silentLogger } from '../../../../src/main/core/log';

let messenger: Messenger;

beforeEach(async () => {
  messenger = await createMessenger({
    dataDir: ':memory:',
    secrets: createMemorySecretStore(),
    log: silentLogger,
    sessionFactory: () => ({ start: () => {}, stop: async () => {}, reconnectNow: () => {}, checkAlive: () => {} }),
  });
});

afterEach(async () => {
  await messenger.close();
});

async function refusal(command: CommandName, input: unknown): Promise<AppError> {
  const answer = JSON.parse(JSON.stringify(await messenger.invoke(command, JSON.parse(JSON.stringify(input)))));
  expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input', reason: 'input.invalid' } });
  return answer.error as AppError;
}

describe("the core's refusal of typed input, in the renderer's words", () => {
  it("words a typed nickname and room with the schema's own checks", async () => {
    const error = await refusal('muc.join', { accountId: 'a1', room: 'no room here', nick: ' ' });
    expect(errorFields(error)).toMatchObject({ nick: 'Choose a nickname.' });
    expect(errorText(error)).toMatch(/^room: /);
  });

  it('words an empty message as the composer did', async () => {
    const error = await refusal('message.send', {
      accountId: 'a1',
      conversation: 'bob@example.org',
      kind: 'chat',
      body: '  ',
    });
    expect(errorFields(error)).toEqual({ body: 'Type a message first.' });
  });

  it("words a port out of range with the schema's check, not zod's English", async () => {
    const error = await refusal('account.add', { jid: 'alice@example.org', password: 'pw', port: 70000 });
    expect(errorFields(error)).toEqual({ port: t('errors.check.portRange') });
  });

  it('refuses a field a command with ids only does not take, by code, worded by the renderer', async () => {
    const error = await refusal('timeline.get', { accountId: 'a1', jid: 'bob@example.org', extra: true });
    expect(error.reason === 'input.invalid' && error.params.issues).toEqual([
      { path: [], code: 'unrecognized_keys', params: { keys: ['extra'] } },
    ]);
    expect(errorText(error)).toBe(t('errors.input.unexpectedKeys', { keys: 'extra' }));
  });
});
