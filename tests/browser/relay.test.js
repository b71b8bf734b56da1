// The display page served by the public relay (deploy/relay/nginx.conf: nginx + nchan on
// loopback, as tests/server/relayd.py starts it) in real headless Chromium: with no ?relay it
// reads /sub/{c} of the host it came from; ?relay=/sub/… and ?relay=ws://… work too.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const H = require('./harness');
const { assert, api, C } = H;
const NGINX = '/usr/sbin/nginx';

// nginx in a process group of its own (detached), so that stopping it leaves no worker behind.
async function startRelay() {
  const port = await H.freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skillscore-relay-'));
  fs.mkdirSync(path.join(dir, 'tmp'));
  let conf = fs.readFileSync(path.join(H.ROOT, 'deploy', 'relay', 'nginx.conf'), 'utf8')
    .replaceAll('127.0.0.1:8090', '127.0.0.1:' + port)
    .replaceAll('/usr/share/skillscore/judge-client', path.join(H.ROOT, 'judge-client'));
  if (process.geteuid() === 0) conf = 'user root;\n' + conf;   // workers could not write dir as nobody
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const proc = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const r = { proc, port, dir, base: 'http://127.0.0.1:' + port, log: () => log };
  for (let i = 0; i < 100; i++) {
    try { await fetch(r.base + '/display/'); return r; } catch (e) { /* not yet */ }
    if (proc.exitCode != null) break;
    await H.sleep(100);
  }
  await stopRelay(r);
  throw new Error('nginx did not start: ' + log);
}

async function stopRelay(r) {
  if (r.proc.exitCode == null) {
    const done = new Promise((res) => r.proc.on('exit', res));
    r.proc.kill('SIGTERM');   // the master stops its workers and reaps them
    await Promise.race([done, H.sleep(10000)]);
  }
  try { process.kill(-r.proc.pid, 'SIGKILL'); } catch (e) { /* the group is gone: good */ }
  fs.rmSync(r.dir, { recursive: true, force: true });
}

H.run(async (test) => {
  if (!fs.existsSync(NGINX)) throw new Error('nginx is missing: scripts/deps.sh test installs nginx-light');
  const relay = await startRelay();
  let srv = null, browser = null;
  try {
    srv = await H.startServer(null, ['--relay', relay.base + '/pub']);
    browser = await H.launch();
    const admin = await H.adminToken(srv);
    const { number, entry } = (await H.numbers(srv, admin, 'E02'))[0];
    const group = H.demo.entries.find((e) => e.id === entry).group;
    const sel = '&event=E02&group=' + encodeURIComponent(group) + '&rotate=60';

    // Opens url and returns the page once it shows E02's group, with the WebSocket URL it opened.
    async function open(url) {
      const page = await H.newPage(browser, 390, 844);
      const sockets = [];
      page.on('websocket', (ws) => sockets.push(ws.url()));
      await page.goto(url);
      await page.waitForFunction((g) => document.getElementById('title').textContent.includes('电工 · ' + g), group, { timeout: 10000 });
      await page.waitForFunction(() => document.getElementById('conn').textContent.includes('已连接'), null, { timeout: 10000 });
      page.sockets = sockets;
      return page;
    }

    await test('the page served by the relay reads the relay of its own host and follows a mark', async () => {
      const page = await open(relay.base + '/display/?c=YN2026' + sel);
      assert(page.sockets.length === 1 && page.sockets[0] === 'ws://127.0.0.1:' + relay.port + '/sub/YN2026', page.sockets.join(' '));
      const judge = await H.login(srv, { judge: 'J06', pin: H.demoPin('J06') });
      for (const [crit, score] of [['A', 36], ['B', 31.5], ['C', 14], ['D', 9.25]]) {
        const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), judge: 'J06', number, criterion: crit, score }, judge);
        assert(r.status === 201, JSON.stringify(r));
      }
      await page.waitForFunction((n) => [...document.querySelectorAll('#board tbody tr')]
        .some((tr) => tr.cells[1].textContent === '工位 ' + n && tr.cells[5].textContent === '评分中 1/5'), number, { timeout: 5000 });
      await H.shot(page, 'display-from-relay-390x844');
      assert(page.errors.length === 0, page.errors.join('; '));
      await page.close();
    });

    await test('?relay=/sub/YN2026 on the relay, and ?relay=ws://RELAY/sub/YN2026 on the venue, show the same', async () => {
      for (const [url, want] of [
        [relay.base + '/display/?relay=/sub/YN2026' + sel, 'ws://127.0.0.1:' + relay.port + '/sub/YN2026'],
        [srv.base + '/display/?relay=' + encodeURIComponent('ws://127.0.0.1:' + relay.port + '/sub/YN2026') + sel,
          'ws://127.0.0.1:' + relay.port + '/sub/YN2026']]) {
        const page = await open(url);
        assert(page.sockets[0] === want, url + ': ' + page.sockets.join(' '));
        await page.waitForFunction((n) => [...document.querySelectorAll('#board tbody tr')]
          .some((tr) => tr.cells[1].textContent === '工位 ' + n && tr.cells[5].textContent === '评分中 1/5'), number, { timeout: 5000 });
        assert(page.errors.length === 0, page.errors.join('; '));
        await page.close();
      }
    });

    await test('without ?c the relay\'s page says what is missing', async () => {
      const page = await H.newPage(browser, 390, 844);
      await page.goto(relay.base + '/display/');
      await page.waitForFunction(() => document.getElementById('comp').textContent.includes('?c='), null, { timeout: 10000 });
      assert(page.errors.length === 0, page.errors.join('; '));
      await page.close();
    });
  } finally {
    if (browser) await browser.close();
    try {
      if (srv) await H.stopServer(srv);
    } finally {
      await stopRelay(relay);
    }
  }
});
