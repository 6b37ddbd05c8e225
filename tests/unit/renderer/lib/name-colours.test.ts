/**
 * The setting that turns XEP-0392 name colours off: initials and names then take the neutral text
 * colour (an account's own chosen colour stays), and every face follows the setting when it changes.
 */
import { createPinia } from 'pinia';
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREFS } from '../../../../src/shared/contract';
import AvatarImage from '../../../../src/renderer/src/components/profile/AvatarImage.vue';
import { colourFor, initialsInk, nameColourStyle, nameColoursOn } from '../../../../src/renderer/src/lib/avatar';

async function avatar(props: Record<string, unknown>): Promise<string> {
  const app = createSSRApp({
    render: () => h(AvatarImage as Component, { accountId: 'acc', jid: 'bob@example.org', name: 'Bob', ...props }),
  });
  app.use(createPinia());
  return renderToString(app);
}

afterEach(() => {
  nameColoursOn.value = true;
});

describe('name colours (XEP-0392) and their setting', () => {
  it('are on by default', () => {
    expect(DEFAULT_PREFS.nameColours).toBe(true);
    expect(colourFor('bob@example.org')).toMatch(/^rgb\(/);
    expect(nameColourStyle('bob@example.org')['--name-light']).toMatch(/^rgb\(/);
    expect(initialsInk()).toBe('#fff');
  });

  it('off: initials on the neutral surface in the text colour, names in the text colour', async () => {
    nameColoursOn.value = false;
    expect(colourFor('bob@example.org')).toBe('var(--surface-2)');
    expect(initialsInk()).toBe('var(--text)');
    expect(nameColourStyle('bob@example.org')).toEqual({ '--name-light': 'var(--text)', '--name-dark': 'var(--text)' });
    const html = await avatar({});
    expect(html).toContain('--avatar-bg:var(--surface-2)');
    expect(html).toContain('--avatar-ink:var(--text)');
  });

  it("off: an account's own chosen colour stays", async () => {
    nameColoursOn.value = false;
    const html = await avatar({ color: '#112233' });
    expect(html).toContain('--avatar-bg:#112233');
  });
});
