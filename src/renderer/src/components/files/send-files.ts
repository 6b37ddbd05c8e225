/**
 * Handing files to the core for sending, however they came: picked in main's dialog (Electron),
 * chosen in the page's file input (the browser bridge), dropped, or pasted. Each file becomes one
 * upload (TransferView, in the transfers store); what is refused before that (too large, no upload
 * service, not stageable) is kept as a problem of the conversation, worded.
 */
import type { ConversationKind, StagedFileView } from '../../../../shared/contract';
import { useApi } from '../../api';
import { stageFile } from '../../api/media';
import { t } from '../../i18n';
import { errorText } from '../../lib/words/errors';
import { useTransfersStore } from '../../stores/transfers';

export interface SendTarget {
  accountId: string;
  conversation: string;
  kind: ConversationKind;
}

/** A pasted picture has no name of its own: it gets one by its type. */
function nameOf(file: File): string {
  if (file.name) return file.name;
  const extension = file.type.startsWith('image/') ? file.type.slice(6).replace(/[^a-z0-9]/g, '') : 'bin';
  return `${t('files.pasted')}.${extension || 'bin'}`;
}

export function useFileSending() {
  const api = useApi();
  const transfers = useTransfersStore();

  async function start(target: SendTarget, staged: StagedFileView, keepMetadata = false): Promise<void> {
    const result = await api.invoke('upload.start', {
      accountId: target.accountId,
      conversation: target.conversation,
      kind: target.kind,
      file: staged.id,
      ...(keepMetadata ? { keepMetadata } : {}),
    });
    if (result.ok) transfers.put(result.value);
    else {
      // A picture whose metadata cannot be removed: the list asks whether to send it as it is.
      const ask = result.error.reason === 'upload.metadataStays' ? { file: staged, kind: target.kind } : undefined;
      transfers.addProblem(target.accountId, target.conversation, staged.name, errorText(result.error), ask);
    }
  }

  /** Files from the page (drop, paste, the bridge's file input), one after the other, in order. */
  async function sendFiles(target: SendTarget, files: readonly File[]): Promise<void> {
    for (const file of files) {
      const name = nameOf(file);
      const staged = await stageFile(file, name);
      if (staged.ok) await start(target, staged.value);
      else transfers.addProblem(target.accountId, target.conversation, name, errorText(staged.error));
    }
  }

  /** Main's file dialog (Electron): the chosen files stay where they are until sent. */
  async function pickAndSend(target: SendTarget): Promise<void> {
    const picked = await api.invoke('upload.pick', {});
    if (!picked.ok) {
      transfers.addProblem(target.accountId, target.conversation, '', errorText(picked.error));
      return;
    }
    for (const staged of picked.value) await start(target, staged);
  }

  /** The user's answer to a picture that would keep its metadata: send it as it is. */
  function sendAsIs(target: SendTarget, staged: StagedFileView): Promise<void> {
    return start(target, staged, true);
  }

  return { sendFiles, pickAndSend, sendAsIs };
}

/** The files a drag or paste carries (none when it carries only text). */
export function filesOf(data: DataTransfer | null): File[] {
  return data ? [...data.files] : [];
}
