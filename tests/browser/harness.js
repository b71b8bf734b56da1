// What every browser test file shares: the real server on 127.0.0.1 (ASan build, its own SQLite
// file, the demo), Debian's chromium through playwright-core, API calls, and a tiny runner that
// prints "N passed, N failed" for tests/run.sh. Every wait is bounded.
'use strict';
const { chromium } = require('playwright-core');
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = process.env.SKILLSCORE_BIN || path.join(ROOT, 'build', 'asan', 'skillscore');
const SHOTS = path.join(ROOT, 'build', 'screenshots');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const demo = JSON.parse(fs.readFileSync(path.join(ROOT, 'data', 'demo', 'competition.json'), 'utf8'));
const C = '/api/competitions/YN2026';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Starts `skillscore serve --demo`; pass {dir, port} of a stopped server to start it again on
// the same database and address (the pages must find it where they left it); extra: more
// arguments for serve.
async function startServer(prev, extra) {
  const port = prev ? prev.port : await freePort();
  const dir = prev ? prev.dir : fs.mkdtempSync(path.join(os.tmpdir(), 'skillscore-browser-'));
  const proc = spawn(BIN, ['serve', '--demo', '--db', path.join(dir, 'b.db'), '--port', String(port),
    '--static', path.join(ROOT, 'judge-client')].concat(extra || []), { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const base = 'http://127.0.0.1:' + port;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(base + '/api/competitions')).ok) return { proc, base, port, dir, log: () => log }; } catch (e) { /* not yet */ }
    if (proc.exitCode != null) break;
    await sleep(100);
  }
  proc.kill('SIGKILL');
  throw new Error('server did not start: ' + log);
}

// SIGTERM, then insist on a clean exit with no sanitizer report.
async function stopServer(s) {
  if (s.proc.exitCode != null) return;
  const done = new Promise((r) => s.proc.on('exit', (code) => r(code)));
  s.proc.kill('SIGTERM');
  const code = await Promise.race([done, sleep(15000).then(() => 'timeout')]);
  if (code !== 0 || /AddressSanitizer|runtime error/.test(s.log())) throw new Error('server exit ' + code + ': ' + s.log().slice(-2000));
}

async function api(s, method, p, body, token) {
  const r = await fetch(s.base + p, { method, body: body == null ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    headers: token ? { Authorization: 'Bearer ' + token } : {} });
  const text = await r.text();
  let doc = null;
  try { doc = JSON.parse(text); } catch (e) { doc = text; }
  return { status: r.status, doc, headers: r.headers };
}

async function login(s, body) {
  const r = await api(s, 'POST', '/api/login', body);
  if (r.status !== 200 && r.status !== 201) throw new Error('login ' + JSON.stringify(body) + ': ' + JSON.stringify(r));
  return r.doc.token;
}

const adminToken = (s) => login(s, { user: 'admin', password: 'demo-admin' });
const demoPin = (judge) => '2026' + judge.slice(1).padStart(2, '0');

// The drawn numbers of an event's entries that are to be marked (status ok), in number order,
// each with its entry id, from the organizer's view of the sheet. Numbers are drawn at random, so
// a test picks "the first markable number", never a fixed one that may be an absent entry.
async function numbers(s, token, event) {
  const sheet = (await api(s, 'GET', C + '/events/' + event + '/sheet', null, token)).doc;
  return sheet.rows.filter((r) => r.status === 'ok').map((r) => ({ number: r.number, entry: r.entry }))
    .sort((a, b) => a.number.localeCompare(b.number));
}

async function launch() {
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true });
}

// A page that fails the test on any script error.
async function newPage(browser, width, height) {
  const ctx = await browser.newContext({ viewport: { width, height } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(10000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  return page;
}

const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, name + '.png') });

function assert(c, msg) { if (!c) throw new Error('assertion failed: ' + msg); }

// Runs `body(t)` where t(name, fn) runs one test; prints the tally and exits.
function run(body) {
  let passed = 0, failed = 0;
  async function t(name, fn) {
    try { await fn(); passed++; console.log('ok   ' + name); } catch (e) { failed++; console.log('FAIL ' + name + ': ' + (e.stack || e)); }
  }
  body(t).then(() => {
    console.log(passed + ' passed, ' + failed + ' failed');
    process.exit(failed ? 1 : 0);
  }, (e) => {
    console.log('FAIL setup: ' + (e.stack || e));
    console.log(passed + ' passed, ' + (failed + 1) + ' failed');
    process.exit(1);
  });
}

module.exports = { ROOT, SHOTS, C, demo, sleep, freePort, startServer, stopServer, api, login, adminToken, demoPin,
  numbers, launch, newPage, shot, assert, run, uuid: () => crypto.randomUUID() };
