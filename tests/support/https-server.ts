/**
 * A scripted HTTPS server on 127.0.0.1 with a certificate from the test CA, for what a real upload
 * server will not do on request: redirect to http:, send more than it announced, stall, answer a PUT
 * with a redirect. Each test sets `handle`; every request is recorded with its headers and body size.
 * Also a plain HTTP server, to be redirected to.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTestCa, issueServerCert, type TestCa } from './certs';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  /** Body bytes received (PUT), counted as they arrive. */
  received: number;
  /** The request ended (the whole body arrived). */
  complete: boolean;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest) => void;

export interface ScriptedHttps {
  /** https://127.0.0.1:PORT */
  origin: string;
  /** http://127.0.0.1:PORT of the plain server (same handler). */
  plainOrigin: string;
  caPem: string;
  requests: RecordedRequest[];
  handle: Handler;
  close(): Promise<void>;
}

/** Starts the servers, with a certificate from `ca` (e.g. the test XMPP server's) or a CA of their own. */
export async function startScriptedHttps(existingCa?: TestCa): Promise<ScriptedHttps> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-https-'));
  const ca = existingCa ?? (await createTestCa(dir));
  const cert = await issueServerCert(dir, ca, ['localhost']);
  const requests: RecordedRequest[] = [];
  const state: ScriptedHttps = {
    origin: '',
    plainOrigin: '',
    caPem: ca.caPem,
    requests,
    handle: (_req, res) => res.end(),
    close: async () => {},
  };
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      received: 0,
      complete: false,
    };
    requests.push(record);
    req.on('data', (chunk: Buffer) => (record.received += chunk.length));
    req.on('end', () => (record.complete = true));
    state.handle(req, res, record);
  };
  const secure = https.createServer({ key: fs.readFileSync(cert.keyFile), cert: cert.certPem }, listener);
  const plain = http.createServer(listener);
  const listen = (server: http.Server) =>
    new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
    );
  state.origin = `https://127.0.0.1:${await listen(secure)}`;
  state.plainOrigin = `http://127.0.0.1:${await listen(plain)}`;
  state.close = async () => {
    for (const server of [secure, plain]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return state;
}
