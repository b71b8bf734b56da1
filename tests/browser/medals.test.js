// The delegations' medal table (代表队奖牌榜, issue 17) on a 1920×1080 display and in the award
// ceremony, in real headless Chromium against the real server: a second competition, DL2026,
// the demo with every entry in a delegation (by its first member's unit). Before a publication
// the display has no such page and receives nothing of it; after E01's it shows the counts
// worked by hand from the public results.
'use strict';
const H = require('./harness');
const { assert, api } = H;

const D = '/api/competitions/DL2026';
// As tests/server/harness.py DELEGATIONS: the units' 州市 or industry system.
const DELEGATIONS = { 大理: '大理州代表队', 昆明: '昆明市代表队', 玉溪: '玉溪市代表队', 曲靖: '曲靖市代表队',
  西双: '西双版纳州代表队', 红河: '红河州代表队', 云南: '省属企业代表队' };
const COLS = ['金牌', '银牌', '铜牌', '优胜奖'];

// The table worked from the published results: 4/3/2/1 points, then golds, silvers, bronzes,
// 优胜奖; equal rows share a rank and are listed by name (bytes).
function byHand(results, delegationOf) {
  const table = new Map();
  for (const g of results.rankings) {
    for (const e of g.entries) {
      const d = delegationOf[e.entry];
      if (!table.has(d)) table.set(d, [0, 0, 0, 0]);
      if (e.award) table.get(d)[COLS.indexOf(e.award)]++;
    }
  }
  const rows = [...table].map(([d, c]) => ({ d, c, p: c[0] * 4 + c[1] * 3 + c[2] * 2 + c[3] }));
  const key = (r) => [r.p].concat(r.c);
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i] - x[i];
    return Buffer.compare(Buffer.from(a.d), Buffer.from(b.d));
  });
  return rows.map((r, i) => {
    let rank = i + 1;
    for (let j = i; j > 0 && key(rows[j - 1]).join() === key(r).join(); j--) rank = j;
    return [String(rank), r.d].concat(r.c.map(String), [String(r.p)]);
  });
}

H.run(async (test) => {
  const srv = await H.startServer();
  const browser = await H.launch();
  try {
    const admin = await H.adminToken(srv);
    const doc = JSON.parse(JSON.stringify(H.demo));
    doc.competition.id = 'DL2026';
    doc.competition.name = '2026年云南省职业技能大赛（代表队）';
    for (const e of doc.entries) e.delegation = DELEGATIONS[e.members[0].unit.slice(0, 2)];
    doc.marks = doc.marks.filter((m) => !m.entry.startsWith('E02-'));
    // E01 with issue 17's other rules: a pass mark of 78 in practical withholds the award (four
    // bronzes go), titles for places 1 to 3.
    const e01 = doc.events.find((e) => e.id === 'E01');
    e01.pass = { practical: 78, withholds: ['award'] };
    e01.titles = [{ from: 1, title: '技术状元' }, { from: 2, to: 3, title: '优秀技术标兵' }];
    const delegationOf = Object.fromEntries(doc.entries.map((e) => [e.id, e.delegation]));
    const names = [...new Set(Object.values(delegationOf))];
    let r = await api(srv, 'POST', '/api/competitions', doc, admin);
    assert(r.status === 201, JSON.stringify(r));
    const pins = {};
    for (const j of doc.judges) pins[j.id] = (await api(srv, 'POST', D + '/judges/' + j.id + '/pin', {}, admin)).doc.pin;
    for (const ev of doc.events) assert((await api(srv, 'POST', D + '/events/' + ev.id + '/draw', {}, admin)).status === 200, 'draw');
    const chief = await H.login(srv, { judge: 'J01', pin: pins.J01, competition: 'DL2026' });
    r = await api(srv, 'POST', D + '/events/E01/lock', {}, chief);
    assert(r.status === 200, JSON.stringify(r));

    const page = await H.newPage(browser, 1920, 1080);
    const seen = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => seen.push(String(f.payload))));
    let want;

    await test('before publication the display has no medal table and receives nothing of it', async () => {
      await page.goto(srv.base + '/display/?c=DL2026&view=medals&rotate=60');
      await page.waitForFunction(() => document.getElementById('conn').textContent.includes('已连接'), null, { timeout: 10000 });
      await H.sleep(500);
      assert((await page.textContent('#title')) === '暂无成绩', 'title ' + await page.textContent('#title'));
      assert(await page.isHidden('#medals'), 'no medal table before publication');
      const leaked = names.concat(['技术状元', '优秀技术标兵', 'below_pass', 'delegation']).filter((n) => seen.some((f) => f.includes(n)));
      assert(leaked.length === 0 && !seen.some((f) => f.includes('medal_table')), 'sent before publication: ' + leaked);
      await H.shot(page, 'display-medals-before-publication-1920x1080');
    });

    await test('after E01 is published the display shows the medal table with the counts worked by hand', async () => {
      r = await api(srv, 'POST', D + '/events/E01/publish', {}, admin);
      assert(r.status === 200, JSON.stringify(r));
      const pub = (await api(srv, 'GET', D + '/results')).doc;
      want = byHand(pub, delegationOf);
      assert(want.length >= 4, JSON.stringify(want));
      await page.waitForFunction(() => document.getElementById('title').textContent === '代表队奖牌榜', null, { timeout: 2000 });
      const heads = await page.$$eval('#medals thead th', (ths) => ths.map((t) => t.textContent));
      assert(JSON.stringify(heads) === JSON.stringify(['名次', '代表队'].concat(COLS, ['总分'])), 'heads ' + heads);
      const rows = await page.$$eval('#medals tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      assert(JSON.stringify(rows) === JSON.stringify(want), 'rows ' + JSON.stringify(rows) + ' want ' + JSON.stringify(want));
      assert((await page.textContent('#state')) === '已公示 1 / 3 个赛项', await page.textContent('#state'));
      // Readable from the back of the hall: nothing cut off, nothing below the footer.
      const fit = await page.evaluate(() => {
        const cut = [...document.querySelectorAll('#medals td, #medals th')].filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent);
        return { cut, bottom: document.getElementById('medals').getBoundingClientRect().bottom, foot: document.querySelector('footer').getBoundingClientRect().top };
      });
      assert(fit.cut.length === 0 && fit.bottom <= fit.foot, JSON.stringify(fit));
      const size = await page.$eval('#medals td.deleg', (c) => parseFloat(getComputedStyle(c).fontSize));
      assert(size >= 36, 'font ' + size);
      await H.shot(page, 'display-medal-table-1920x1080');
      assert(page.errors.length === 0, page.errors.join('; '));
    });

    await test('after publication a group page shows the titles and 未达合格线 (1920×1080)', async () => {
      const results = (await api(srv, 'GET', D + '/results')).doc;
      const group = results.rankings.find((g) => g.event === 'E01' && g.group === '职工组');
      const nameOf = (id) => doc.entries.find((e) => e.id === id).members[0].name;
      const titled = group.entries.filter((e) => e.title).map((e) => [nameOf(e.entry), e.title]);
      const below = group.entries.filter((e) => e.passed === false).map((e) => nameOf(e.entry));
      assert(titled.length === 3 && below.length >= 2 && group.entries.filter((e) => e.passed === false).every((e) => !e.award), JSON.stringify(group.entries.slice(0, 9)));
      const p4 = await H.newPage(browser, 1920, 1080);
      await p4.goto(srv.base + '/display/?c=DL2026&event=E01&group=' + encodeURIComponent('职工组') + '&rotate=60&rows=14');
      await p4.waitForFunction(() => document.getElementById('state').textContent === '成绩已公示', null, { timeout: 10000 });
      const rows = await p4.$$eval('#board tbody tr', (trs) => trs.map((tr) => ({
        name: tr.querySelector('.nm').textContent, tags: [...tr.querySelectorAll('.tag')].map((t) => t.textContent),
        award: tr.cells[6].textContent,
        // a badge is whole on screen: inside its cell
        whole: [...tr.querySelectorAll('.tag')].every((t) => t.getBoundingClientRect().right <= tr.cells[1].getBoundingClientRect().right) })));
      for (const [name, title] of titled) {
        const r = rows.find((x) => x.name === name);
        assert(r && r.tags.includes(title) && r.whole, name + ' ' + title + ': ' + JSON.stringify(r));
      }
      for (const name of below) {
        const r = rows.find((x) => x.name === name);
        assert(r && r.award === '未达合格线', name + ': ' + JSON.stringify(r));
      }
      assert(rows.filter((r) => r.award === '未达合格线').length === below.length, 'only those below the mark');
      await H.shot(p4, 'display-titles-pass-1920x1080');
      // The ceremony's gold card names the title and the delegation too.
      const top = (await api(srv, 'GET', D + '/ceremony', null, admin)).doc.groups.find((g) => g.event === 'E01' && g.group === '职工组');
      const r2 = await api(srv, 'POST', D + '/ceremony', { event: 'E01', group: '职工组', step: top.steps }, admin);
      assert(r2.status === 200 && r2.doc.ceremony.tier.rows[0].title === '技术状元', JSON.stringify(r2.doc.ceremony));
      await p4.waitForSelector('.cer-card .title', { timeout: 2000 });
      await H.sleep(1500);
      const card = await p4.$eval('.cer-card', (c) => ({ title: c.querySelector('.title').textContent, unit: c.querySelector('.unit').textContent }));
      const winner = doc.entries.find((e) => e.members[0].name === titled[0][0]);
      assert(card.title === '技术状元' && card.unit === winner.members[0].unit + ' · ' + winner.delegation, JSON.stringify(card));
      await H.shot(p4, 'ceremony-title-delegation-1920x1080');
      assert((await api(srv, 'POST', D + '/ceremony', { event: null }, admin)).status === 200, 'end');
      assert(p4.errors.length === 0, p4.errors.join('; '));
      await p4.close();
    });

    await test('the rotation reaches the medal table after the groups', async () => {
      const p2 = await H.newPage(browser, 1920, 1080);
      await p2.goto(srv.base + '/display/?c=DL2026&rotate=3&rows=60');
      await p2.waitForFunction(() => document.getElementById('title').textContent.includes(' · '), null, { timeout: 10000 });
      await p2.waitForFunction(() => document.getElementById('title').textContent === '代表队奖牌榜', null, { timeout: 30000 });
      const n = await p2.$$eval('#medals tbody tr', (trs) => trs.length);
      assert(n === want.length && await p2.isHidden('#board'), 'rows ' + n);
      // …and goes on to the groups again.
      await p2.waitForFunction(() => document.getElementById('title').textContent !== '代表队奖牌榜', null, { timeout: 6000 });
      assert(await p2.isHidden('#medals'), 'the medal table hides on a group page');
      assert(p2.errors.length === 0, p2.errors.join('; '));
      await p2.close();
    });

    await test('the ceremony remote shows the medal table after the groups: its title card, then the table', async () => {
      const remote = await H.newPage(browser, 390, 844);
      remote.on('dialog', (d) => d.accept());
      await remote.goto(srv.base + '/ceremony/?c=DL2026');
      await remote.fill('#user', 'admin');
      await remote.fill('#password', 'demo-admin');
      await remote.click('#loginForm button[type=submit]');
      await remote.waitForSelector('#group option', { state: 'attached' });
      const options = await remote.$$eval('#group option', (os) => os.map((o) => o.textContent));
      assert(options[options.length - 1] === '代表队奖牌榜（已公示 1 / 3 个赛项，' + want.length + ' 个代表队）', 'last option ' + options);
      await remote.selectOption('#group', { label: options[options.length - 1] });
      await remote.click('#forward');
      await page.waitForFunction(() => !document.getElementById('ceremony').hidden, null, { timeout: 2000 });
      assert((await page.textContent('#cerTitle')) === '代表队奖牌榜', await page.textContent('#cerTitle'));
      assert((await page.textContent('#cerAward')) === '颁 奖', 'title card');
      const card = await page.evaluate(() => document.getElementById('ceremony').innerText);
      assert(!names.some((x) => card.includes(x)), 'no delegation on the title card');
      await H.shot(page, 'ceremony-medals-title-1920x1080');
      await remote.waitForFunction(() => !document.getElementById('forward').disabled, null, { timeout: 2000 });
      await remote.click('#forward');
      await page.waitForSelector('.cer-medals', { timeout: 2000 });
      const rows = await page.$$eval('.cer-medals tr.cer-mrow', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
      assert(JSON.stringify(rows) === JSON.stringify(want), 'ceremony rows ' + JSON.stringify(rows));
      await H.sleep(2500);   // the rows rise in; photograph them risen
      const fit = await page.evaluate(() => [document.querySelector('.cer-medals').getBoundingClientRect().bottom,
        document.getElementById('cerStep').getBoundingClientRect().top, document.getElementById('cerStep').getBoundingClientRect().bottom]);
      assert(fit[0] <= fit[1] && fit[2] <= 1080, 'the table fits the screen: ' + fit);
      await H.shot(page, 'ceremony-medal-table-1920x1080');
      await remote.waitForFunction(() => document.getElementById('next').textContent === '奖牌榜已显示，可结束颁奖', null, { timeout: 2000 });
      assert(await remote.isDisabled('#forward'), 'no step past the table');
      await H.shot(remote, 'ceremony-remote-medals-390x844');
      await remote.click('#end');
      await page.waitForFunction(() => document.getElementById('ceremony').hidden, null, { timeout: 2000 });
      assert(page.errors.length === 0 && remote.errors.length === 0, page.errors.concat(remote.errors).join('; '));
    });

    await test('the organizer page offers the medal table as PDF and Excel and downloads them', async () => {
      const org = await H.newPage(browser, 1366, 768);
      await org.goto(srv.base + '/admin/');
      await org.fill('#user', 'admin');
      await org.fill('#password', 'demo-admin');
      await org.click('#staffForm button[type=submit]');
      await org.waitForSelector('#nav button');
      await org.selectOption('#compSel', 'DL2026');
      await org.click('#nav [data-section="downloads"]');
      await org.waitForSelector('[data-download="DL2026-medal-table.xlsx"]');
      const labels = await org.$$eval('[data-download^="DL2026-medal-table"]', (bs) => bs.map((b) => b.closest('tr').cells[0].textContent));
      assert(JSON.stringify(labels) === JSON.stringify(['代表队奖牌榜（PDF，已锁定赛项）', '代表队奖牌榜（Excel）']), 'labels ' + labels);
      for (const [name, magic] of [['DL2026-medal-table.pdf', '%PDF-'], ['DL2026-medal-table.xlsx', 'PK\u0003\u0004']]) {
        const [dl] = await Promise.all([org.waitForEvent('download'), org.click('[data-download="' + name + '"]')]);
        const file = require('path').join(require('os').tmpdir(), 'skillscore-' + process.pid + '-' + name);
        await dl.saveAs(file);
        const bytes = require('fs').readFileSync(file);
        require('fs').unlinkSync(file);
        const served = await fetch(srv.base + D + '/reports/' + name.slice(7), { headers: { Authorization: 'Bearer ' + admin } }).then((x) => x.arrayBuffer());
        assert(bytes.subarray(0, magic.length).toString('latin1') === magic && Math.abs(bytes.length - served.byteLength) < 64, name + ': ' + bytes.length + ' vs ' + served.byteLength);
      }
      await H.shot(org, 'admin-downloads-medal-table-1366x768');
      assert(org.errors.length === 0, org.errors.join('; '));
      await org.close();
    });

    await test('a province of 24 delegations: the display pages them 12 at a time, the ceremony reveals them 12 at a time from the bottom', async () => {
      // Yunnan's 16 州市 and eight industry systems, one to each E01 entry.
      const many = ['昆明市', '曲靖市', '玉溪市', '保山市', '昭通市', '丽江市', '普洱市', '临沧市', '楚雄彝族自治州',
        '红河哈尼族彝族自治州', '文山壮族苗族自治州', '西双版纳傣族自治州', '大理白族自治州', '德宏傣族景颇族自治州',
        '怒江傈僳族自治州', '迪庆藏族自治州', '省能源局系统', '省交通运输厅系统', '省住房城乡建设厅系统', '省教育厅系统',
        '云南电网有限责任公司', '云南省建设投资控股集团', '昆明钢铁控股有限公司', '云天化集团有限责任公司'].map((x) => x + '代表队');
      const d24 = JSON.parse(JSON.stringify(doc));
      d24.competition.id = 'DL24';
      let i = 0;
      for (const e of d24.entries) e.delegation = many[i++ % many.length];
      const P = '/api/competitions/DL24';
      assert((await api(srv, 'POST', '/api/competitions', d24, admin)).status === 201, 'import');
      const pin = (await api(srv, 'POST', P + '/judges/J01/pin', {}, admin)).doc.pin;
      assert((await api(srv, 'POST', P + '/events/E01/draw', {}, admin)).status === 200, 'draw');
      const chief24 = await H.login(srv, { judge: 'J01', pin, competition: 'DL24' });
      assert((await api(srv, 'POST', P + '/events/E01/lock', {}, chief24)).status === 200, 'lock');
      assert((await api(srv, 'POST', P + '/events/E01/publish', {}, admin)).status === 200, 'publish');
      const want24 = byHand((await api(srv, 'GET', P + '/results')).doc, Object.fromEntries(d24.entries.map((e) => [e.id, e.delegation])));
      assert(want24.length === 24, 'delegations ' + want24.length);
      const p3 = await H.newPage(browser, 1920, 1080);
      await p3.goto(srv.base + '/display/?c=DL24&view=medals&rotate=4');
      await p3.waitForFunction(() => document.getElementById('title').textContent === '代表队奖牌榜', null, { timeout: 10000 });
      const fits = () => p3.evaluate(() => ({
        cut: [...document.querySelectorAll('#medals td')].filter((c) => c.scrollWidth > c.clientWidth).map((c) => c.textContent),
        bottom: document.getElementById('medals').getBoundingClientRect().bottom,
        foot: document.querySelector('footer').getBoundingClientRect().top,
        rows: [...document.querySelectorAll('#medals tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)) }));
      const first = await fits();
      assert(first.rows.length === 12 && first.cut.length === 0 && first.bottom <= first.foot, JSON.stringify(first).slice(0, 400));
      assert((await p3.textContent('#page')).includes('第 1 / 2 页'), await p3.textContent('#page'));
      await H.shot(p3, 'display-medal-table-24-page1-1920x1080');
      await p3.waitForFunction(() => document.getElementById('page').textContent.includes('第 2 / 2 页'), null, { timeout: 6000 });
      const second = await fits();
      assert(JSON.stringify(first.rows.concat(second.rows)) === JSON.stringify(want24), 'both pages are the table');
      assert(second.cut.length === 0 && second.bottom <= second.foot, JSON.stringify(second).slice(0, 400));
      // The ceremony: two screens of 12, the bottom of the table first, its top last; each
      // message holds its own screen's rows only.
      for (const [step, rows] of [[1, want24.slice(12)], [2, want24.slice(0, 12)]]) {
        const r2 = await api(srv, 'POST', P + '/ceremony', { medal_table: true, step }, admin);
        assert(r2.status === 200 && r2.doc.ceremony.steps === 2, JSON.stringify(r2.doc).slice(0, 300));
        await p3.waitForFunction((s) => document.getElementById('cerStep').textContent.includes('第 ' + s + ' / 2 屏'), step, { timeout: 2000 });
        await H.sleep(2500);   // the rows rise in; photograph them risen
        const cer = await p3.evaluate(() => ({
          bottom: document.querySelector('.cer-medals').getBoundingClientRect().bottom,
          step: document.getElementById('cerStep').getBoundingClientRect().top,
          stepBottom: document.getElementById('cerStep').getBoundingClientRect().bottom,
          font: parseFloat(getComputedStyle(document.querySelector('.cer-medals tr:last-child td')).fontSize),
          rows: [...document.querySelectorAll('.cer-medals tr.cer-mrow')].map((tr) => [...tr.cells].map((c) => c.textContent)) }));
        assert(JSON.stringify(cer.rows) === JSON.stringify(rows), 'ceremony rows at step ' + step + ': ' + JSON.stringify(cer.rows));
        assert(cer.bottom <= cer.step && cer.stepBottom <= 1080 && cer.font >= 36, JSON.stringify(cer).slice(0, 200));
        const later = want24.slice(0, 12).filter((x) => !rows.includes(x)).map((x) => x[1]);
        const text = await p3.evaluate(() => document.getElementById('ceremony').innerText);
        assert(!later.some((n) => text.includes(n)), 'the top of the table is on screen early');
        await H.shot(p3, 'ceremony-medal-table-24-step' + step + '-1920x1080');
      }
      assert(p3.errors.length === 0, p3.errors.join('; '));
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
