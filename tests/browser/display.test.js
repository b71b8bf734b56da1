// The projector display in real headless Chromium against the real server (tests/browser/harness.js).
'use strict';
const H = require('./harness');
const { assert, api, C } = H;

H.run(async (test) => {
  const srv = await H.startServer();
  const browser = await H.launch();
  try {
    const unpublished = new Set();
    for (const e of H.demo.entries) {
      for (const m of e.members) {
        unpublished.add(m.id_number);
        if (e.event !== 'E01') unpublished.add(m.name);
      }
    }
    const page = await H.newPage(browser, 1920, 1080);
    const seen = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => seen.push(String(f.payload))));

    await test('the display shows a mark by blind number within one second, as progress, not a total (1920×1080)', async () => {
      const admin = await H.adminToken(srv);
      const { number, entry } = (await H.numbers(srv, admin, 'E02'))[0];
      const group = H.demo.entries.find((e) => e.id === entry).group;
      await page.goto(srv.base + '/display/?event=E02&group=' + encodeURIComponent(group) + '&rotate=60');
      await page.waitForFunction((g) => document.getElementById('title').textContent.includes('电工 · ' + g), group, { timeout: 10000 });
      await page.waitForFunction(() => document.getElementById('conn').textContent.includes('已连接'), null, { timeout: 10000 });
      const judge = await H.login(srv, { judge: 'J06', pin: H.demoPin('J06') });
      let t0;
      for (const [crit, score] of [['A', 36], ['B', 31.5], ['C', 14], ['D', 9.25]]) {
        t0 = Date.now();
        const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), judge: 'J06', number, criterion: crit, score }, judge);
        assert(r.status === 201, JSON.stringify(r));
      }
      // One judge of five: the hall sees the progress, never that judge's marks as a total
      // (docs/live.md, issue 14).
      await page.waitForFunction((n) => [...document.querySelectorAll('#board tbody tr')]
        .some((tr) => tr.cells[1].textContent === '工位 ' + n && tr.cells[5].textContent === '评分中 1/5' &&
          tr.cells[0].textContent === '—'), number, { timeout: 1000 });
      const took = Date.now() - t0;
      assert(took <= 1000, 'took ' + took + ' ms');
      await H.shot(page, 'display-e02-live');
      const text = await page.evaluate(() => document.body.innerText);
      assert(text.includes('实时成绩 · 未公示'), 'provisional badge');
    });

    await test('the display never shows a name of an unpublished event; published E01 shows names', async () => {
      const text = await page.evaluate(() => document.body.innerText);
      const leaked = [...unpublished].filter((x) => text.includes(x) || seen.some((f) => f.includes(x)));
      assert(leaked.length === 0, 'leaked ' + leaked.slice(0, 5));
      const p2 = await page.context().newPage();
      await p2.goto(srv.base + '/display/?event=E01&group=' + encodeURIComponent('职工组') + '&rotate=60');
      await p2.waitForFunction(() => document.getElementById('state').textContent.includes('已公示'), null, { timeout: 10000 });
      const names = H.demo.entries.filter((e) => e.event === 'E01' && e.group === '职工组').map((e) => e.members[0].name);
      const t2 = await p2.evaluate(() => document.body.innerText);
      assert(names.some((n) => t2.includes(n)), 'a published name is shown');
      await H.shot(p2, 'display-e01-published');
      assert(page.errors.length === 0, page.errors.join('; '));
    });
    await test('封榜: the organizer freezes E02; the public display holds while the organizer page moves; unfreeze releases it', async () => {
      const admin = await H.adminToken(srv);
      const { number } = (await H.numbers(srv, admin, 'E02'))[0];
      const org = await H.newPage(browser, 1366, 768);
      org.on('dialog', (d) => d.accept());
      await org.goto(srv.base + '/admin/');
      await org.fill('#user', 'admin');
      await org.fill('#password', 'demo-admin');
      await org.click('#staffForm button[type=submit]');
      await org.waitForSelector('#eventsTable tr[data-event="E02"] [data-act="freeze"]');
      await org.click('#eventsTable tr[data-event="E02"] [data-act="freeze"]');
      await org.waitForSelector('#eventsTable tr[data-event="E02"] .badge.frozen');
      await page.waitForFunction(() => document.getElementById('state').textContent.startsWith('封榜'), null, { timeout: 2000 });
      const held = await page.evaluate((n) => [...document.querySelectorAll('#board tbody tr')].find((tr) => tr.cells[1].textContent === '工位 ' + n).cells[5].textContent, number);
      assert(held === '评分中 1/5', 'at the freeze: ' + held);
      const judge = await H.login(srv, { judge: 'J07', pin: H.demoPin('J07') });
      for (const [crit, score] of [['A', 35], ['B', 30], ['C', 15], ['D', 9]]) {
        const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), judge: 'J07', number, criterion: crit, score }, judge);
        assert(r.status === 201, JSON.stringify(r));
      }
      // The organizer's page follows /ws and moves ...
      await org.waitForFunction(() => [...document.querySelectorAll('#eventsTable tr[data-event="E02"] .pj')].some((x) => x.textContent === 'J07 4/84'), null, { timeout: 2000 });
      // ... while the hall's screen stays as it was frozen.
      await H.sleep(1000);
      const still = await page.evaluate((n) => [...document.querySelectorAll('#board tbody tr')].find((tr) => tr.cells[1].textContent === '工位 ' + n).cells[5].textContent, number);
      assert(still === '评分中 1/5', 'frozen display moved: ' + still);
      await H.shot(page, 'display-frozen-1920x1080');
      await H.shot(org, 'admin-frozen-moving');
      await org.click('#eventsTable tr[data-event="E02"] [data-act="unfreeze"]');
      await page.waitForFunction((n) => {
        const tr = [...document.querySelectorAll('#board tbody tr')].find((x) => x.cells[1].textContent === '工位 ' + n);
        return tr && tr.cells[5].textContent === '评分中 2/5';
      }, number, { timeout: 2000 });
      assert(!(await page.textContent('#state')).startsWith('封榜'), 'the freeze badge goes');
      assert(org.errors.length === 0 && page.errors.length === 0, org.errors.concat(page.errors).join('; '));
      await org.close();
    });

    await test('before publication: rows in 工位号 order, a complete entry ranked 暂定 with no award, no 更新序号 for the hall', async () => {
      const admin = await H.adminToken(srv);
      const { number, entry } = (await H.numbers(srv, admin, 'E02'))[0];
      const group = H.demo.entries.find((e) => e.id === entry).group;
      // J06 and J07 marked this number above; the other three complete it (its theory is in).
      for (const judge of ['J08', 'J09', 'J10']) {
        const token = await H.login(srv, { judge, pin: H.demoPin(judge) });
        for (const [crit, score] of [['A', 34], ['B', 30], ['C', 14], ['D', 9]]) {
          const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), judge, number, criterion: crit, score }, token);
          assert(r.status === 201, JSON.stringify(r));
        }
      }
      const hall = await H.newPage(browser, 1920, 1080);
      await hall.goto(srv.base + '/display/?event=E02&group=' + encodeURIComponent(group) + '&rotate=60&rows=20');
      await hall.waitForFunction((n) => [...document.querySelectorAll('#board tbody tr')]
        .some((tr) => tr.cells[1].textContent === '工位 ' + n && tr.cells[6].textContent === '暂定'), number, { timeout: 5000 });
      const cells = await hall.$$eval('#board tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      // Every number of the group, ascending: the order of the draw, not of the entry list.
      const sheet = (await api(srv, 'GET', C + '/events/E02/sheet', null, admin)).doc.rows;
      const want = sheet.filter((r) => H.demo.entries.find((e) => e.id === r.entry).group === group).map((r) => r.number).sort();
      const regOrder = H.demo.entries.filter((e) => e.event === 'E02' && e.group === group).map((e) => sheet.find((r) => r.entry === e.id).number);
      const shown = cells.map((c) => c[1].replace('工位 ', ''));
      assert(JSON.stringify(shown) === JSON.stringify(want), 'rows by number: ' + shown + ' want ' + want);
      assert(JSON.stringify(regOrder) !== JSON.stringify(want), 'the draw happens to follow the entry list; the order check would prove nothing');
      // The complete entry: rank 1 among the complete ones, a total, 暂定 in the award column and
      // no award; the others show their progress only.
      const row = cells.find((c) => c[1] === '工位 ' + number);
      assert(row[0] === '1' && /^\d+\.\d\d$/.test(row[5]) && row[6] === '暂定', 'the complete entry: ' + JSON.stringify(row));
      assert(await hall.$eval('#board tbody tr.pending', () => true).catch(() => false), 'others pending');
      for (const c of cells) {
        if (c !== row) assert(c[0] === '—' || c[0] === '取消' || c[0] === '缺考', 'only the complete entry is ranked: ' + JSON.stringify(c));
        assert(c[6] === '' || c[6] === '暂定', 'no award before publication: ' + JSON.stringify(c));
      }
      const text = await hall.evaluate(() => document.body.innerText);
      for (const award of ['金牌', '银牌', '铜牌', '优胜奖', '一等奖', '二等奖', '三等奖']) assert(!text.includes(award), award + ' on the hall screen');
      // The change counter is for staff: not on the hall's screen, only with ?debug=1.
      assert(!text.includes('更新序号') && (await hall.textContent('#seq')) === '', 'no 更新序号 for the hall');
      // Photographed as a hall shows it: the default 9 rows per page (20 do not fit 1080 px).
      await hall.goto(srv.base + '/display/?event=E02&group=' + encodeURIComponent(group) + '&rotate=60');
      await hall.waitForFunction(() => [...document.querySelectorAll('#board tbody tr')].some((tr) => tr.cells[6].textContent === '暂定'), null, { timeout: 5000 });
      await H.shot(hall, 'display-provisional-1920x1080');
      await hall.goto(srv.base + '/display/?event=E02&group=' + encodeURIComponent(group) + '&rotate=60&debug=1');
      await hall.waitForFunction(() => document.getElementById('seq').textContent.startsWith('更新序号 '), null, { timeout: 5000 });
      assert(hall.errors.length === 0, hall.errors.join('; '));
      await hall.context().close();
    });

    await test('a subscription the server refuses is reported in Chinese', async () => {
      const p = await H.newPage(browser, 1920, 1080);
      // The display asks for a competition the server does not have.
      await p.routeWebSocket(/\/ws$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => server.send(String(m).replace(/"subscribe":"[^"]*"/, '"subscribe":"NOPE"')));
      });
      await p.goto(srv.base + '/display/?rotate=60');
      await p.waitForFunction(() => document.getElementById('conn').classList.contains('bad'), null, { timeout: 5000 });
      const conn = await p.textContent('#conn');
      assert(conn === '找不到该赛事，请检查大屏地址中的赛事编号', 'the display says: ' + conn);
      assert(!/[A-Za-z]/.test(await p.evaluate(() => document.body.innerText)), 'no English on the display');
      await H.shot(p, 'display-ws-error-1920x1080');
      await p.context().close();
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
