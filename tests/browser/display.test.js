// The projector display in real headless Chromium (Debian's chromium, driven by playwright-core),
// against the real server on 127.0.0.1 with the demo competition. Prints "N passed, N failed".
'use strict';
const { chromium } = require('playwright-core');
const { spawn } = require('child_process');
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
let passed = 0, failed = 0;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function startServer() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillscore-browser-'));
  const proc = spawn(BIN, ['serve', '--demo', '--db', path.join(dir, 'b.db'), '--port', String(port),
    '--static', path.join(ROOT, 'judge-client')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const base = 'http://127.0.0.1:' + port;
  for (let i = 0; i < 200; i++) {
    try { if ((await fetch(base + '/api/competitions')).ok) return { proc, base, log: () => log }; } catch (e) { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('server did not start: ' + log);
}

async function stopServer(s) {
  const done = new Promise((r) => s.proc.on('exit', (code) => r(code)));
  s.proc.kill('SIGTERM');
  const code = await Promise.race([done, new Promise((r) => setTimeout(() => r('timeout'), 15000))]);
  if (code !== 0 || /AddressSanitizer|runtime error/.test(s.log())) throw new Error('server exit ' + code + ': ' + s.log().slice(-2000));
}

async function api(s, method, p, body, token) {
  const r = await fetch(s.base + p, { method, body: body ? JSON.stringify(body) : undefined,
    headers: token ? { Authorization: 'Bearer ' + token } : {} });
  return { status: r.status, doc: await r.json() };
}

async function test(name, fn) {
  try { await fn(); passed++; console.log('ok   ' + name); } catch (e) { failed++; console.log('FAIL ' + name + ': ' + (e.stack || e)); }
}

function assert(c, msg) { if (!c) throw new Error('assertion failed: ' + msg); }

(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const srv = await startServer();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS, headless: true });
  try {
    const unpublished = new Set();
    for (const e of demo.entries) {
      for (const m of e.members) {
        unpublished.add(m.id_number);
        if (e.event !== 'E01') unpublished.add(m.name);
      }
    }
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await ctx.newPage();
    const seen = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => seen.push(String(f.payload))));

    await test('the display shows a mark by blind number within one second (1920×1080)', async () => {
      // Numbers are drawn at random when the demo starts: find the group of number 01.
      const admin = (await api(srv, 'POST', '/api/login', { user: 'admin', password: 'demo-admin' })).doc.token;
      const sheet = (await api(srv, 'GET', '/api/competitions/YN2026/events/E02/sheet', null, admin)).doc;
      const entry = sheet.rows.find((r) => r.number === '01').entry;
      const group = demo.entries.find((e) => e.id === entry).group;
      await page.goto(srv.base + '/display/?event=E02&group=' + encodeURIComponent(group) + '&rotate=60');
      await page.waitForFunction((g) => document.getElementById('title').textContent.includes('电工 · ' + g), group, { timeout: 10000 });
      await page.waitForFunction(() => document.getElementById('conn').textContent.includes('已连接'), null, { timeout: 10000 });
      const judge = (await api(srv, 'POST', '/api/login', { judge: 'J06', pin: '202606' })).doc.token;
      let t0;
      for (const [crit, score] of [['A', 36], ['B', 31.5], ['C', 14], ['D', 9.25]]) {
        t0 = Date.now();
        const r = await api(srv, 'POST', '/api/competitions/YN2026/marks',
          { id: require('crypto').randomUUID(), judge: 'J06', number: '01', criterion: crit, score }, judge);
        assert(r.status === 201, JSON.stringify(r));
      }
      await page.waitForFunction(() => [...document.querySelectorAll('#board tbody tr')]
        .some((tr) => tr.cells[1].textContent === '工位 01' && tr.cells[0].textContent === '1'), null, { timeout: 1000 });
      const took = Date.now() - t0;
      assert(took <= 1000, 'took ' + took + ' ms');
      await page.screenshot({ path: path.join(SHOTS, 'display-e02-live.png') });
      const text = await page.evaluate(() => document.body.innerText);
      assert(text.includes('实时成绩 · 未公示'), 'provisional badge');
    });

    await test('the display never shows a name of an unpublished event; published E01 shows names', async () => {
      const text = await page.evaluate(() => document.body.innerText);
      const leaked = [...unpublished].filter((x) => text.includes(x) || seen.some((f) => f.includes(x)));
      assert(leaked.length === 0, 'leaked ' + leaked.slice(0, 5));
      const p2 = await ctx.newPage();
      await p2.goto(srv.base + '/display/?event=E01&group=' + encodeURIComponent('职工组') + '&rotate=60');
      await p2.waitForFunction(() => document.getElementById('state').textContent.includes('已公示'), null, { timeout: 10000 });
      const names = demo.entries.filter((e) => e.event === 'E01' && e.group === '职工组').map((e) => e.members[0].name);
      const t2 = await p2.evaluate(() => document.body.innerText);
      assert(names.some((n) => t2.includes(n)), 'a published name is shown');
      await p2.screenshot({ path: path.join(SHOTS, 'display-e01-published.png') });
    });
  } finally {
    await browser.close();
    await stopServer(srv);
  }
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.log('FAIL setup: ' + (e.stack || e)); console.log(passed + ' passed, ' + (failed + 1) + ' failed'); process.exit(1); });
