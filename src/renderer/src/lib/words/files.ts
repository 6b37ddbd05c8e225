/**
 * Files and pictures in words: uploads, downloads and their transfers (upload.*, transfer.*, file.*,
 * http.*) and pictures the core did not keep (media.*).
 */
import type { DomainReason, ErrorParams, Reasoned, TransferError } from '../../../../shared/errors';
import { t } from '../../i18n';
import { reasonText, type OwnWords } from './reason';
import { formatBytes } from '../../i18n/format';

type FileReason =
  | DomainReason<'upload'>
  | DomainReason<'transfer'>
  | DomainReason<'file'>
  | DomainReason<'http'>
  | DomainReason<'media'>;

type FileError = Reasoned<Pick<ErrorParams, FileReason>>;

/** File errors whose catalog sentence needs more: a size in units, a code the system may leave out. */
export const FILE_WORDS = {
  'upload.tooLarge': (error) => t('errors.upload.tooLarge', { limit: formatBytes(error.params.limit) }),
  'upload.metadataStays': (error) =>
    error.params.why === 'tooLarge'
      ? t('filesMore.metadata.tooLarge', { limit: formatBytes(error.params.limit) })
      : t('filesMore.metadata.unreadable'),
  'file.unreadable': (error) =>
    error.params?.errno ? t('errors.file.unreadableCode', { errno: error.params.errno }) : t('errors.file.unreadable'),
  'file.write': (error) =>
    error.params?.errno ? t('errors.file.writeCode', { errno: error.params.errno }) : t('errors.file.write'),
  'http.status': (error) =>
    error.params.status ? t('errors.http.status', { status: error.params.status }) : t('errors.http.statusNone'),
  'http.tooLarge': (error) =>
    error.params.limit !== undefined
      ? t('errors.http.tooLarge', { limit: formatBytes(error.params.limit) })
      : t('errors.http.tooLargeNone'),
} satisfies OwnWords<FileError>;

/** Why a transfer failed or waits (TransferView.error), in one sentence. */
export function transferErrorText(error: TransferError): string {
  return reasonText<FileError>(error, FILE_WORDS);
}
