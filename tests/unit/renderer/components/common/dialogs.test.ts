/**
 * The dialogs built on a form's state (useFormState): FormDialog and ConfirmDialog show that state's
 * error and busy label, and RadioGroup names its choices together under one legend.
 */
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import ConfirmDialog from '../../../../../src/renderer/src/components/common/ConfirmDialog.vue';
import FormDialog from '../../../../../src/renderer/src/components/common/FormDialog.vue';
import RadioGroup from '../../../../../src/renderer/src/components/common/RadioGroup.vue';
import type { AppError } from '../../../../../src/shared/errors';
import { useFormState } from '../../../../../src/renderer/src/composables/useFormState';
import { i18n } from '../../../../../src/renderer/src/i18n';

async function render(component: Component, props: Record<string, unknown>): Promise<string> {
  const app = createSSRApp({ render: () => h(component, props) });
  app.use(i18n);
  return renderToString(app);
}

/** The attributes of every `tag` element in `html`. */
function allAttrs(html: string, tag: string): Record<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map((element) =>
    Object.fromEntries([...element[1].matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((m) => [m[1], m[2] ?? ''])),
  );
}

describe('FormDialog and ConfirmDialog with a form state', () => {
  it('show the form state’s error and, while its command runs, the busy label on a disabled action', async () => {
    for (const dialog of [FormDialog, ConfirmDialog]) {
      const form = useFormState();
      form.formError.value = 'The server said no';
      form.busy.value = true;
      const html = await render(dialog as Component, { title: 'Rename', action: 'Save', busyLabel: 'Saving…', form });
      expect(html).toContain('<p class="form-error" role="alert" dir="auto">The server said no</p>');
      const action = allAttrs(html, 'button')[1];
      expect(action.disabled).toBe('');
      expect(html).toMatch(/<button[^>]*disabled[^>]*>\s*Saving…\s*<\/button>/);
    }
  });

  it('show no error and the plain action while the form state is idle', async () => {
    const html = await render(FormDialog as Component, {
      title: 'Rename',
      action: 'Save',
      busyLabel: 'Saving…',
      form: useFormState(),
    });
    expect(html).not.toContain('role="alert"');
    expect(html).toMatch(/<button type="submit"[^>]*>\s*Save\s*<\/button>/);
    expect(allAttrs(html, 'button')[1].disabled).toBeUndefined();
  });

  it('read their words under `keys`: the title with its params, the action and the busy label', async () => {
    const form = useFormState();
    form.busy.value = true;
    const html = await render(ConfirmDialog as Component, { keys: 'roster.remove', params: { name: 'Alice' }, form });
    expect(html).toContain('Remove Alice?');
    expect(html).toMatch(/<button[^>]*disabled[^>]*>\s*Removing…\s*<\/button>/);
    const idle = await render(ConfirmDialog as Component, { keys: 'roster.remove', params: { name: 'Alice' } });
    expect(idle).toMatch(/<button[^>]*>\s*Remove contact\s*<\/button>/);
  });

  it('under `keys` without an action or busy word, save: Save, and Saving… while busy', async () => {
    const idle = await render(FormDialog as Component, { keys: 'settings', form: useFormState() });
    expect(idle).toContain('Settings');
    expect(idle).toMatch(/<button type="submit"[^>]*>\s*Save\s*<\/button>/);
    const form = useFormState();
    form.busy.value = true;
    const busy = await render(FormDialog as Component, { keys: 'settings', form });
    expect(busy).toMatch(/<button type="submit"[^>]*disabled[^>]*>\s*Saving…\s*<\/button>/);
  });

  it('given words win over those under `keys`', async () => {
    const html = await render(FormDialog as Component, { keys: 'settings', title: 'Mine', action: 'Go' });
    expect(html).toContain('Mine');
    expect(html).not.toContain('Settings');
    expect(html).toMatch(/<button type="submit"[^>]*>\s*Go\s*<\/button>/);
  });

  it('name the contact a dialog is about in its `<keys>.intro` sentence, and show a given intro', async () => {
    const html = await render(FormDialog as Component, {
      keys: 'roster.rename',
      params: { name: 'Alice' },
      contact: { jid: 'alice@example.org', account: 'Work' },
      intro: 'One paragraph',
    });
    expect(html).toContain('<p>One paragraph</p>');
    const sentence = html.replace(/<!--[^>]*-->/g, '');
    expect(sentence).toContain(
      '<p class="field-note" dir="auto"><bdi class="jid">alice@example.org</bdi> in <bdi>Work</bdi>. The name is kept',
    );
  });

  it('a refused command leaves its words on the form state, and the close it was given is kept', async () => {
    let closed = 0;
    const form = useFormState({ fields: ['name'], close: () => closed++ });
    const error: AppError = { code: 'conflict', reason: 'file.changed', field: 'name' };
    const result = await form.send(async () => ({ ok: false as const, error }));
    expect(result.ok).toBe(false);
    expect(form.busy.value).toBe(false);
    expect(Object.keys(form.errors.value)).toEqual(['name']);
    form.close?.();
    expect(closed).toBe(1);
  });
});

describe('RadioGroup', () => {
  const choices = [
    { value: 'ask', label: 'Ask me', note: 'They wait in the inbox' },
    { value: 'deny', label: 'Deny' },
  ];

  it('names its radio buttons together under its legend, each labelled, with its note', async () => {
    const html = await render(RadioGroup as Component, {
      legend: 'When someone asks',
      choices,
      modelValue: 'deny',
      note: 'Applies to new requests',
    });
    expect(html).toContain('<legend>When someone asks</legend>');
    const radios = allAttrs(html, 'input');
    expect(radios.map((radio) => radio.type)).toEqual(['radio', 'radio']);
    expect(new Set(radios.map((radio) => radio.name)).size).toBe(1);
    expect(radios.map((radio) => radio.value)).toEqual(['ask', 'deny']);
    expect(radios[1].checked).toBe('');
    const labels = allAttrs(html, 'label');
    expect(labels.map((label) => label.for)).toEqual(radios.map((radio) => radio.id));
    expect(html).toMatch(
      new RegExp(`<p id="${radios[0]['aria-describedby']}" class="field-note">(<!--\\[-->)?They wait in the inbox`),
    );
    expect(html).toContain('<p class="field-note">Applies to new requests</p>');
    expect(radios.some((radio) => 'data-autofocus' in radio)).toBe(false);
  });

  it('puts the first focus on the chosen button when asked', async () => {
    const html = await render(RadioGroup as Component, {
      legend: 'L',
      choices,
      modelValue: 'deny',
      autofocusChecked: true,
    });
    const radios = allAttrs(html, 'input');
    expect('data-autofocus' in radios[0]).toBe(false);
    expect('data-autofocus' in radios[1]).toBe(true);
  });
});
