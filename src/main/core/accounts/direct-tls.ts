/**
 * Direct TLS (XEP-0368): TLS from the first byte, found through `_xmpps-client._tcp` SRV records,
 * preferred over STARTTLS when the server offers it at the same or a better priority, with ALPN
 * `xmpp-client` and the same certificate rules as STARTTLS (tls.ts: SNI and verification against
 * the account's domain, pins).
 *
 * Two parts for the session: `Endpoints` picks where to connect (`xmpps://host:port` for Direct
 * TLS, `xmpp://host:port` for STARTTLS) and moves on to the next candidate when a Direct TLS
 * endpoint cannot be reached; `useDirectTls` adds an xmpp.js transport for `xmpps:` whose socket is
 * the verified TLS socket, so the stream's first features come over TLS and STARTTLS is skipped.
 */
import { promises as dns, type SrvRecord } from 'node:dns';
import { EventEmitter } from 'node:events';
import type { TLSSocket } from 'node:tls';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import type { Client } from '@xmpp/client-core';
import { withTimeout } from '../util/with-timeout';
import type { TlsVerifier } from './tls';

export const SRV_DIRECT_TLS = '_xmpps-client._tcp';
export const SRV_STARTTLS = '_xmpp-client._tcp';

export interface Endpoint {
  host: string;
  port: number;
  directTls: boolean;
}

export type SrvLookup = (name: string) => Promise<SrvRecord[]>;

/** The service URL xmpp.js connects to for an endpoint. */
export function serviceOf(endpoint: Endpoint): string {
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `${endpoint.directTls ? 'xmpps' : 'xmpp'}://${host}:${endpoint.port}`;
}

async function lookup(resolve: SrvLookup, name: string): Promise<SrvRecord[]> {
  try {
    const records = await withTimeout(resolve(name), 5_000);
    // A target of "." means the service is decidedly not available (RFC 2782).
    return records.filter((record) => record.name && record.name !== '.' && record.port > 0);
  } catch {
    return [];
  }
}

/**
 * Every endpoint of `domain` in the order to try them: SRV records of both kinds merged by priority
 * (Direct TLS first at equal priority), then weight; without any record, the domain on 5222 (STARTTLS).
 */
export async function resolveEndpoints(domain: string, resolve: SrvLookup = dns.resolveSrv): Promise<Endpoint[]> {
  const [direct, starttls] = await Promise.all([
    lookup(resolve, `${SRV_DIRECT_TLS}.${domain}`),
    lookup(resolve, `${SRV_STARTTLS}.${domain}`),
  ]);
  const records = [
    ...direct.map((record) => ({ record, directTls: true })),
    ...starttls.map((record) => ({ record, directTls: false })),
  ].sort(
    (a, b) =>
      a.record.priority - b.record.priority ||
      Number(b.directTls) - Number(a.directTls) ||
      b.record.weight - a.record.weight,
  );
  const endpoints = records.map(({ record, directTls }) => ({
    host: record.name.replace(/\.$/, ''),
    port: record.port,
    directTls,
  }));
  return endpoints.length > 0 ? endpoints : [{ host: domain, port: 5222, directTls: false }];
}

/**
 * Where one session connects, attempt after attempt: a configured host or port is used as it is
 * (STARTTLS); otherwise the SRV endpoints, staying with the one that worked and moving on past a
 * Direct TLS endpoint that could not be reached.
 */
export class Endpoints {
  private skip = 0;

  constructor(
    private readonly domain: string,
    private readonly configured: { host: string | null; port: number | null },
    private readonly resolveSrv: boolean,
    private readonly srvLookup: SrvLookup = dns.resolveSrv,
  ) {}

  async next(): Promise<Endpoint> {
    const { host, port } = this.configured;
    if (host || port) return { host: host ?? this.domain, port: port ?? 5222, directTls: false };
    if (!this.resolveSrv) return { host: this.domain, port: 5222, directTls: false };
    const endpoints = await resolveEndpoints(this.domain, this.srvLookup);
    return endpoints[this.skip % endpoints.length];
  }

  /** A Direct TLS endpoint could not be reached: the next attempt tries the next one. */
  unreachable(): void {
    this.skip++;
  }
}

/**
 * The socket xmpp.js gets for `xmpps:`: a stand-in that connects by making the verified TLS
 * connection, then passes the TLS socket's events and calls through. It reports itself secure.
 */
class DirectTlsSocket extends EventEmitter {
  readonly secure = true;
  /** TLS from the first byte: this connection never saw STARTTLS. */
  readonly directTls = true;
  private tls: TLSSocket | null = null;
  private done = false;

  constructor(
    private readonly connectTls: (host: string, port: number) => Promise<TLSSocket>,
    private readonly onUnreachable: () => void,
  ) {
    super();
  }

  get closed(): boolean {
    return this.done || (this.tls?.closed ?? false);
  }

  get destroyed(): boolean {
    return this.done || (this.tls?.destroyed ?? false);
  }

  connect({ host, port }: { host: string; port: number }): this {
    this.connectTls(host, port).then(
      (socket) => {
        if (this.done) return void socket.destroy();
        this.tls = socket;
        socket.on('data', (data) => this.emit('data', data));
        socket.on('error', (error) => this.emit('error', error));
        socket.on('drain', () => this.emit('drain'));
        socket.on('close', (hadError) => this.finish(hadError));
        this.emit('connect');
      },
      (error: unknown) => {
        if ((error as { name?: string })?.name !== 'SessionFailure') this.onUnreachable();
        this.emit('error', error);
        this.finish(true);
      },
    );
    return this;
  }

  write(data: string | Uint8Array, callback?: (error?: Error | null) => void): boolean {
    if (!this.tls) {
      callback?.(new Error('not connected'));
      return false;
    }
    return this.tls.write(data, callback);
  }

  end(data?: string): this {
    if (this.tls) {
      if (data === undefined) this.tls.end();
      else this.tls.end(data);
    } else this.finish(false);
    return this;
  }

  destroy(): this {
    if (this.tls) this.tls.destroy();
    else this.finish(false);
    return this;
  }

  pause(): this {
    this.tls?.pause();
    return this;
  }

  resume(): this {
    this.tls?.resume();
    return this;
  }

  private finish(hadError: boolean): void {
    if (this.done) return;
    this.done = true;
    this.emit('close', hadError);
  }
}

/**
 * Adds the `xmpps:` transport to a client (before @xmpp/tcp's `xmpp:` one): its connections are TLS
 * from the first byte, verified by `verifier`; `onVerified` runs for each (the session may then
 * authenticate), `onUnreachable` when one could not be reached at all.
 */
export function useDirectTls(
  entity: Client,
  verifier: TlsVerifier,
  hooks: { onVerified: () => void; onUnreachable: () => void },
): void {
  const connectTls = async (host: string, port: number) => {
    const socket = await verifier.connect({ host, port });
    hooks.onVerified();
    return socket;
  };
  class DirectTlsConnection extends ConnectionTCP {
    override socketParameters(service: string): { host: string; port: number } | undefined {
      const match = /^xmpps:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})$/.exec(service);
      if (!match) return undefined;
      return { host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) };
    }
  }
  Object.assign(DirectTlsConnection.prototype, {
    Socket: class extends DirectTlsSocket {
      constructor() {
        super(connectTls, hooks.onUnreachable);
      }
    },
  });
  entity.transports.unshift(DirectTlsConnection);
}
