/**
 * The one text field every dialog uses: the label names the input, the note and the error describe
 * it (in that order), aria-invalid follows the error, and other attributes reach the input.
 */
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import TextField from '../../../../../src/renderer/src/components/common/TextField.vue';

async function render(props: Record<string, unknown>): Promise<string> {
  const app = createSSRApp({ render: () => h(TextField as Component, { modelValue: 'x', ...props }) });
  return renderToString(app);
}

/** The attributes of the first `tag` element in `html`. */
function attrs(html: string, tag: string): Record<string, string> {
  const element = new RegExp(`<${tag}\\b([^>]*)>`).exec(html)?.[1] ?? '';
  return Object.fromEntries([...element.matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((m) => [m[1], m[2] ?? '']));
}

describe('TextField', () => {
  it('is named by its label and describes itself by its note and its error', async () => {
    const html = await render({ label: 'Port', optional: true, note: '1 to 65535', error: 'Not a port', name: 'port' });
    const input = attrs(html, 'input');
    const label = attrs(html, 'label');
    expect(label.for).toBe(input.id);
    expect(html).toMatch(/<label[^>]*>\s*Port\s*<span class="optional">\(optional\)<\/span><\/label>/);
    expect(input['aria-invalid']).toBe('true');
    const [noteId, errorId] = input['aria-describedby'].split(' ');
    expect(html).toContain(`<p id="${noteId}" class="field-note">1 to 65535</p>`);
    expect(html).toMatch(new RegExp(`<p id="${errorId}" class="field-error" role="alert" dir="auto">Not a port</p>`));
    expect(input).toMatchObject({ type: 'text', name: 'port', value: 'x' });
  });

  it('is valid and described by nothing without a note or an error', async () => {
    const input = attrs(await render({ label: 'Name' }), 'input');
    expect(input['aria-invalid']).toBe('false');
    expect(input['aria-describedby']).toBeUndefined();
  });

  it('renders a textarea when given rows, wired the same way', async () => {
    const html = await render({ label: 'Message', rows: 2, error: 'Too long' });
    const area = attrs(html, 'textarea');
    expect(area.rows).toBe('2');
    expect(area['aria-invalid']).toBe('true');
    expect(attrs(html, 'label').for).toBe(area.id);
    expect(html).not.toContain('<input');
  });
});
