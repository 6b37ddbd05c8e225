/** The reaction picker's grids: one plain button per emoji, named by its shortcode when it has one. */
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import EmojiGrid from '../../../../../src/renderer/src/components/chat/EmojiGrid.vue';

async function render(emojis: (readonly [string | null, string])[]): Promise<string> {
  const app = createSSRApp({ render: () => h(EmojiGrid as Component, { label: 'Frequent', emojis }) });
  return renderToString(app);
}

describe('EmojiGrid', () => {
  it('names an emoji by its shortcode, or by itself without one', async () => {
    const html = await render([
      ['thumbsup', '👍'],
      [null, '🎉'],
    ]);
    expect(html).toMatch(/^<div class="reaction-grid" role="group" aria-label="Frequent">/);
    const buttons = html.match(/<button[^>]*>[^<]*<\/button>/g) ?? [];
    expect(buttons).toHaveLength(2);
    expect(buttons[0]).toMatch(/type="button" class="reaction-choice" title=":thumbsup:" aria-label=":thumbsup:"/);
    expect(buttons[1]).toMatch(/aria-label="🎉"/);
    expect(buttons[1]).not.toContain('title=');
  });
});
