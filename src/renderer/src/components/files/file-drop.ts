/**
 * A conversation takes files dropped onto it or pasted into it (a picture copied elsewhere): they
 * are sent like picked ones. A paste of text stays text (only a paste that carries files is taken).
 */
import { ref } from 'vue';
import { filesOf, useFileSending, type SendTarget } from './send-files';

export function useFileDrop(target: () => SendTarget, enabled: () => boolean) {
  const sending = useFileSending();
  /** Files are being dragged over the conversation. */
  const dragging = ref(false);
  let depth = 0;

  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

  function onDragenter(event: DragEvent) {
    if (!carriesFiles(event) || !enabled()) return;
    depth++;
    dragging.value = true;
  }
  function onDragover(event: DragEvent) {
    if (!carriesFiles(event) || !enabled()) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  }
  function onDragleave(event: DragEvent) {
    if (!carriesFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) dragging.value = false;
  }
  function onDrop(event: DragEvent) {
    depth = 0;
    dragging.value = false;
    const files = filesOf(event.dataTransfer);
    if (files.length === 0 || !enabled()) return;
    event.preventDefault();
    void sending.sendFiles(target(), files);
  }
  function onPaste(event: ClipboardEvent) {
    const files = filesOf(event.clipboardData);
    if (files.length === 0 || !enabled()) return;
    event.preventDefault();
    void sending.sendFiles(target(), files);
  }

  return { dragging, onDragenter, onDragover, onDragleave, onDrop, onPaste };
}
