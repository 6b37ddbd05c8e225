/**
 * Files and pictures in words: uploads, downloads and their transfers (upload.*, transfer.*, file.*,
 * http.*) and pictures the core did not keep (media.*).
 */
import type { DomainReason, ErrorParams, Reasoned, TransferError } from '../../../../shared/errors';

type FileReason =
  | DomainReason<'upload'>
  | DomainReason<'transfer'>
  | DomainReason<'file'>
  | DomainReason<'http'>
  | DomainReason<'media'>;

function bytes(count: number): string {
  if (count < 1024) return `${count} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Why a transfer failed or waits (TransferView.error), in one sentence. */
export function transferErrorText(error: TransferError): string {
  return fileErrorText(error);
}

/** A file's, a transfer's or a picture's error (with or without its code), in one sentence. */
export function fileErrorText(error: Reasoned<Pick<ErrorParams, FileReason>>): string {
  switch (error.reason) {
    case 'upload.unavailable':
      return 'This server offers no file upload.';
    case 'upload.tooLarge':
      return `The file is larger than the server accepts (${bytes(error.params.limit)}).`;
    case 'upload.refused':
      return `The server refused the upload (${error.params.condition}).`;
    case 'upload.badSlot':
      return 'The server’s upload service gave an unusable answer.';
    case 'upload.timeout':
      return 'The server’s upload service did not answer in time.';
    case 'upload.offline':
      return 'Waiting for the account to connect.';
    case 'upload.fileGone':
      return 'That file is no longer ready to send; choose it again.';
    case 'upload.alreadySending':
      return 'That file is already being sent.';
    case 'upload.notConnected':
      return 'Connect the account first.';
    case 'upload.noAnswer':
      return 'The server did not say whether it offers file upload.';
    case 'upload.noDialog':
      return 'There is no file dialog here: drop or paste the file instead.';
    case 'upload.stageFailed':
      return 'The file could not be handed to Jabberwock.';
    case 'upload.stageTooLarge':
      return 'The file is too large.';
    case 'upload.stageRefused':
      return 'The file could not be prepared for sending.';
    case 'transfer.notFound':
      return 'There is no such transfer.';
    case 'transfer.stillRunning':
      return 'Cancel the transfer before clearing it.';
    case 'transfer.internal':
      return 'The transfer failed unexpectedly (the details are in the log).';
    case 'file.notShared':
      return 'That message shares no file.';
    case 'file.unreadable':
      return error.params?.errno
        ? `The file could not be read (${error.params.errno}).`
        : 'The file could not be read.';
    case 'file.changed':
      return 'The file changed after it was chosen; choose it again.';
    case 'file.write':
      return error.params?.errno
        ? `The file could not be saved in the download folder (${error.params.errno}).`
        : 'The file could not be saved in the download folder.';
    case 'file.messageNotStored':
      return 'The file was uploaded, but the message carrying it could not be stored.';
    case 'http.insecureUrl':
      return 'Only files at https: addresses are fetched.';
    case 'http.redirect':
      return 'The file’s server sent us somewhere we do not follow.';
    case 'http.status':
      return error.params.status ? `The file’s server answered ${error.params.status}.` : 'The file’s server refused.';
    case 'http.tooLarge':
      return error.params.limit !== undefined
        ? `The file is larger than allowed (${bytes(error.params.limit)}).`
        : 'The file is larger than allowed.';
    case 'http.truncated':
      return 'The file arrived incomplete.';
    case 'http.timeout':
      return 'The file’s server stopped answering.';
    case 'http.cancelled':
      return 'The transfer was cancelled.';
    case 'http.network':
      return 'The file’s server could not be reached.';
    case 'media.type':
      return 'This kind of file is not shown as a picture.';
    case 'media.tooLarge':
      return 'The picture is too large to show.';
    case 'media.dimensions':
      return 'The picture is too large to show (its pixel size).';
    case 'media.unknownDimensions':
      return 'The picture does not say its size, so it is not shown.';
    case 'media.hashMismatch':
      return 'The picture is not the one announced.';
    case 'media.io':
      return 'The picture could not be kept on this computer.';
    case 'media.internal':
      return 'The picture could not be fetched (the details are in the log).';
  }
}
