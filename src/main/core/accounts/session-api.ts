/**
 * The interface between the AccountManager and one account's connection (AccountSession in
 * session.ts). Kept in its own file so both sides can be built and tested apart.
 */
import type { ConnectionView } from '../../../shared/contract';
import { type SessionXmpp } from './client';

export interface SessionConfig {
  /** Normalized bare JID of the account. */
  jid: string;
  password: string;
  /** Overrides for the TCP endpoint; null means the JID's domain on 5222. */
  host: string | null;
  port: number | null;
  /** SHA-256 fingerprints ("AB:CD:…") the user chose to trust for this account. */
  pinnedCertificates: string[];
  /** Resource to bind; a random one when absent. */
  resource?: string;
}

export interface SessionOnline {
  xmpp: SessionXmpp;
  boundJid: string;
  /** True when XEP-0198 resumed the previous stream: not a new session, features keep their state. */
  resumed: boolean;
}

export interface SessionHooks {
  /** Once, when the client is created (before any connection): features register their handlers. */
  onClient?(xmpp: SessionXmpp): void;
  /** Every change of the connection state the UI shows. */
  onStatus(view: ConnectionView): void;
  /** The stream is usable: after bind (new session) or after <resumed/>. */
  onOnline(info: SessionOnline): void;
  /** The stream went away (before any reconnect attempt). */
  onOffline(): void;
}

/** What the AccountManager needs from a session; AccountSession implements it. */
export interface SessionHandle {
  start(): void;
  stop(): Promise<void>;
  reconnectNow(): void;
  /** After sleep or a network change: prove the link is alive now, or reconnect. */
  checkAlive(): void;
}

export type SessionFactory = (config: SessionConfig, hooks: SessionHooks) => SessionHandle;
