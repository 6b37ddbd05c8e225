/**
 * Files and pictures in words: uploads, downloads and their transfers (upload.*, transfer.*, file.*,
 * http.*) and pictures the core did not keep (media.*).
 */
import type { DomainReason, ErrorParams, Reasoned, TransferError } from '../../../../shared/errors';
import { t } from '../../i18n';
import { formatBytes } from '../../i18n/format';

type FileReason =
  | DomainReason<'upload'>
  | DomainReason<'transfer'>
  | DomainReason<'file'>
  | DomainReason<'http'>
  | DomainReason<'media'>;

/** Why a transfer failed or waits (TransferView.error), in one sentence. */
export function transferErrorText(error: TransferError): string {
  return fileErrorText(error);
}

/** A file's, a transfer's or a picture's error (with or without its code), in one sentence. */
export function fileErrorText(error: Reasoned<Pick<ErrorParams, FileReason>>): string {
  switch (error.reason) {
    case 'upload.unavailable':
      return t('errors.file.upload.unavailable');
    case 'upload.tooLarge':
      return t('errors.file.upload.tooLarge', { limit: formatBytes(error.params.limit) });
    case 'upload.refused':
      return t('errors.file.upload.refused', { condition: error.params.condition });
    case 'upload.badSlot':
      return t('errors.file.upload.badSlot');
    case 'upload.timeout':
      return t('errors.file.upload.timeout');
    case 'upload.offline':
      return t('errors.file.upload.offline');
    case 'upload.metadataStays':
      return error.params.why === 'tooLarge'
        ? t('filesMore.metadata.tooLarge', { limit: formatBytes(error.params.limit) })
        : t('filesMore.metadata.unreadable');
    case 'upload.fileGone':
      return t('errors.file.upload.fileGone');
    case 'upload.alreadySending':
      return t('errors.file.upload.alreadySending');
    case 'upload.notConnected':
      return t('errors.file.upload.notConnected');
    case 'upload.noAnswer':
      return t('errors.file.upload.noAnswer');
    case 'upload.noDialog':
      return t('errors.file.upload.noDialog');
    case 'upload.stageFailed':
      return t('errors.file.upload.stageFailed');
    case 'upload.stageTooLarge':
      return t('errors.file.upload.stageTooLarge');
    case 'upload.stageRefused':
      return t('errors.file.upload.stageRefused');
    case 'transfer.notFound':
      return t('errors.file.transfer.notFound');
    case 'transfer.stillRunning':
      return t('errors.file.transfer.stillRunning');
    case 'transfer.internal':
      return t('errors.file.transfer.internal');
    case 'file.notShared':
      return t('errors.file.file.notShared');
    case 'file.cannotOpen':
      return t('files.errors.cannotOpen');
    case 'file.unreadable':
      return error.params?.errno
        ? t('errors.file.file.unreadableCode', { errno: error.params.errno })
        : t('errors.file.file.unreadable');
    case 'file.changed':
      return t('errors.file.file.changed');
    case 'file.write':
      return error.params?.errno
        ? t('errors.file.file.writeCode', { errno: error.params.errno })
        : t('errors.file.file.write');
    case 'file.messageNotStored':
      return t('errors.file.file.messageNotStored');
    case 'file.encryptedKey':
      return t('omemoFiles.errors.encryptedKey');
    case 'file.encryptedShort':
      return t('omemoFiles.errors.encryptedShort');
    case 'file.encryptedTag':
      return t('omemoFiles.errors.encryptedTag');
    case 'http.insecureUrl':
      return t('errors.file.http.insecureUrl');
    case 'http.redirect':
      return t('errors.file.http.redirect');
    case 'http.status':
      return error.params.status
        ? t('errors.file.http.status', { status: error.params.status })
        : t('errors.file.http.statusNone');
    case 'http.tooLarge':
      return error.params.limit !== undefined
        ? t('errors.file.http.tooLarge', { limit: formatBytes(error.params.limit) })
        : t('errors.file.http.tooLargeNone');
    case 'http.truncated':
      return t('errors.file.http.truncated');
    case 'http.timeout':
      return t('errors.file.http.timeout');
    case 'http.cancelled':
      return t('errors.file.http.cancelled');
    case 'http.network':
      return t('errors.file.http.network');
    case 'media.type':
      return t('errors.file.media.type');
    case 'media.tooLarge':
      return t('errors.file.media.tooLarge');
    case 'media.dimensions':
      return t('errors.file.media.dimensions');
    case 'media.unknownDimensions':
      return t('errors.file.media.unknownDimensions');
    case 'media.hashMismatch':
      return t('errors.file.media.hashMismatch');
    case 'media.io':
      return t('errors.file.media.io');
    case 'media.internal':
      return t('errors.file.media.internal');
  }
}
