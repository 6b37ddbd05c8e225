/**
 * The browser bridge's WebSocket transport: requests { id, command, input } → { id, result },
 * pushed batches { events }. Reconnects with backoff; the event pump then asks for a fresh snapshot.
 */
import type { EventBatch } from '../../../shared/contract';
import { fail, type Result } from '../../../shared/result';
import type { Transport } from './types';

const MAX_BACKOFF_MS = 5000;

type Incoming = { id: number; result: Result<unknown> } | { events: EventBatch };

/** Reads the per-run token from the page URL and removes it from the address bar (the cookie keeps working). */
function takeToken(location: Location): string | null {
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token !== null) {
    params.delete('token');
    const query = params.toString();
    window.history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  }
  return token;
}

export function createBridgeTransport(location: Location): Transport {
  const token = takeToken(location);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  // Without a token in the URL the HttpOnly cookie set by the first page load authenticates us.
  const url = `${scheme}://${location.host}/bridge${token ? `?token=${encodeURIComponent(token)}` : ''}`;

  const pending = new Map<number, (result: Result<unknown>) => void>();
  const eventListeners = new Set<(batch: EventBatch) => void>();
  const linkListeners = new Set<(up: boolean) => void>();
  let socket: WebSocket | null = null;
  let up = false;
  let nextId = 1;
  let failures = 0;

  const setLink = (value: boolean) => {
    if (up === value) return;
    up = value;
    linkListeners.forEach((listener) => listener(value));
  };

  const connect = () => {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
      setLink(true);
    };
    ws.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      let data: Incoming;
      try {
        data = JSON.parse(message.data) as Incoming;
      } catch {
        return;
      }
      if ('events' in data) {
        eventListeners.forEach((listener) => listener(data.events));
      } else if ('id' in data) {
        pending.get(data.id)?.(data.result);
        pending.delete(data.id);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setLink(false);
      for (const resolve of pending.values()) {
        resolve(fail('not_connected', 'app.linkLost'));
      }
      pending.clear();
      const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures);
      failures += 1;
      window.setTimeout(connect, delay);
    };
  };
  connect();

  return {
    invoke(command, input) {
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        return Promise.resolve(fail('not_connected', 'app.linkDown'));
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: Result<unknown>) => void);
        ws.send(JSON.stringify({ id, command, input }));
      });
    },
    onEvents(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onLink(listener) {
      linkListeners.add(listener);
      listener(up);
      return () => linkListeners.delete(listener);
    },
  };
}
