/**
 * The state the dialogs that answer a data form share (ad-hoc commands, registration, a room's
 * configuration): the form's own checks before sending, and a refusal's problems on its fields.
 */
import { createSSRApp, h, type Component } from 'vue';
import { renderToString } from 'vue/server-renderer';
import { describe, expect, it } from 'vitest';
import FormDialog from '../../../../../src/renderer/src/components/common/FormDialog.vue';
import { dataForm, formField as field } from '../../../../support/forms';
import type { AppError } from '../../../../../src/shared/contract';
import { ok } from '../../../../../src/shared/result';
import { useFormAnswer } from '../../../../../src/renderer/src/components/control/form-answer';

const form = dataForm([field({ var: 'username', type: 'text-single', required: true })]);

describe('useFormAnswer', () => {
  it('stops an answer the form itself refuses: the problem on its field, the summary for the form', () => {
    const answer = useFormAnswer();
    answer.values.value = { username: [''] };
    expect(answer.check(form)).toBe(false);
    expect([...answer.errors.value.keys()]).toEqual(['username']);
    expect(answer.error.value).toBe('One field needs attention.');
    expect(answer.check(form, (count) => `fix ${count}`)).toBe(false);
    expect(answer.error.value).toBe('fix 1');

    answer.values.value = { username: ['alice'] };
    expect(answer.check(form)).toBe(true);
    expect(answer.errors.value.size).toBe(0);
  });

  it('sends with busy set, and puts a refusal on the fields it names', async () => {
    const answer = useFormAnswer();
    let busyWhileSending = false;
    const sent = await answer.send(async () => {
      busyWhileSending = answer.busy.value;
      return ok('done');
    });
    expect(sent).toEqual(ok('done'));
    expect(busyWhileSending).toBe(true);
    expect(answer.busy.value).toBe(false);

    const error = {
      code: 'input',
      reason: 'form.invalid',
      params: { issues: [{ var: 'username', code: 'form.field.required' }] },
    } as unknown as AppError;
    await answer.send(async () => ({ ok: false, error }));
    expect([...answer.errors.value.keys()]).toEqual(['username']);
    expect(answer.error.value).toMatch(/\S/);
    expect(answer.busy.value).toBe(false);
  });

  it('hands FormDialog its state: the summary as the form’s line, and the busy label on the action', async () => {
    const answer = useFormAnswer();
    answer.values.value = { username: [''] };
    answer.check(form);
    answer.busy.value = true;
    const app = createSSRApp({
      render: () =>
        h(FormDialog as Component, { title: 'Register', action: 'Create', busyLabel: 'Creating…', form: answer.form }),
    });
    const html = await renderToString(app);
    expect(html).toContain('<p class="form-error" role="alert" dir="auto">One field needs attention.</p>');
    expect(html).toMatch(/<button[^>]*disabled[^>]*>\s*Creating…\s*<\/button>/);
  });
});
