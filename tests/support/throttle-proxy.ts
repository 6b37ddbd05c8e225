/**
 * A TCP proxy on a loopback port that passes bytes towards its target at a bounded rate, so that an
 * upload through it takes long enough to be watched (its progress bar, a cancel in the middle). It
 * forwards TLS untouched: the client still verifies the real server's certificate. `cut()` drops
 * every connection at once, as a network that goes away does.
 */
import net from 'node:net';

export interface ThrottleProxy {
  readonly port: number;
  /** The port bytes go to (set once the target is listening). */
  target: number;
  /** Bytes per second towards the target. */
  rate: number;
  /** Connections made through it so far. */
  readonly connections: number;
  /** Drops every open connection. */
  cut(): void;
  close(): Promise<void>;
}

/** How often bytes are passed on (each time, the rate's share of them). */
const TICK_MS = 50;
/** Bytes held before the client is no longer read (its buffers then fill, and it waits). */
const HOLD_BYTES = 64 * 1024;

export async function startThrottleProxy(rate = 1024 * 1024): Promise<ThrottleProxy> {
  const open = new Set<net.Socket>();
  let connections = 0;
  const proxy: ThrottleProxy = {
    port: 0,
    target: 0,
    rate,
    get connections() {
      return connections;
    },
    cut() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    close() {
      proxy.cut();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(proxy.target, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
      clearInterval(timer);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.pipe(client);

    // Towards the target: read only what this tick allows, so that the sender's own buffers fill
    // and its progress follows the rate.
    const waiting: Buffer[] = [];
    let queued = 0;
    client.on('data', (chunk: Buffer) => {
      waiting.push(chunk);
      queued += chunk.length;
      if (queued > HOLD_BYTES) client.pause();
    });
    const timer = setInterval(() => {
      let budget = Math.max(1, Math.round((proxy.rate * TICK_MS) / 1000));
      while (budget > 0 && waiting.length > 0) {
        const chunk = waiting[0];
        const part = chunk.subarray(0, budget);
        if (part.length === chunk.length) waiting.shift();
        else waiting[0] = chunk.subarray(budget);
        budget -= part.length;
        queued -= part.length;
        upstream.write(part);
      }
      if (queued <= HOLD_BYTES) client.resume();
    }, TICK_MS);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (proxy as { port: number }).port = (server.address() as net.AddressInfo).port;
  return proxy;
}
