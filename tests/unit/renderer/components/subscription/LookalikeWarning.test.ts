/**
 * The warning on a request whose nick imitates a contact, shared by the inbox and the accept dialog:
 * the contact it is not, then who it really is, each name isolated for bidirectional text.
 */
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import LookalikeWarning from '../../../../../src/renderer/src/components/subscription/LookalikeWarning.vue';
import { i18n } from '../../../../../src/renderer/src/i18n';

async function render(props: Record<string, unknown>): Promise<string> {
  const app = createSSRApp({ render: () => h(LookalikeWarning as Component, props) });
  app.use(i18n);
  // As shown: without the fragment markers of server rendering, runs of spaces as one.
  return (await renderToString(app)).replace(/<!--[[\]]-->/g, '').replace(/ {2,}/g, ' ');
}

describe('LookalikeWarning', () => {
  it('says in strong which contact the request is not, then who it is, in the words the caller names', async () => {
    const html = await render({
      warning: 'subscriptions.inbox.notYourContact',
      detail: 'subscriptions.inbox.onlyNick',
      contact: 'Alice',
      jid: 'alice@evil.example',
    });
    expect(html).toBe(
      '<strong>Not your contact “<bdi>Alice</bdi>”</strong> — this is <bdi class="jid">alice@evil.example</bdi>; only the nick looks alike.',
    );
  });
});
