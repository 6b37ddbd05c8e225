/** A value edited in place (a room's subject, our nick): opens filled and focused, shows refusals, closes when saved. */
import { describe, expect, it } from 'vitest';
import { appError, type Result } from '../../../../src/shared/result';
import { useInlineEdit } from '../../../../src/renderer/src/composables/useInlineEdit';
import { errorText } from '../../../../src/renderer/src/lib/words/errors';

function setup(answer: Result<unknown>) {
  const sent: string[] = [];
  let focused = 0;
  const edit = useInlineEdit({
    current: () => 'Tea time',
    save: async (value) => {
      sent.push(value);
      return answer;
    },
    field: 'subject',
  });
  edit.bindInput({ focus: () => (focused += 1) });
  return { edit, sent, focused: () => focused };
}

describe('useInlineEdit', () => {
  it('opens with the current value and focuses the field; saving sends the trimmed value and closes', async () => {
    const { edit, sent, focused } = setup({ ok: true, value: undefined });
    await edit.start();
    expect(edit.editing).toBe(true);
    expect(edit.value).toBe('Tea time');
    expect(focused()).toBe(1);
    edit.update('  Cake time ');
    await edit.submit();
    expect(sent).toEqual(['Cake time']);
    expect(edit.editing).toBe(false);
    expect(edit.busy).toBe(false);
  });

  it('keeps the form open with the refusal under the field, and clears it when opened again', async () => {
    const error = appError('forbidden', 'muc.notInRoom');
    const { edit } = setup({ ok: false, error });
    await edit.start();
    await edit.submit();
    expect(edit.editing).toBe(true);
    expect(edit.error).toBe(errorText(error));
    edit.close();
    expect(edit.editing).toBe(false);
    await edit.start();
    expect(edit.error).toBeNull();
  });
});
