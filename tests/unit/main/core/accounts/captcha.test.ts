/**
 * A CAPTCHA's picture for the registration dialog: shown only when its bytes are a picture, with the
 * type its bytes say, whatever the server declared.
 */
import { describe, expect, it } from 'vitest';
import { captchaImage } from '../../../../../src/main/core/accounts/captcha';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex');

describe('captchaImage', () => {
  it('gives a picture as a data URL with the type of its bytes', () => {
    expect(captchaImage({ type: 'image/jpeg', data: PNG })).toEqual({
      mime: 'image/png',
      dataUrl: `data:image/png;base64,${PNG.toString('base64')}`,
    });
  });

  it('gives nothing for bytes that are not a picture, or for nothing', () => {
    expect(captchaImage({ type: 'image/png', data: Buffer.from('<svg onload="x()"/>') })).toBeNull();
    expect(captchaImage({ type: 'audio/wav', data: Buffer.from('RIFF\0\0\0\0WAVEfmt ') })).toBeNull();
    expect(captchaImage(null)).toBeNull();
  });
});
