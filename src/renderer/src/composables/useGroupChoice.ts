import { computed, ref } from 'vue';
import { t } from '../i18n';

/**
 * Choosing roster groups: the known groups plus new ones typed in (listed first), narrowed by a
 * search, with the "New group" box. `known` gives the groups to list besides the new ones, in
 * order; `choose` ticks a group (a new one is ticked as it is added).
 */
export function useGroupChoice(options: { known: () => readonly string[]; choose: (name: string) => void }) {
  const added = ref<string[]>([]);
  const newGroup = ref('');
  const narrow = ref('');
  const fieldError = ref<string | null>(null);

  const all = computed(() => [...new Set([...added.value, ...options.known()])]);
  const listed = computed(() => {
    const q = narrow.value.trim().toLowerCase();
    return q ? all.value.filter((name) => name.toLowerCase().includes(q)) : all.value;
  });

  /** Adds (and ticks) the group typed in the box; false, with a field error, when it is empty. */
  function addGroup(): boolean {
    const name = newGroup.value.trim();
    fieldError.value = null;
    if (!name) {
      fieldError.value = t('errors.check.groupEmpty');
      return false;
    }
    if (!all.value.includes(name)) added.value = [name, ...added.value];
    options.choose(name);
    newGroup.value = '';
    return true;
  }

  /** Takes a group still typed in the box (the form calls this before it submits). */
  function commitTyped() {
    if (newGroup.value.trim()) addGroup();
  }

  return { newGroup, narrow, fieldError, all, listed, addGroup, commitTyped };
}
