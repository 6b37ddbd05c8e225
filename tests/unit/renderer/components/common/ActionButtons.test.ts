/**
 * The buttons of a toolbar or a row, drawn from a list: plain buttons with their look, name and
 * state, and only the actions that apply.
 */
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import ActionButtons from '../../../../../src/renderer/src/components/common/ActionButtons.vue';
import type { Action } from '../../../../../src/renderer/src/components/common/actions';

async function render(actions: Action[], small = false): Promise<string> {
  const app = createSSRApp({ render: () => h(ActionButtons as Component, { actions, small }) });
  return renderToString(app);
}

const run = () => undefined;

describe('ActionButtons', () => {
  it('marks each action up as a plain button with its look, name, title and state', async () => {
    const html = await render(
      [
        { key: 'a', text: 'Accept', label: 'Accept bob', title: 'Let bob see you', tone: 'primary', run },
        { key: 'r', text: 'Remove', tone: 'danger', disabled: true, run },
        { key: 'l', text: 'Change', tone: 'link', run },
      ],
      true,
    );
    const buttons = html.match(/<button[^>]*>[^<]*<\/button>/g) ?? [];
    expect(buttons).toHaveLength(3);
    expect(buttons[0]).toMatch(
      /^<button type="button" class="button button-small button-primary" aria-label="Accept bob" title="Let bob see you">\s*Accept\s*<\/button>$/,
    );
    expect(buttons[1]).toMatch(/class="button button-small button-danger-quiet"[^>]* disabled/);
    expect(buttons[1]).not.toContain('aria-label');
    expect(buttons[2]).toMatch(/class="link-button"/);
  });

  it('leaves out the actions that do not apply', async () => {
    const html = await render([
      { key: 'a', text: 'Shown', run },
      { key: 'b', text: 'Hidden', when: false, run },
    ]);
    expect(html).toContain('Shown');
    expect(html).not.toContain('Hidden');
    expect(html).not.toContain('button-small');
  });
});
