/**
 * Minimal type declarations for the @xmpp/* 0.14 packages (they ship none). Only what the core uses;
 * extend as features need more.
 */
declare module '@xmpp/xml' {
  import { EventEmitter } from 'node:events';

  export type Child = Element | string;
  export type Attrs = Record<string, string | number | boolean | null | undefined>;

  export class Element {
    constructor(name: string, attrs?: Attrs);
    name: string;
    attrs: Record<string, string>;
    children: Child[];
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getNS(): string | undefined;
    getName(): string;
    attr(name: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    text(): string;
    append(...children: Array<Child | null | undefined | false>): this;
    c(name: string, attrs?: Attrs): Element;
    t(text: string): this;
    up(): Element;
    toString(): string;
  }

  export class Parser extends EventEmitter {
    write(data: string): void;
    end(data?: string): void;
    /** The stream header's element, and the element being built (null between stanzas: the root). */
    root: Element | null;
    cursor: Element | null;
    /** Called by ltx for each start tag: opens an element under the cursor. */
    onStartElement(name: string, attrs: Attrs): void;
    /** Called by ltx for each end tag: closes the cursor (a subclass may look at it first). */
    onEndElement(name: string): void;
  }

  export class XMLError extends Error {}

  interface xml {
    (name: string, attrs?: Attrs | null, ...children: Array<Child | null | undefined | false | Array<Child>>): Element;
    Element: typeof Element;
    Parser: typeof Parser;
    XMLError: typeof XMLError;
    escapeXML(s: string): string;
    escapeXMLText(s: string): string;
  }
  const xml: xml;
  export default xml;
}

declare module '@xmpp/jid' {
  export class JID {
    constructor(local: string | null | undefined, domain: string, resource?: string | null);
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    toString(unescape?: boolean): string;
    equals(other: JID): boolean;
    getLocal(unescape?: boolean): string;
    getDomain(): string;
    getResource(): string;
  }
  function jid(address: string): JID;
  function jid(local: string | null, domain: string, resource?: string | null): JID;
  namespace jid {
    export { JID };
    export function equal(a: JID, b: JID): boolean;
  }
  export default jid;
}

declare module '@xmpp/events' {
  import { EventEmitter } from 'node:events';
  export { EventEmitter };
  export class TimeoutError extends Error {}
  export function promise<T = unknown>(
    target: EventEmitter,
    event: string,
    rejectEvent?: string | null,
    timeout?: number,
  ): Promise<T>;
  export function procedure<T = unknown>(
    entity: EventEmitter,
    stanza: import('@xmpp/xml').Element | null,
    handler: (element: import('@xmpp/xml').Element, done: (value?: T) => void) => unknown,
  ): Promise<T>;
  export function delay(ms: number): Promise<void>;
}

declare module '@xmpp/error' {
  import type { Element } from '@xmpp/xml';
  export default class XMPPError extends Error {
    constructor(condition: string, text?: string, application?: Element);
    condition: string;
    text?: string;
    application?: Element;
    element?: Element;
    static fromElement(element: Element): XMPPError;
  }
}

declare module '@xmpp/connection' {
  import { EventEmitter } from 'node:events';
  import type { Element, Parser } from '@xmpp/xml';
  import type { JID } from '@xmpp/jid';
  import type { Socket } from 'node:net';

  export interface ConnectionOptions {
    service?: string;
    domain?: string;
    lang?: string;
    timeout?: number;
  }

  export default class Connection extends EventEmitter {
    constructor(options?: ConnectionOptions);
    jid: JID | null;
    timeout: number;
    options: ConnectionOptions;
    status: string;
    socket: (Socket & { secure?: boolean }) | null;
    parser: Parser | null;
    root: Element | null;
    isSecure(): boolean;
    connect(service: string): Promise<void>;
    open(options: { domain?: string; lang?: string }): Promise<Element>;
    start(): Promise<JID>;
    stop(): Promise<Element | undefined>;
    disconnect(): Promise<Element | undefined>;
    restart(): Promise<Element>;
    send(element: Element): Promise<void>;
    sendMany(elements: Element[]): Promise<void>;
    sendReceive(element: Element, timeout?: number): Promise<Element>;
    write(data: string): Promise<void>;
    hook(event: 'close', handler: () => unknown): void;
    _onData(data: Buffer | string): void;
    _onElement(element: Element): void;
    _attachSocket(socket: Socket): void;
    _detachSocket(): void;
    _status(status: string, ...args: unknown[]): void;
    _jid(id: string): JID;
    _ready(resumed?: boolean): void;
    _streamError(condition: string, children?: Element[]): Promise<unknown>;
    _onSeeOtherHost(error: Error): Promise<void>;
  }
}

declare module '@xmpp/connection/lib/StreamError.js' {
  import XMPPError from '@xmpp/error';
  export default class StreamError extends XMPPError {}
}

declare module '@xmpp/client-core' {
  import Connection from '@xmpp/connection';
  import xml from '@xmpp/xml';
  import jid from '@xmpp/jid';
  export class Client extends Connection {
    transports: unknown[];
  }
  export { xml, jid };
}

declare module '@xmpp/tcp' {
  import type { Client } from '@xmpp/client-core';
  export default function tcp(options: { entity: Client }): void;
}

declare module '@xmpp/middleware' {
  import type { Element } from '@xmpp/xml';
  import type { JID } from '@xmpp/jid';
  import type { Client } from '@xmpp/client-core';

  export interface Context {
    stanza: Element;
    entity: Client;
    name: string;
    id: string;
    type: string;
    from: JID | null;
    to: JID | null;
    local: string;
    domain: string;
    resource: string;
    element?: Element;
  }
  export type Next = () => Promise<unknown>;
  export type Handler = (ctx: Context, next: Next) => unknown;
  export interface Middleware {
    use(fn: Handler): Handler;
    filter(fn: Handler): Handler;
  }
  export default function middleware(options: { entity: Client }): Middleware;
}

declare module '@xmpp/stream-features' {
  import type { Element } from '@xmpp/xml';
  import type { Middleware, Context, Next } from '@xmpp/middleware';
  export interface StreamFeatures {
    use(name: string, xmlns: string, handler: (ctx: Context, next: Next, feature: Element) => unknown): unknown;
  }
  export default function streamFeatures(options: { middleware: Middleware }): StreamFeatures;
}

declare module '@xmpp/iq/caller.js' {
  import type { Element } from '@xmpp/xml';
  import type { Middleware } from '@xmpp/middleware';
  import type { Client } from '@xmpp/client-core';
  export interface IQCaller {
    request(stanza: Element, timeout?: number): Promise<Element>;
    get(element: Element, to?: string, timeout?: number): Promise<Element>;
    set(element: Element, to?: string, timeout?: number): Promise<Element>;
  }
  export default function iqCaller(options: { middleware: Middleware; entity: Client }): IQCaller;
}

declare module '@xmpp/iq/callee.js' {
  import type { Element } from '@xmpp/xml';
  import type { Middleware, Context, Next } from '@xmpp/middleware';
  import type { Client } from '@xmpp/client-core';
  export type IQHandler = (ctx: Context & { element: Element }, next: Next) => unknown;
  export interface IQCallee {
    get(ns: string, name: string, handler: IQHandler): void;
    set(ns: string, name: string, handler: IQHandler): void;
  }
  export default function iqCallee(options: { middleware: Middleware; entity: Client }): IQCallee;
}

declare module '@xmpp/sasl/lib/SASLError.js' {
  import XMPPError from '@xmpp/error';
  export default class SASLError extends XMPPError {}
}

declare module '@xmpp/stream-management' {
  import { EventEmitter } from 'node:events';
  import type { Element } from '@xmpp/xml';
  import type { StreamFeatures } from '@xmpp/stream-features';
  import type { Middleware } from '@xmpp/middleware';
  import type { Client } from '@xmpp/client-core';
  export const NS: 'urn:xmpp:sm:3';
  export interface StreamManagement extends EventEmitter {
    enabled: boolean;
    enableSent: boolean;
    id: string;
    inbound: number;
    outbound: number;
    outbound_q: Array<{ stanza: Element; stamp: string }>;
    max: string | null;
    preferredMaximum: number | null;
    timeout: number;
    requestAckInterval: number;
    requestAckDebounce: number;
  }
  export default function streamManagement(options: {
    streamFeatures: StreamFeatures;
    entity: Client;
    middleware: Middleware;
    bind2?: unknown;
    sasl2?: unknown;
  }): StreamManagement;
}
