import { describe, expect, it } from 'vitest';
import { cleanPicture } from '../../../../../../src/main/core/features/upload/picture-metadata';
import { STRIP_MAX_BYTES } from '../../../../../../src/main/core/media/strip-metadata';
import { GPS_SECRET, jpegWithExif, png } from '../../../../../support/media-samples';

const never = () => Promise.reject(new Error('the bytes were read'));

describe('whether a picture leaves without its metadata, or the user is asked', () => {
  it('cleans a JPEG it can read', async () => {
    const photo = jpegWithExif(64, 48, 1);
    const cleaning = await cleanPicture('image/jpeg', photo.length, async () => photo);
    expect(cleaning.kind).toBe('cleaned');
    expect(cleaning.kind === 'cleaned' && cleaning.bytes.includes(Buffer.from(GPS_SECRET))).toBe(false);
  });

  it('asks about a picture over 64 MiB without reading it', async () => {
    expect(await cleanPicture('image/png', STRIP_MAX_BYTES + 1, never)).toEqual({
      kind: 'stays',
      why: 'tooLarge',
      limit: 64 * 1024 * 1024,
    });
  });

  it('asks about a JPEG, PNG or WebP the rewriter cannot parse', async () => {
    const cut = jpegWithExif(64, 48, 1).subarray(0, 40);
    expect(await cleanPicture('image/jpeg', cut.length, async () => cut)).toMatchObject({
      kind: 'stays',
      why: 'unreadable',
    });
    const broken = png(10, 10).subarray(0, 30);
    expect(await cleanPicture('image/png', broken.length, async () => broken)).toMatchObject({ why: 'unreadable' });
    const webp = Buffer.from('RIFF\x10\0\0\0WEBPVP8X\xff\xff\xff\xff', 'latin1');
    expect(await cleanPicture('image/webp', webp.length, async () => webp)).toMatchObject({ why: 'unreadable' });
  });

  it('sends anything else as it is, unread', async () => {
    for (const type of ['image/gif', 'application/pdf', 'video/mp4', 'application/octet-stream']) {
      expect(await cleanPicture(type, STRIP_MAX_BYTES * 2, never)).toEqual({ kind: 'as-is' });
    }
  });
});
