// The judge tablet (/judge/) in real headless Chromium at 1024×768 against the real server:
// marking reaches a display within a second, marks typed while the server is down arrive once
// when it is back, and bad scores are refused in the page before anything is sent.
'use strict';
const H = require('./harness');
const { assert, api, C } = H;

// Signs a judge in on the tablet and waits for the entry tiles.
async function signIn(page, base, judge, pin, comp) {
  await page.goto(base + '/judge/' + (comp ? '?c=' + comp : ''));
  await page.waitForSelector('#comp option', { state: 'attached' });
  await page.fill('#code', judge);
  await page.fill('#pin', pin);
  await page.click('#signIn');
  await page.waitForSelector('#entries li[data-number]', { timeout: 10000 });
}

// Opens an entry and types each [criterion index, text] on the on-screen keypad.
async function typeMarks(page, number, marks) {
  await page.click(`#entries li[data-number="${number}"]`);
  await page.waitForSelector('#sheet:not([hidden]) #criteria li');
  for (const [i, text] of marks) {
    await page.click(`#criteria li:nth-child(${i + 1})`);
    for (const k of text) await page.click(`#keypad [data-key="${k}"]`);
  }
}

async function submit(page) {
  await page.click('#review');
  await page.waitForSelector('#dialog:not([hidden])');
  await page.click('#dialogOk');
}

// The admin's view of one entry's marks by this judge, and the audit rows that stored them.
async function stored(srv, admin, entry, judge) {
  const sheet = (await api(srv, 'GET', C + '/events/E02/sheet', null, admin)).doc;
  const row = sheet.rows.find((r) => r.entry === entry);
  const marks = {};
  for (const [crit, per] of Object.entries(row.marks)) if (per[judge] != null) marks[crit] = per[judge];
  const audit = (await api(srv, 'GET', C + '/audit', null, admin)).doc.audit;
  const rows = audit.filter((a) => a.action === 'mark' && a.detail && a.detail.entry === entry && a.detail.judge === judge);
  return { marks, auditRows: rows.length };
}

H.run(async (test) => {
  let srv = await H.startServer();
  const browser = await H.launch();
  try {
    const admin = await H.adminToken(srv);
    const nums = await H.numbers(srv, admin, 'E02');
    const tablet = await H.newPage(browser, 1024, 768);

    await test('a judge marks an entry on a 1024×768 tablet and a display shows the progress within one second', async () => {
      const { number, entry } = nums[0];
      const group = H.demo.entries.find((e) => e.id === entry).group;
      const display = await H.newPage(browser, 1920, 1080);
      await display.goto(srv.base + '/display/?event=E02&group=' + encodeURIComponent(group) + '&rotate=60');
      await display.waitForFunction(() => document.getElementById('conn').textContent.includes('已连接'), null, { timeout: 10000 });

      await signIn(tablet, srv.base, 'J07', H.demoPin('J07'));
      await H.shot(tablet, 'judge-list-1024x768');
      await typeMarks(tablet, number, [[0, '38'], [1, '30.5'], [2, '12.25'], [3, '9']]);
      await H.shot(tablet, 'judge-sheet-1024x768');
      await tablet.click('#review');
      await tablet.waitForSelector('#dialog:not([hidden])');
      await H.shot(tablet, 'judge-review-1024x768');
      const t0 = Date.now();
      await tablet.click('#dialogOk');
      // One judge of five has marked: the hall sees how far the judges are, never this judge's
      // marks as a total (docs/live.md); the organizer's results carry the provisional total.
      await display.waitForFunction((n) => [...document.querySelectorAll('#board tbody tr')]
        .some((tr) => tr.cells[1].textContent === '工位 ' + n && tr.cells[5].textContent === '评分中 1/5'), number, { timeout: 1000 });
      const took = Date.now() - t0;
      assert(took <= 1000, 'took ' + took + ' ms');
      const shownText = await display.evaluate(() => document.querySelector('#board').innerText);
      const results = (await api(srv, 'GET', C + '/results', null, admin)).doc;
      const row = results.rankings.find((g) => g.event === 'E02' && g.group === group).entries.find((e) => e.entry === entry);
      assert(row.total && !shownText.includes(row.total), 'the hall must not see the partial total ' + row.total);
      await tablet.waitForFunction(() => document.querySelectorAll('#criteria li[data-state="saved"]').length === 4, null, { timeout: 5000 });
      await H.shot(tablet, 'judge-saved-1024x768');
      const s = await stored(srv, admin, entry, 'J07');
      assert(JSON.stringify(s.marks) === JSON.stringify({ A: '38.00', B: '30.50', C: '12.25', D: '9.00' }), JSON.stringify(s.marks));
      assert(s.auditRows === 4, 'audit rows ' + s.auditRows);
      await H.shot(display, 'display-after-tablet');
      assert(tablet.errors.length === 0 && display.errors.length === 0, tablet.errors.concat(display.errors).join('; '));
      await display.context().close();
    });

    await test('marks typed while the server is down are kept and arrive exactly once after it restarts', async () => {
      await tablet.click('#back');
      await H.stopServer(srv);
      await typeMarks(tablet, nums[1].number, [[0, '35.5'], [1, '28']]);
      await submit(tablet);
      await tablet.waitForFunction(() => document.getElementById('net').textContent.includes('离线') &&
        document.getElementById('queue').textContent.includes('2 条待发送'), null, { timeout: 10000 });
      const kept = await tablet.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith('.queue'))
        .map((k) => JSON.parse(localStorage[k]).length));
      assert(JSON.stringify(kept) === '[2]', 'queue in localStorage ' + kept);
      await H.shot(tablet, 'judge-offline-1024x768');
      srv = await H.startServer(srv);
      await tablet.waitForFunction(() => document.getElementById('queue').textContent.includes('全部已保存'), null, { timeout: 15000 });
      // A few more retry periods: nothing may be sent again.
      await H.sleep(4500);
      const admin2 = await H.adminToken(srv);
      const s = await stored(srv, admin2, nums[1].entry, 'J07');
      assert(JSON.stringify(s.marks) === JSON.stringify({ A: '35.50', B: '28.00' }), JSON.stringify(s.marks));
      assert(s.auditRows === 2, 'audit rows ' + s.auditRows);
      assert(await tablet.evaluate(() => document.querySelectorAll('#criteria li[data-state="saved"]').length) === 2, 'both shown saved');
    });

    await test('101 on a max-100 criterion and three decimals are refused in the page with a message; nothing is sent', async () => {
      // A small competition with one criterion worth 100, its own judge and drawn numbers.
      const tiny = {
        format: 'skillscore/1',
        competition: { id: 'TINY', name: '测试赛', class: 'enterprise' },
        events: [{ id: 'T1', name: '钳工', criteria: [{ id: 'A', name: '综合操作', max: 100 }] }],
        judges: [{ id: 'J1', name: '测试裁判', events: ['T1'] }],
        entries: ['1', '2'].map((i) => ({ id: 'T1-' + i, event: 'T1', members: [{ id: 'P' + i, name: '选手' + i, level: null }] })),
      };
      const admin3 = await H.adminToken(srv);
      assert((await api(srv, 'POST', '/api/competitions', tiny, admin3)).status === 201, 'import');
      assert((await api(srv, 'POST', '/api/competitions/TINY/events/T1/draw', {}, admin3)).status === 200, 'draw');
      const pin = (await api(srv, 'POST', '/api/competitions/TINY/judges/J1/pin', {}, admin3)).doc.pin;
      const page = await H.newPage(browser, 1024, 768);
      await signIn(page, srv.base, 'J1', pin, 'TINY');
      await typeMarks(page, '01', [[0, '101']]);
      const err = () => page.evaluate(() => (document.querySelector('#criteria li .err') || {}).textContent || '');
      assert((await err()) === '不能超过满分 100', 'above max message: ' + await err());
      await page.click('#review');
      assert(await page.isHidden('#dialog'), 'no review dialog for a bad score');
      assert((await page.textContent('#sheetMsg')) === '请先修正标红的分数', 'sheet message');
      await H.shot(page, 'judge-refused-1024x768');
      await page.click('#keypad [data-key="C"]');
      for (const k of '99.125') await page.click(`#keypad [data-key="${k}"]`);
      assert((await err()) === '最多保留两位小数', 'decimals message: ' + await err());
      await page.click('#review');
      assert(await page.isHidden('#dialog'), 'no review dialog for three decimals');
      // From a hardware keyboard too.
      await page.click('#keypad [data-key="C"]');
      await page.keyboard.type('100.5');
      assert((await err()) === '不能超过满分 100', 'keyboard: ' + await err());
      await H.sleep(2500);
      const sheet = (await api(srv, 'GET', '/api/competitions/TINY/events/T1/sheet', null, admin3)).doc;
      assert(sheet.rows.every((r) => Object.keys(r.marks).length === 0), 'no mark stored: ' + JSON.stringify(sheet.rows));
      assert(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.endsWith('.queue'))
        .every((k) => JSON.parse(localStorage[k]).length === 0)), 'nothing queued');
      // The same value with two decimals goes through.
      await page.click('#keypad [data-key="C"]');
      for (const k of '99.13') await page.click(`#keypad [data-key="${k}"]`);
      await submit(page);
      await page.waitForFunction(() => document.querySelector('#criteria li[data-state="saved"]'), null, { timeout: 5000 });
      const after = (await api(srv, 'GET', '/api/competitions/TINY/events/T1/sheet', null, admin3)).doc;
      const marked = after.rows.filter((r) => r.marks.A);
      assert(marked.length === 1 && marked[0].marks.A.J1 === '99.13', JSON.stringify(after.rows));
      assert(page.errors.length === 0, page.errors.join('; '));
    });

    await test('the tablet fits 1280×800 with nothing cut off and no text under 16 px', async () => {
      await tablet.setViewportSize({ width: 1280, height: 800 });
      await tablet.click('#back');
      await typeMarks(tablet, nums[2].number, [[0, '12']]);
      await H.shot(tablet, 'judge-sheet-1280x800');
      const bad = await tablet.evaluate(() => {
        const out = [];
        for (const n of document.querySelectorAll('body *')) {
          if (!n.offsetParent || !n.childNodes.length || ![...n.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim())) continue;
          const fs = parseFloat(getComputedStyle(n).fontSize);
          const r = n.getBoundingClientRect();
          if (fs < 16) out.push('small ' + fs + ' ' + n.textContent.slice(0, 20));
          if (r.right > innerWidth + 1 || r.bottom > innerHeight + 1) out.push('outside ' + n.textContent.slice(0, 20));
        }
        for (const b of document.querySelectorAll('button')) {
          if (b.offsetParent && b.getBoundingClientRect().height < 44) out.push('small button ' + b.textContent);
        }
        return out;
      });
      assert(bad.length === 0, bad.join('; '));
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
