// Shared parts of the desktop end-to-end tests: the real outpostd (started, stopped,
// restarted on the same port and data folder), the API as a supervisor would call it,
// and headless Debian Chromium driven by playwright-core.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const clientDir = join(repo, 'agent-client');
const require = createRequire(join(clientDir, 'package.json'));
export const { chromium } = require('playwright-core');

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

// A bounded wait: polls `fn` until it returns a truthy value or `ms` pass.
export async function until(what, fn, ms = 15000, every = 100) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last})`);
}

export class Daemon {
  constructor(binary, extraArgs = []) {
    this.binary = binary;
    this.extraArgs = extraArgs; // more --set options for outpostd
    this.dataDir = mkdtempSync(join(tmpdir(), 'outpost-e2e-'));
    this.port = 0;
    this.logins = {};
    this.proc = null;
    this.output = '';
  }

  async start() {
    const args = [
      '--data-dir', this.dataDir,
      '--listen', `127.0.0.1:${this.port}`,
      '--demo',
      '--set', 'auth.pbkdf2_iterations=1000',
      '--set', `http.static_dir=${join(clientDir, 'dist')}`,
      '--set', 'log.level=warning',
      // The shipped IVR flow: its articles are the knowledge base the desktop searches.
      '--set', `ivr.flow=${join(clientDir, '..', 'models', 'ivr', 'bank.flow.json')}`,
      '--set', `ivr.training_data=${join(clientDir, '..', 'models', 'ivr', 'bank.train.tsv')}`,
      ...this.extraArgs,
    ];
    const proc = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    let out = '';
    proc.stdout.on('data', (d) => { out += d; this.output += d; });
    proc.stderr.on('data', (d) => { this.output += d; });
    const exited = new Promise((r) => proc.on('exit', (code) => r(code)));
    this.exited = exited;
    const url = await Promise.race([
      until('outpostd to listen', () => /listening on (http:\/\/\S+)/.exec(out)?.[1], 30000),
      exited.then((code) => { throw new Error(`outpostd exited with ${code}:\n${this.output}`); }),
    ]);
    this.base = url;
    this.port = Number(new URL(url).port);
    for (const m of out.matchAll(/demo login: (\S+) (\S+) (\S+)/g)) this.logins[m[1]] = m[2];
    return this;
  }

  async stop() {
    if (!this.proc) return;
    const proc = this.proc;
    this.proc = null;
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 15000);
    await this.exited;
    clearTimeout(killer);
  }

  async restart() {
    await this.stop();
    return this.start();
  }

  async cleanup() {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  // A logged-in API client (bearer token).
  async api(username) {
    const res = await fetch(`${this.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: this.logins[username] }),
    });
    if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
    const { token } = await res.json();
    const call = async (method, path, body) => {
      const r = await fetch(`${this.base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    return { call };
  }
}

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export async function login(page, base, username, password) {
  await page.goto(base + '/');
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole('button', { name: /登录|Sign in/ }).click();
}

// Screenshots go to `dir`; with OUTPOST_UPDATE_SCREENSHOTS=1 also to docs/screenshots.
export function screenshotter(dir) {
  mkdirSync(dir, { recursive: true });
  return async (page, name) => {
    await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  };
}

export function publishScreenshots(dir) {
  if (process.env.OUTPOST_UPDATE_SCREENSHOTS !== '1') return;
  const docs = join(repo, 'docs', 'screenshots');
  mkdirSync(docs, { recursive: true });
  for (const f of readdirSync(dir)) if (f.endsWith('.png')) copyFileSync(join(dir, f), join(docs, f));
}

let failures = 0;
export async function check(what, fn) {
  const started = Date.now();
  try {
    await fn();
    console.log(`ok   ${what} (${Date.now() - started} ms)`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${what}: ${e.stack ?? e}`);
    throw e;
  }
}
export const failed = () => failures;

// Every control on the page has an accessible name (label, aria-label or text).
export async function unlabelledControls(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll('button, select, input, textarea')]
      .filter((el) => {
        const text = el.tagName === 'BUTTON' ? el.textContent : '';
        const name = el.getAttribute('aria-label') || (el.labels && [...el.labels].map((l) => l.textContent).join('')) || text;
        return !name || !name.trim();
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}

// Runs one end-to-end script (`node <name>.mjs <outpostd> [screenshot dir]`): starts
// outpostd (with `extraArgs`) and Chromium, runs `body({ daemon, base, browser, shot })`
// under a 240 s watchdog, publishes the screenshots when asked, cleans up, and exits 0
// only when every check passed.
export async function runFlow(name, extraArgs, body) {
  const [binary, shotsDir = 'e2e-screenshots'] = process.argv.slice(2);
  if (!binary) {
    console.error(`usage: ${name}.mjs <outpostd> [screenshot dir]`);
    process.exit(2);
  }
  const daemon = new Daemon(binary, extraArgs);
  const shot = screenshotter(shotsDir);
  let browser;
  let code = 0;
  const watchdog = setTimeout(() => {
    console.error(`${name}: overall time limit (240 s) reached`);
    process.exit(1);
  }, 240000);
  try {
    await daemon.start();
    browser = await launch();
    await body({ daemon, base: daemon.base, browser, shot });
    publishScreenshots(shotsDir);
  } catch (e) {
    code = 1;
    console.log(`outpostd output:\n${daemon.output.slice(-4000)}`);
  } finally {
    if (browser) await browser.close().catch(() => undefined);
    await daemon.cleanup();
    clearTimeout(watchdog);
  }
  console.log(code === 0 ? `${name}: all checks passed` : `${name}: FAILED`);
  process.exit(code);
}
