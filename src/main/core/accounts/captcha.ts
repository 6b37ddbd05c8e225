/**
 * A CAPTCHA's picture (XEP-0158) for the registration dialog: the bits of binary the server sent,
 * as a data URL the renderer can show, only when its bytes are a picture we show (PNG, JPEG, GIF,
 * WebP), whatever type the server declared. Sounds and anything else stay here; the field's label
 * (the question) is what the user answers then.
 */
import { isImageMime, sniffMedia } from '../media/sniff';
import type { BitsOfBinary } from './registration-form';

export function captchaImage(bits: BitsOfBinary | null): { mime: string; dataUrl: string } | null {
  if (!bits) return null;
  const sniffed = sniffMedia(bits.data);
  if (!sniffed || !isImageMime(sniffed.mime)) return null;
  return { mime: sniffed.mime, dataUrl: `data:${sniffed.mime};base64,${bits.data.toString('base64')}` };
}
