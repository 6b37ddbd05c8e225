import xml from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { fileMetadataElement, readFileMetadata } from '../../../../../../src/main/core/features/upload/file-metadata';
import { sharedFileOf } from '../../../../../../src/main/core/features/upload/oob';

const URL = 'https://upload.example/share/abc/report.pdf';
const NS = 'urn:xmpp:file:metadata:0';

function fileElement(fields: Record<string, string>) {
  return xml('file', { xmlns: NS }, ...Object.entries(fields).map(([name, value]) => xml(name, {}, value)));
}

const message = (...children: ReturnType<typeof xml>[]) =>
  xml(
    'message',
    { type: 'chat' },
    xml('body', {}, URL),
    xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, URL)),
    ...children,
  );

describe('XEP-0446 file metadata on a received file message', () => {
  it('reads name, size and media type beside jabber:x:oob', () => {
    const stanza = message(fileElement({ 'media-type': 'Application/PDF', name: 'report.pdf', size: '1234567' }));
    expect(readFileMetadata(stanza)).toEqual({ name: 'report.pdf', size: 1234567, type: 'application/pdf' });
    expect(sharedFileOf(stanza, URL)).toEqual({
      file: true,
      fileMeta: { name: 'report.pdf', size: 1234567, type: 'application/pdf' },
    });
  });

  it('reads it inside an XEP-0447 file-sharing element', () => {
    const stanza = message(
      xml('file-sharing', { xmlns: 'urn:xmpp:sfs:0' }, fileElement({ size: '42', 'media-type': 'image/png' })),
    );
    expect(readFileMetadata(stanza)).toEqual({ name: null, size: 42, type: 'image/png' });
  });

  it('drops fields that are not right, and keeps the rest', () => {
    const stanza = message(
      fileElement({
        name: '../../etc/\u202Egpj.exe',
        size: '-5',
        'media-type': 'text/html; charset=utf-8',
      }),
    );
    // The name loses its path and its direction override; the negative size and the parameters are refused.
    expect(readFileMetadata(stanza)).toEqual({ name: 'gpj.exe', size: null, type: null });
    expect(readFileMetadata(message(fileElement({ size: '1'.repeat(16) })))).toBeNull();
    expect(readFileMetadata(message(fileElement({ size: '12abc', 'media-type': 'image' })))).toBeNull();
    expect(readFileMetadata(message(fileElement({ name: 'x'.repeat(2000) })))).toBeNull();
    expect(readFileMetadata(message(fileElement({ name: ' . ' })))).toBeNull();
  });

  it('is not read for a message that shares no file, nor from another namespace', () => {
    const text = xml('message', {}, xml('body', {}, 'hello'), fileElement({ size: '10' }));
    expect(sharedFileOf(text, 'hello')).toEqual({ file: false, fileMeta: null });
    const other = message(xml('file', { xmlns: 'urn:example:other' }, xml('size', {}, '10')));
    expect(sharedFileOf(other, URL)).toEqual({ file: true, fileMeta: null });
  });

  it('sends what it reads back', () => {
    const meta = { name: 'holiday.png', size: 2048, type: 'image/png' };
    const element = fileMetadataElement(meta);
    expect(element.toString()).toBe(
      `<file xmlns="${NS}"><media-type>image/png</media-type><name>holiday.png</name><size>2048</size></file>`,
    );
    expect(readFileMetadata(message(element))).toEqual(meta);
    expect(fileMetadataElement({ name: null, size: 7, type: null }).toString()).toBe(
      `<file xmlns="${NS}"><size>7</size></file>`,
    );
  });
});
