/**
 * The process guard (src/main/core/process-guard.ts): a stray rejection is logged, at most once a
 * minute per message with a count of the ones left out, and the process keeps running; an uncaught
 * exception is logged and either kept running or ends the process, as its caller chose.
 */
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/main/core/log';
import { installProcessGuard } from '../../../../src/main/core/process-guard';

function capture() {
  const lines: { level: string; message: string; details: Record<string, unknown> }[] = [];
  const log = createLogger((level, _scope, message, details) => {
    lines.push({ level, message, details: details as Record<string, unknown> });
  }, 'debug');
  return { log, lines };
}

describe('installProcessGuard', () => {
  it('logs a stray rejection once a minute per message, then says how many it left out', () => {
    const { log, lines } = capture();
    const target = new EventEmitter();
    let now = 1_000_000;
    const uninstall = installProcessGuard(log, { onUncaughtException: 'log', target, rateLimit: { now: () => now } });
    const reply = () => Object.assign(new Error('service-unavailable'), { name: 'StanzaError' });
    for (let i = 0; i < 5; i++) target.emit('unhandledRejection', reply(), Promise.resolve());
    target.emit('unhandledRejection', new Error('another'), Promise.resolve());
    expect(lines.map((line) => [line.level, line.message, line.details.message])).toEqual([
      ['error', 'unhandled promise rejection (kept running)', 'service-unavailable'],
      ['error', 'unhandled promise rejection (kept running)', 'another'],
    ]);
    now += 60_000;
    target.emit('unhandledRejection', reply(), Promise.resolve());
    expect(lines[2]).toMatchObject({
      message: 'unhandled promise rejection (kept running) (4 more like it not logged)',
      details: { name: 'StanzaError', message: 'service-unavailable', dropped: 4 },
    });
    uninstall();
    expect(target.listenerCount('unhandledRejection')).toBe(0);
    expect(target.listenerCount('uncaughtException')).toBe(0);
  });

  it('logs an uncaught exception and keeps running, or exits with 1, as asked', () => {
    const { log, lines } = capture();
    const target = new EventEmitter();
    const exits: number[] = [];
    installProcessGuard(log, { onUncaughtException: 'log', target, exit: (code) => exits.push(code) });
    target.emit('uncaughtException', new TypeError('x is undefined'));
    expect(exits).toEqual([]);
    expect(lines.at(-1)).toMatchObject({
      message: 'uncaught exception (kept running)',
      details: { name: 'TypeError' },
    });
    // Installing again replaces the first guard: one pair of handlers.
    installProcessGuard(log, { onUncaughtException: 'exit', target, exit: (code) => exits.push(code) });
    expect(target.listenerCount('uncaughtException')).toBe(1);
    target.emit('uncaughtException', new TypeError('y is undefined'));
    expect(exits).toEqual([1]);
    expect(lines.at(-1)).toMatchObject({
      message: 'uncaught exception; exiting',
      details: { message: 'y is undefined' },
    });
  });
});

describe('a Node process with the guard', () => {
  let dir: string;
  let script: string;

  beforeAll(async () => {
    // A real process: the guard bundled with a script that rejects a promise nobody listens to.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jw-guard-'));
    const entry = path.join(dir, 'entry.ts');
    const src = path.resolve(__dirname, '../../../../src/main/core');
    fs.writeFileSync(
      entry,
      `import { consoleSink, createLogger } from ${JSON.stringify(path.join(src, 'log'))};
       import { installProcessGuard } from ${JSON.stringify(path.join(src, 'process-guard'))};
       if (process.env.GUARD === '1') installProcessGuard(createLogger(consoleSink), { onUncaughtException: 'log' });
       Promise.reject(Object.assign(new Error('service-unavailable'), { name: 'StanzaError' }));
       setTimeout(() => { process.stdout.write('still running\\n'); }, 50);`,
    );
    script = path.join(dir, 'guarded.js');
    await build({ entryPoints: [entry], bundle: true, platform: 'node', outfile: script, logLevel: 'silent' });
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (guard: boolean) =>
    spawnSync(process.execPath, [script], {
      env: { PATH: process.env.PATH, GUARD: guard ? '1' : '0' },
      encoding: 'utf8',
    });

  it('without the guard Node ends the process on the rejection', () => {
    const result = run(false);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
  });

  it('with the guard the process logs the rejection and keeps running', () => {
    const result = run(true);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('still running\n');
    expect(result.stderr).toMatch(/ERROR \[core\] unhandled promise rejection \(kept running\) .*service-unavailable/);
  });
});
