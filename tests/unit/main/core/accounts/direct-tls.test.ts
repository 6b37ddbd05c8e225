/**
 * Where a session connects (XEP-0368): Direct TLS and STARTTLS SRV records merged by priority, Direct
 * TLS first at equal priority, a configured host as it is, and the next endpoint after a Direct TLS
 * one that could not be reached.
 */
import type { SrvRecord } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  Endpoints,
  resolveEndpoints,
  serviceOf,
  type SrvLookup,
} from '../../../../../src/main/core/accounts/direct-tls';

function lookup(records: Record<string, SrvRecord[]>): SrvLookup & { asked: string[] } {
  const asked: string[] = [];
  const fn = async (name: string) => {
    asked.push(name);
    const found = records[name];
    if (!found) throw Object.assign(new Error('no record'), { code: 'ENOTFOUND' });
    return found;
  };
  return Object.assign(fn, { asked });
}

const srv = (name: string, port: number, priority = 10, weight = 0): SrvRecord => ({ name, port, priority, weight });

describe('endpoints', () => {
  it('puts Direct TLS first at equal priority, and orders by priority then weight', async () => {
    const resolve = lookup({
      '_xmpps-client._tcp.example.org': [srv('tls.example.org', 443, 10), srv('far.example.org', 5223, 20)],
      '_xmpp-client._tcp.example.org': [srv('xmpp.example.org.', 5222, 10, 5), srv('best.example.org', 5222, 5)],
    });
    expect(await resolveEndpoints('example.org', resolve)).toEqual([
      { host: 'best.example.org', port: 5222, directTls: false },
      { host: 'tls.example.org', port: 443, directTls: true },
      { host: 'xmpp.example.org', port: 5222, directTls: false },
      { host: 'far.example.org', port: 5223, directTls: true },
    ]);
    expect(resolve.asked.sort()).toEqual(['_xmpp-client._tcp.example.org', '_xmpps-client._tcp.example.org']);
  });

  it('falls back to the domain on 5222 without records, and ignores "." targets', async () => {
    expect(await resolveEndpoints('example.org', lookup({}))).toEqual([
      { host: 'example.org', port: 5222, directTls: false },
    ]);
    const none = lookup({ '_xmpps-client._tcp.example.org': [srv('.', 0)] });
    expect(await resolveEndpoints('example.org', none)).toEqual([
      { host: 'example.org', port: 5222, directTls: false },
    ]);
  });

  it('uses a configured host or port as it is (STARTTLS), without asking DNS', async () => {
    const resolve = lookup({});
    const endpoints = new Endpoints('example.org', { host: '127.0.0.1', port: null }, true, resolve);
    expect(serviceOf(await endpoints.next())).toBe('xmpp://127.0.0.1:5222');
    expect(resolve.asked).toEqual([]);
    expect(serviceOf({ host: '::1', port: 5223, directTls: true })).toBe('xmpps://[::1]:5223');
  });

  it('moves past a Direct TLS endpoint that could not be reached', async () => {
    const endpoints = new Endpoints(
      'example.org',
      { host: null, port: null },
      true,
      lookup({
        '_xmpps-client._tcp.example.org': [srv('tls.example.org', 5223)],
        '_xmpp-client._tcp.example.org': [srv('xmpp.example.org', 5222)],
      }),
    );
    expect(serviceOf(await endpoints.next())).toBe('xmpps://tls.example.org:5223');
    expect(serviceOf(await endpoints.next())).toBe('xmpps://tls.example.org:5223');
    endpoints.unreachable();
    expect(serviceOf(await endpoints.next())).toBe('xmpp://xmpp.example.org:5222');
  });
});
