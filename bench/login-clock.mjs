/**
 * A preload for the side-by-side bench (`NODE_OPTIONS=--import bench/login-clock.mjs`), the same for
 * every client and every build: with BENCH_LOGIN_FILE set, it notes the wall time and the process's
 * CPU time (all threads, user + system) when the client first connects a socket, when it writes its
 * roster request, and when it writes its answer to the server's final ping (replay-server.mjs,
 * `final-ping-N`), and writes them there as JSON when the process exits. It prints nothing.
 */
import fs from 'node:fs';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';

const file = process.env.BENCH_LOGIN_FILE;
if (file) {
  const marks = {};
  const mark = (name) => {
    if (marks[`${name}At`] !== undefined) return;
    const usage = process.cpuUsage();
    marks[`${name}At`] = performance.now();
    marks[`${name}CpuMs`] = (usage.user + usage.system) / 1000;
  };
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    mark('connect');
    return connect.apply(this, args);
  };
  // Every client writes its stanzas to the TLS socket as text.
  const write = tls.TLSSocket.prototype.write;
  tls.TLSSocket.prototype.write = function (chunk, ...rest) {
    if (typeof chunk === 'string') {
      if (chunk.includes('jabber:iq:roster')) mark('rosterRequest');
      if (chunk.includes('final-ping-')) mark('pong');
    }
    return write.call(this, chunk, ...rest);
  };
  process.on('exit', () => fs.writeFileSync(file, JSON.stringify(marks)));
}
