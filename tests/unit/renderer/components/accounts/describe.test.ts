/**
 * A password not kept across a restart is asked for: worded and styled as a request, not as an
 * error; connection changes as they are announced.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionView } from '../../../../../src/shared/contract';
import {
  connectionAnnouncement,
  statusLine,
  statusTone,
} from '../../../../../src/renderer/src/components/accounts/describe';

const waiting: ConnectionView = {
  status: 'error',
  since: 0,
  error: { kind: 'needs-password', reason: 'connection.needsPassword', params: { jid: 'a@b' } },
};
const refused: ConnectionView = {
  status: 'error',
  since: 0,
  error: { kind: 'auth', reason: 'connection.authRefused', params: { condition: 'not-authorized' } },
};

describe('account state words', () => {
  it('asks calmly for a password that was not kept, and keeps a refused one an error', () => {
    expect(statusLine(waiting, 0)).toBe('Waiting for your password');
    expect(statusTone(waiting)).toBe('request');
    expect(statusLine(refused, 0)).toBe('Error: wrong password or sign-in refused');
    expect(statusTone(refused)).toBe('error');
    expect(statusTone({ status: 'online' })).toBe('online');
  });

  it('announces connection changes in a short sentence', () => {
    expect(connectionAnnouncement('Home', { status: 'online', since: 0 })).toBe('Home is online');
    expect(connectionAnnouncement('Home', { status: 'offline', since: 0 })).toBe('Home is offline');
    expect(connectionAnnouncement('Home', { status: 'reconnecting', since: 0 })).toBe(
      'Home lost its connection and is reconnecting',
    );
    expect(connectionAnnouncement('Home', waiting)).toBe('Home is waiting for your password');
    expect(
      connectionAnnouncement('Home', {
        status: 'error',
        since: 0,
        error: { kind: 'unreachable', reason: 'connection.unreachable', params: { code: 'ECONNREFUSED' } },
      }),
    ).toBe('Home could not connect: server unreachable');
  });
});
