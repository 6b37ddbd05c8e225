import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { isFileAddress, sharesFile } from '../../../../../../src/main/core/features/upload/oob';

const URL = 'https://upload.example/share/abc/holiday.jpg';
const message = (body: string, oob: string | null) =>
  xml(
    'message',
    { type: 'chat' },
    xml('body', {}, body),
    oob === null ? null : xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, oob)),
  );

describe('sharesFile (XEP-0066 on a received message)', () => {
  it('is a file when the body is exactly the jabber:x:oob address', () => {
    expect(sharesFile(message(URL, URL), URL)).toBe(true);
    expect(sharesFile(message(` ${URL}\n`, URL), ` ${URL}\n`)).toBe(true);
    expect(
      sharesFile(
        message('aesgcm://upload.example/x#key', 'aesgcm://upload.example/x#key'),
        'aesgcm://upload.example/x#key',
      ),
    ).toBe(true);
  });

  it('stays text without the element, with other words, or with another address', () => {
    expect(sharesFile(message(URL, null), URL)).toBe(false);
    expect(sharesFile(message(`look: ${URL}`, URL), `look: ${URL}`)).toBe(false);
    expect(sharesFile(message(URL, 'https://elsewhere.example/x.jpg'), URL)).toBe(false);
  });

  it('never for an address we would not fetch', () => {
    for (const bad of [
      'http://upload.example/a.jpg',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'xmpp:a@b',
      'https://user:pw@host/x',
      'https://',
    ]) {
      expect(sharesFile(message(bad, bad), bad)).toBe(false);
      expect(isFileAddress(bad)).toBe(false);
    }
  });
});
