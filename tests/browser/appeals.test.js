// Appeals (申诉) on the organizer pages in real headless Chromium (issue 15): the organizer
// records one at 1280×800, arbitration reviews, upholds with a reason and unlocks; after the
// correction and the chief's lock, arbitration reads the changes and confirms them; the
// organizer publishes again and downloads the 仲裁决定书.
'use strict';
const H = require('./harness');
const { assert, api, C } = H;
const fs = require('fs');
const os = require('os');
const path = require('path');

async function signIn(page, base, user, password) {
  await page.goto(base + '/admin/');
  await page.fill('#user', user);
  await page.fill('#password', password);
  await page.click('#staffForm button[type=submit]');
  await page.waitForSelector('#nav button');
}
async function says(page, part) {
  try {
    await page.waitForFunction((p) => document.getElementById('msg').textContent.includes(p), part, { timeout: 5000 });
  } catch (e) {
    throw new Error('waited for ' + JSON.stringify(part) + ', the page says ' + JSON.stringify(await page.textContent('#msg')));
  }
}

H.run(async (test) => {
  const srv = await H.startServer();
  const browser = await H.launch();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skillscore-appeals-'));
  try {
    const admin = await H.newPage(browser, 1280, 800);
    const arb = await H.newPage(browser, 1280, 800);
    for (const p of [admin, arb]) p.on('dialog', (d) => d.accept());
    const token = await H.adminToken(srv);
    const results = (await api(srv, 'GET', C + '/results', null, token)).doc;
    const g = results.rankings.find((x) => x.event === 'E01' && x.group === '职工组');
    const low = g.entries.filter((e) => e.award).sort((a, b) => b.rank - a.rank)[0];

    await test('the organizer records an appeal by 参赛编号; it is listed, on time, 已收到', async () => {
      await signIn(admin, srv.base, 'admin', 'demo-admin');
      await admin.click('#nav [data-section="appeals"]');
      await admin.waitForSelector('#appealForm');
      await admin.fill('#appealForm [name=who]', low.entry);
      await admin.fill('#appealForm [name=appellant]', '杨某（领队）');
      await admin.fill('#appealForm [name=subject]', '零件加工 B 项量具读数有误，请求复核');
      await admin.click('[data-act="addAppeal"]');
      await says(admin, '申诉已登记');
      await admin.waitForSelector('#appealsTable tr[data-appeal="1"]');
      const row = await admin.textContent('#appealsTable tr[data-appeal="1"]');
      assert(row.includes('已收到') && row.includes(low.entry) && !row.includes('逾期'), row);
      await H.shot(admin, 'appeals-recorded-1280x800');
    });

    await test('each event shows its appeal window and deadline; the organizer changes it, audited', async () => {
      const line = await admin.textContent('#windowTable tr[data-window="E01"]');
      assert(line.includes('120') && line.includes('受理中') && /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(line), line);
      assert((await admin.textContent('#windowTable tr[data-window="E02"]')).includes('尚未公示'), 'E02 not published');
      await admin.fill('#windowTable tr[data-window="E01"] input', '-5');
      await admin.click('#windowTable tr[data-window="E01"] [data-act="saveWindow"]');
      await says(admin, '0 到 10080');
      await admin.fill('#windowTable tr[data-window="E01"] input', '90');
      await admin.click('#windowTable tr[data-window="E01"] [data-act="saveWindow"]');
      await says(admin, 'E01 的申诉时限已改为 90 分钟');
      await admin.waitForFunction(() => /\b90\b/.test(document.querySelector('#windowTable tr[data-window="E01"] td.num').textContent));
      const doc = (await api(srv, 'GET', C + '/appeals', null, token)).doc;
      const e01 = doc.events.find((e) => e.event === 'E01');
      assert(doc.windows.E01 === 90 && e01.minutes === 90 && e01.deadline &&
             Math.abs(Date.parse(e01.deadline) - Date.parse(e01.published_at) - 90 * 60000) < 1000, JSON.stringify(e01));
      const audit = (await api(srv, 'GET', C + '/audit', null, token)).doc.audit;
      assert(audit.some((a) => a.action === 'appeal_window' && a.detail.minutes === 90), 'audited');
      // The table may render again (a live update after the change) between typing and the press,
      // which puts back the stored 90: type and press again, at most three times.
      for (let i = 0; ; i++) {
        await admin.fill('#windowTable tr[data-window="E01"] input', '120');
        await admin.click('#windowTable tr[data-window="E01"] [data-act="saveWindow"]');
        try { await says(admin, '改为 120 分钟'); break; } catch (e) { if (i === 2) throw e; }
      }
    });

    await test('arbitration reviews, upholds with a reason and unlocks E01 for the appeal', async () => {
      await signIn(arb, srv.base, 'zhongcai', 'demo-zhongcai');
      await arb.click('#nav [data-section="appeals"]');
      await arb.waitForSelector('#appealsTable [data-act="review"]');
      assert(!(await arb.$('#appealForm')), 'arbitration does not record appeals');
      await arb.click('#appealsTable [data-act="review"]');
      await says(arb, '请填写原因');
      await arb.fill('#appealsTable tr[data-appeal="1"] input', '受理，调取评分记录');
      await arb.click('#appealsTable [data-act="review"]');
      await arb.waitForSelector('#appealsTable [data-act="uphold"]');
      await arb.fill('#appealsTable tr[data-appeal="1"] input', '量具读数确有误，B 项应予更正');
      await arb.click('#appealsTable [data-act="uphold"]');
      await arb.waitForSelector('#appealsTable [data-act="unlockAppeal"]');
      await arb.fill('#appealsTable tr[data-appeal="1"] input', '申诉成立，解锁更正 B 项');
      await arb.click('#appealsTable [data-act="unlockAppeal"]');
      await says(arb, '已解锁');
      // The written reason of every step is on the page, under the appeal.
      await arb.waitForSelector('#appealsTable tr[data-history="1"] li[data-step="unlocked"]');
      const steps = await arb.$$eval('#appealsTable tr[data-history="1"] li', (ls) => ls.map((l) => l.textContent));
      assert(steps.length === 4 && steps[0].includes('收到申诉') && steps[1].includes('受理，调取评分记录') &&
             steps[2].includes('申诉成立') && steps[2].includes('量具读数确有误，B 项应予更正') &&
             steps[3].includes('申诉成立，解锁更正 B 项') && steps[3].includes('zhongcai'), JSON.stringify(steps));
      assert(!(await arb.$('#windowTable [data-act="saveWindow"]')), 'arbitration reads the windows only');
      assert((await arb.textContent('#windowTable')).includes('120'), 'arbitration sees the window');
      const ev = (await api(srv, 'GET', C, null, token)).doc.events.find((e) => e.id === 'E01');
      assert(!ev.locked && !ev.published, 'E01 unlocked');
    });

    await test('after correction and lock, arbitration confirms the changes; the organizer publishes and prints the decision', async () => {
      for (const judge of ['J01', 'J02', 'J03', 'J04', 'J05']) {
        for (const [criterion, score] of [['A', 20], ['B', 60]]) {
          const r = await api(srv, 'POST', C + '/corrections', { id: H.uuid(), entry: low.entry, criterion, judge, score, reason: '仲裁决定更正' }, token);
          assert(r.status === 201, JSON.stringify(r));
        }
      }
      const chief = await H.login(srv, { judge: 'J01', pin: H.demoPin('J01') });
      assert((await api(srv, 'POST', C + '/events/E01/lock', {}, chief)).status === 200, 'locked again');
      const pub = await api(srv, 'POST', C + '/events/E01/publish', {}, token);
      assert(pub.status === 409, 'publication waits for the confirmation: ' + JSON.stringify(pub));
      await arb.click('#nav [data-section="appeals"]');
      await arb.waitForSelector('#appealsTable [data-act="delta"]');
      await arb.click('#appealsTable [data-act="delta"]');
      await arb.waitForSelector('#deltaTable tr[data-entry]');
      const entries = await arb.$$eval('#deltaTable tr[data-entry]', (rs) => rs.map((r) => r.dataset.entry));
      const api1 = (await api(srv, 'GET', C + '/appeals/1/delta', null, token)).doc.delta.map((d) => d.entry);
      assert(JSON.stringify(entries) === JSON.stringify(api1) && entries.includes(low.entry), entries + ' vs ' + api1);
      const text = await arb.textContent('#deltaTable');
      assert(/第\d+名/.test(text) && !/null|undefined/.test(text), text.slice(0, 200));
      await H.shot(arb, 'appeals-delta-1280x800');
      await arb.click('[data-act="confirmDelta"]');
      await says(arb, '已确认');
      assert((await api(srv, 'POST', C + '/events/E01/publish', {}, token)).status === 200, 'published again');
      await admin.click('#nav [data-section="appeals"]');
      await admin.waitForSelector('#appealsTable [data-download="appeal-1"]');
      const [dl] = await Promise.all([admin.waitForEvent('download'), admin.click('#appealsTable [data-download="appeal-1"]')]);
      const file = path.join(tmp, 'decision.pdf');
      await dl.saveAs(file);
      const pdf = require('child_process').execFileSync('pdftotext', ['-layout', file, '-']).toString().replace(/ /g, '');
      assert(pdf.includes('仲裁决定书') && pdf.includes('申诉成立') && pdf.includes(low.entry), pdf.slice(0, 400));
      // The downloads note says where the QR codes point: the verification address, not this server.
      await admin.click('#nav [data-section="downloads"]');
      await admin.waitForSelector('#downloads .card');
      const note = await admin.textContent('#downloads');
      assert(note.includes('证书验证地址') && !note.includes('本服务器'), note.slice(0, 300));
      await admin.click('#nav [data-section="appeals"]');
      await admin.waitForSelector('#appealsTable tr[data-history="1"]');
      await admin.$eval('#appealsTable', (t) => t.scrollIntoView());
      await H.shot(admin, 'appeals-history-1280x800');
      const wide = await admin.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= 1280, 'fits 1280 px: ' + wide);
      assert(admin.errors.length === 0 && arb.errors.length === 0, admin.errors.concat(arb.errors).join('; '));
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
