// The organizer pages (/admin/) in real headless Chromium at 1366×768 against the real server:
// import a competition file and a CSV, draw numbers, issue PINs and print sign-in cards, watch
// progress move, the chief judge's review and lock, arbitration's unlock, publication, download.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const H = require('./harness');
const { assert, api, C } = H;

async function signInStaff(page, base, user, password) {
  await page.goto(base + '/admin/');
  await page.fill('#user', user);
  await page.fill('#password', password);
  await page.click('#staffForm button[type=submit]');
  await page.waitForSelector('#nav button');
}

async function signInChief(page, base, judge, pin, comp) {
  await page.goto(base + '/admin/');
  await page.click('#tabChief');
  await page.waitForSelector('#chiefComp option', { state: 'attached' });
  await page.selectOption('#chiefComp', comp);
  await page.fill('#chiefCode', judge);
  await page.fill('#chiefPin', pin);
  await page.click('#chiefForm button[type=submit]');
  await page.waitForSelector('#nav button');
}

const go = (page, section) => page.click(`#nav [data-section="${section}"]`);
const stateOf = (page, ev) => page.textContent(`#eventsTable tr[data-event="${ev}"] .badge`);
const msg = (page) => page.textContent('#msg');
// Waits for the page's message to read want; on timeout the error says what it read instead.
async function waitMsg(page, want) {
  try {
    await page.waitForFunction((w) => document.getElementById('msg').textContent === w, want);
  } catch (e) {
    throw new Error('waited for message ' + JSON.stringify(want) + ', the page says ' + JSON.stringify(await msg(page)));
  }
}

H.run(async (test) => {
  const srv = await H.startServer();
  const browser = await H.launch();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skillscore-admin-'));
  try {
    const page = await H.newPage(browser, 1366, 768);
    page.on('dialog', (d) => d.accept());

    await test('the organizer watches marking progress move as a judge marks', async () => {
      await signInStaff(page, srv.base, 'admin', 'demo-admin');
      await page.waitForSelector('#eventsTable tr[data-event="E02"]');
      const prog = () => page.textContent('#eventsTable tr[data-event="E02"] .prog');
      assert((await prog()) === '0 / 420（0%）', 'E02 before: ' + await prog()); // 21 entries × 4 criteria × 5 judges
      assert((await stateOf(page, 'E01')) === '已公示' && (await stateOf(page, 'E02')) === '评分中', 'states');
      await H.shot(page, 'admin-events-1366x768');
      const judge = await H.login(srv, { judge: 'J08', pin: H.demoPin('J08') });
      const first = (await H.numbers(srv, await H.adminToken(srv), 'E02'))[0];
      for (const c of ['A', 'B', 'C']) {
        const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), judge: 'J08', number: first.number, criterion: c, score: 10 }, judge);
        assert(r.status === 201, JSON.stringify(r));
      }
      // Progress follows /ws (no polling): the marks show within two seconds.
      await page.waitForFunction(() => document.querySelector('#eventsTable tr[data-event="E02"] .prog').textContent === '3 / 420（0%）', null, { timeout: 2000 });
      // Every judge of E02 is listed, those who marked nothing too (J06..J10 in the demo).
      const per = await page.$$eval('#eventsTable tr[data-event="E02"] .per .pj', (xs) => xs.map((x) => x.textContent + (x.classList.contains('zero') ? '!' : '')));
      assert(JSON.stringify(per) === JSON.stringify(['J06 0/84!', 'J07 0/84!', 'J08 3/84', 'J09 0/84!', 'J10 0/84!']), 'per judge: ' + per);
      // The per-工位 view: the marked number has 3 of its 20 marks, the others none.
      await page.click('#eventsTable tr[data-event="E02"] details.slots summary');
      const chips = await page.$$eval('#eventsTable tr[data-event="E02"] .chip', (xs) => xs.map((x) => x.textContent));
      assert(chips.length === 21 && chips.includes(first.number + ' 3/20') && chips.filter((x) => x.endsWith(' 0/20')).length === 20, 'per 工位: ' + chips);
      const sorted = [...chips].sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
      assert(JSON.stringify(sorted) === JSON.stringify(chips), 'chips in number order');
      await H.shot(page, 'admin-progress-per-slot');
      const all = await page.textContent('#app');
      assert(!/null|undefined|object Object|NaN/.test(all), 'no literal null/undefined/object on the page');
    });

    await test('a bad competition file is refused with the field named; a good one and a CSV import, then the draw', async () => {
      await go(page, 'setup');
      const bad = path.join(tmp, 'bad.json');
      const file = JSON.parse(fs.readFileSync(path.join(H.ROOT, 'tests', 'bad', 'score_above_max.json'), 'utf8'));
      fs.writeFileSync(bad, JSON.stringify(file));
      const before = (await api(srv, 'GET', '/api/competitions')).doc.competitions.length;
      await page.setInputFiles('#compFile', bad);
      await page.click('[data-act="compFile"]');
      // The server says where (marks[1]) and what in English (tests/bad/score_above_max.err);
      // the organizer reads the place as written in the file and the rest in Chinese.
      await page.waitForFunction(() => document.getElementById('msg').textContent.startsWith('竞赛文件'));
      const expected = fs.readFileSync(path.join(H.ROOT, 'tests', 'bad', 'score_above_max.err'), 'utf8').trim();
      assert(expected.startsWith('marks[1]: score 100.5 is above criterion A'), expected);
      assert((await msg(page)) === '竞赛文件 marks[1]：分数超过评分项 A 的满分 30', await msg(page));
      assert((await api(srv, 'GET', '/api/competitions')).doc.competitions.length === before, 'nothing imported');

      const good = {
        format: 'skillscore/1',
        competition: { id: 'ADM', name: '管理页测试赛', class: 'enterprise' },
        events: [{ id: 'T1', name: '钳工', criteria: [{ id: 'A', name: '综合操作', max: 100 }] }],
        judges: [{ id: 'K1', name: '甲裁判', events: ['T1'], chief: true }, { id: 'K2', name: '乙裁判', events: ['T1'] }],
        entries: [{ id: 'T1-1', event: 'T1', members: [{ id: 'P1', name: '选手一', level: null }] }],
      };
      const goodPath = path.join(tmp, 'good.json');
      fs.writeFileSync(goodPath, JSON.stringify(good));
      await page.setInputFiles('#compFile', goodPath);
      await page.click('[data-act="compFile"]');
      await waitMsg(page, '已导入赛事 ADM');
      assert((await page.inputValue('#compSel')) === 'ADM', 'the new competition is selected');

      const csv = path.join(tmp, 'entries.csv');
      fs.writeFileSync(csv, '\ufeff参赛号,项目,组别,选手编号,姓名,性别,身份证号,工作单位,学生,现等级,曾晋升,教练\r\n' +
        'T1-2,T1,默认组,P2,选手二,女,,昆明机床厂,否,,否,\r\nT1-3,T1,默认组,P3,选手三,男,,昆明机床厂,否,中级工,否,\r\n');
      await page.setInputFiles('#csvFile', csv);
      await page.click('[data-act="csvFile"]');
      await waitMsg(page, '已导入报名表');
      await H.shot(page, 'admin-setup-1366x768');
      await go(page, 'events');
      await page.waitForSelector('#eventsTable tr[data-event="T1"]');
      assert((await page.textContent('#eventsTable tr[data-event="T1"] td.num')) === '3', 'three entries');
      assert((await stateOf(page, 'T1')) === '未抽签', 'not drawn');
      await page.click('#eventsTable tr[data-event="T1"] [data-act="draw"]');
      await page.waitForFunction(() => document.querySelector('#eventsTable tr[data-event="T1"] .badge').textContent === '评分中');
      const admin = await H.adminToken(srv);
      const sheet = (await api(srv, 'GET', '/api/competitions/ADM/events/T1/sheet', null, admin)).doc;
      assert(sheet.rows.map((r) => r.number).sort().join() === '01,02,03', JSON.stringify(sheet.rows));
    });

    await test('a judge added on the page and the listed ones get PINs that sign them in, and cards that show them', async () => {
      await go(page, 'judges');
      await page.waitForSelector('#addJudge');
      await page.fill('#jid', 'K3');
      await page.fill('#jname', '丙裁判');
      await page.check('#addJudge input[name=ev][value="T1"]');
      await page.click('[data-act="addJudge"]');
      await page.waitForSelector('#judgesTable tr[data-judge="K3"]');
      assert((await msg(page)) === '已添加裁判 K3，请为其发放 PIN', await msg(page));
      // No PIN issued yet in this session: no cards, and no literal "null" where they would be
      // (DOM append(null) writes the text "null").
      assert(!(await page.$('#cards')), 'no cards before any PIN is issued');
      const before = await page.textContent('#judges');
      assert(!/null|undefined|object Object/.test(before), 'no literal null under the judges table before a PIN: ' + before.slice(-200));
      await page.fill('#jid', 'K3');
      await page.check('#addJudge input[name=ev][value="T1"]');
      await page.click('[data-act="addJudge"]');
      await page.waitForFunction(() => document.getElementById('msg').textContent.includes('该裁判编号已存在'));
      assert(!/[A-Za-z]{4,}/.test(await msg(page)), 'no English in ' + await msg(page));
      await page.click('[data-act="issueAll"]');
      await page.waitForSelector('.jcard[data-judge="K3"]');
      const cards = await page.$$eval('.jcard', (cs) => cs.map((c) => [c.dataset.judge, c.querySelector('.pin').textContent]));
      assert(cards.length === 3, 'three cards');
      for (const [judge, pin] of cards) {
        assert(/^\d{6}$/.test(pin), 'pin ' + pin);
        const r = await api(srv, 'POST', '/api/login', { judge, pin, competition: 'ADM' });
        assert(r.status === 201 || r.status === 200, judge + ' ' + JSON.stringify(r));
      }
      await H.shot(page, 'admin-judges-1366x768');
      assert(!/null|undefined|object Object/.test(await page.textContent('#judges')), 'no literal null under the judges table');
      await page.emulateMedia({ media: 'print' });
      await page.evaluate(() => document.getElementById('judges').classList.add('printing'));
      const visible = await page.$$eval('.jcard', (cs) => cs.filter((c) => c.offsetParent).length);
      const navShown = await page.isVisible('#nav');
      await page.evaluate(() => document.getElementById('judges').classList.remove('printing'));
      await page.emulateMedia({ media: 'screen' });
      assert(visible === 3 && !navShown, 'print shows the cards only');
    });

    const chief = await H.newPage(browser, 1366, 768);
    chief.on('dialog', (d) => d.accept());
    await test('the chief judge accepts a discrepancy with a reason and locks; arbitration unlocks with a reason', async () => {
      // A correction that leaves E03 with marks far apart: 0 against the others' ~30 of 35.
      const fix = { id: H.uuid(), entry: H.demo.entries.find((e) => e.event === 'E03').id, criterion: 'A', judge: 'J12',
        score: 0, reason: '录入错误' };
      const r = await api(srv, 'POST', C + '/corrections', fix, await H.adminToken(srv));
      assert(r.status === 201, JSON.stringify(r));
      await signInChief(chief, srv.base, 'J11', H.demoPin('J11'), 'YN2026');
      await chief.waitForSelector('#eventsTable tr[data-event="E03"]');
      assert((await chief.$$('#eventsTable tr[data-event]')).length === 1, 'the chief sees their own event only');
      await chief.click('#eventsTable tr[data-event="E03"] [data-act="lock"]');
      await chief.waitForFunction(() => document.getElementById('msg').textContent.startsWith('还不能锁定'));
      assert(/^还不能锁定：工位 \d+ 评分项 [A-Z] 的分差尚未处理$/.test(await msg(chief)), 'lock refused for the discrepancy: ' + await msg(chief));
      await go(chief, 'review');
      await chief.waitForSelector('#discTable tr[data-number]');
      const rows = await chief.$$('#discTable [data-act="accept"]');
      assert(rows.length === 1, 'the open discrepancy is listed');
      const marks = await chief.textContent('#discTable tr[data-number] td.marks');
      assert(marks.includes('J12：0') && marks.split('　').length === 5, 'every judge\'s mark: ' + marks);
      await H.shot(chief, 'admin-review-chief-1366x768');
      await chief.click('#discTable [data-act="accept"]');
      assert((await msg(chief)) === '请填写原因', 'a reason is needed');
      while ((await chief.$$('#discTable [data-act="accept"]')).length) {
        const n = (await chief.$$('#discTable [data-act="accept"]')).length;
        await chief.fill('#discTable tr:has([data-act="accept"]) input', '复核确认评分有效');
        await chief.click('#discTable [data-act="accept"]');
        await chief.waitForFunction((k) => document.querySelectorAll('#discTable [data-act="accept"]').length < k, n);
      }
      const audit = (await api(srv, 'GET', C + '/audit', null, await H.adminToken(srv))).doc.audit;
      assert(audit.some((a) => a.actor === 'J11' && JSON.stringify(a.detail).includes('复核确认评分有效')), 'the reason is audited');
      await go(chief, 'events');
      await chief.click('#eventsTable tr[data-event="E03"] [data-act="lock"]');
      await chief.waitForFunction(() => document.querySelector('#eventsTable tr[data-event="E03"] .badge').textContent === '已锁定');

      const arb = await H.newPage(browser, 1366, 768);
      await signInStaff(arb, srv.base, 'zhongcai', 'demo-zhongcai');
      await arb.selectOption('#compSel', 'YN2026');
      await arb.waitForSelector('#eventsTable tr[data-event="E03"] [data-act="unlock"]');
      assert(!(await arb.$('[data-act="draw"]')) && !(await arb.$('[data-act="publish"]')), 'arbitration may not draw or publish');
      await arb.click('#eventsTable tr[data-event="E03"] [data-act="unlock"]');
      assert((await msg(arb)) === '请填写原因', 'unlock needs a reason');
      await arb.fill('#eventsTable tr[data-event="E03"] input', '选手申诉，复核 B 项');
      await arb.click('#eventsTable tr[data-event="E03"] [data-act="unlock"]');
      await arb.waitForFunction(() => document.querySelector('#eventsTable tr[data-event="E03"] .badge').textContent === '评分中');
      await H.shot(arb, 'admin-arbitration-1366x768');
      assert(arb.errors.length === 0 && chief.errors.length === 0, arb.errors.concat(chief.errors).join('; '));
      await arb.context().close();
    });

    await test('the organizer publishes a locked event and downloads the results the API serves', async () => {
      await go(chief, 'events');
      await chief.click('#eventsTable tr[data-event="E03"] [data-act="lock"]');
      await chief.waitForFunction(() => document.querySelector('#eventsTable tr[data-event="E03"] .badge').textContent === '已锁定');
      await page.selectOption('#compSel', 'YN2026');
      await go(page, 'events');
      await page.waitForSelector('#eventsTable tr[data-event="E03"] [data-act="publish"]');
      await page.click('#eventsTable tr[data-event="E03"] [data-act="publish"]');
      await page.waitForFunction(() => document.querySelector('#eventsTable tr[data-event="E03"] .badge').textContent === '已公示');
      const pub = (await api(srv, 'GET', C + '/results')).doc;
      assert(pub.rankings.some((g) => g.event === 'E03'), 'E03 is public now');
      await go(page, 'downloads');
      await page.waitForSelector('[data-download="YN2026-results.json"]');
      // The demo's entries carry no delegation: no medal table to offer (medals.test.js has one).
      assert(!(await page.$('[data-download="YN2026-medal-table.pdf"]')), 'a medal table without delegations');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-download="YN2026-results.json"]')]);
      const file = path.join(tmp, 'results.json');
      await dl.saveAs(file);
      const admin = await H.adminToken(srv);
      const served = await fetch(srv.base + C + '/results', { headers: { Authorization: 'Bearer ' + admin } }).then((r) => r.text());
      assert(fs.readFileSync(file, 'utf8') === served, 'the download is the results document');
      // Certificates wait for the verification address; a private one needs the box ticked.
      await page.click('[data-download="YN2026-certificates.pdf"]');
      await page.waitForFunction(() => document.getElementById('msg').textContent.includes('设置证书验证地址'));
      assert(await page.isVisible('#verifyWarn'), 'the page says the address is missing');
      await page.fill('#verifyBase', srv.base);
      await page.click('[data-act="saveSettings"]');
      await page.waitForFunction(() => document.getElementById('msg').textContent.includes('内网地址'));
      await page.check('#allowPrivate');
      await page.click('[data-act="saveSettings"]');
      await page.waitForFunction(() => (document.getElementById('verifyWarn') || {}).textContent && document.getElementById('verifyWarn').textContent.includes('内网地址'));
      await H.shot(page, 'admin-verify-base-private');
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.click('[data-download="YN2026-certificates.pdf"]')]);
      const pdfFile = path.join(tmp, 'certificates.pdf');
      await pdf.saveAs(pdfFile);
      const head = fs.readFileSync(pdfFile).subarray(0, 5).toString();
      assert(head === '%PDF-' && fs.statSync(pdfFile).size > 10000, 'a PDF of certificates: ' + head);
      await H.shot(page, 'admin-downloads-1366x768');
      // The sealed draw list: the first print is the organizer's, a second one is refused.
      const [sealed] = await Promise.all([page.waitForEvent('download'), page.click('[data-download="YN2026-E02-sealed.pdf"]')]);
      const sealedFile = path.join(tmp, 'sealed.pdf');
      await sealed.saveAs(sealedFile);
      assert(fs.readFileSync(sealedFile).subarray(0, 5).toString() === '%PDF-', 'a sealed list PDF');
      await page.click('[data-download="YN2026-E02-sealed.pdf"]');
      await page.waitForFunction(() => document.getElementById('msg').textContent.includes('监督仲裁'));
      // The page a phone opens with the number and the short code typed from the paper.
      const text = require('child_process').execFileSync('pdftotext', ['-raw', '-l', '1', pdfFile, '-'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().replace(/\s+/g, '');
      const number = /证书编号：([A-Za-z0-9-]+)/.exec(text)[1], sig = /验证码：([0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4})/.exec(text)[1];
      const phone = await H.newPage(browser, 390, 844);
      await phone.goto(srv.base + '/verify/' + number + '?sig=' + sig);
      assert((await phone.textContent('#verdict')).includes('真实有效'), 'genuine');
      await H.shot(phone, 'verify-genuine-390x844');
      await phone.goto(srv.base + '/verify/' + number + '?sig=' + sig.replace(/^./, (c) => (c === '0' ? '1' : '0')));
      assert((await phone.textContent('#verdict')).includes('不是有效证书'), 'forged');
      await phone.context().close();
      // Rows of every kind whose details carried English words: a status change, an appeal
      // (late, state), a ceremony started and ended (end).
      const adm = await H.adminToken(srv);
      const e02 = (await H.numbers(srv, adm, 'E02'))[0].entry;
      for (const st of ['absent', 'ok']) {
        const r = await api(srv, 'POST', C + '/entries/' + e02 + '/status', { status: st, reason: '检录核实' }, adm);
        assert(r.status === 200, JSON.stringify(r));
      }
      const e03 = H.demo.entries.find((e) => e.event === 'E03');
      let r = await api(srv, 'POST', C + '/appeals', { event: 'E03', entry: e03.id, appellant: '领队', subject: '复核 B 项' }, adm);
      assert(r.status === 201, JSON.stringify(r));
      r = await api(srv, 'POST', C + '/appeals/' + r.doc.id + '/review', { reason: '受理，调取评分记录' }, await H.login(srv, { user: 'zhongcai', password: 'demo-zhongcai' }));
      assert(r.status === 200, JSON.stringify(r));
      for (const body of [{ event: 'E03', group: e03.group, step: 0 }, { event: null }]) {
        r = await api(srv, 'POST', C + '/ceremony', body, adm);
        assert(r.status === 200, JSON.stringify(r));
      }
      await go(page, 'audit');
      await page.waitForSelector('#auditTable tr td');
      const audit = await page.textContent('#auditTable');
      assert(audit.includes('公示成绩') && audit.includes('赛项：E03'), 'publication in the audit log, in Chinese');
      assert(!/\b(publish|login|mark|null)\b/.test(audit), 'no raw action names: ' + audit.slice(0, 300));
      // Every row: the time is the server's UTC time plus 8 hours, and the detail has no ASCII
      // word once the ids, numbers and free text the server stored are taken out.
      const rows = await page.$$eval('#auditTable tr[data-seq]', (trs) => trs.map((tr) => ({
        seq: Number(tr.dataset.seq), action: tr.dataset.action, when: tr.querySelector('td.when').textContent,
        detail: tr.querySelector('td.detail').textContent })));
      const stored = new Map((await api(srv, 'GET', C + '/audit', null, adm)).doc.audit.map((a) => [a.seq, a]));
      const kinds = new Set(rows.map((x) => x.action));
      for (const k of ['import', 'entry_status', 'appeal', 'appeal_review', 'ceremony', 'publish', 'lock', 'correction']) assert(kinds.has(k), 'the log shows a ' + k + ' row');
      const pad = (n) => String(n).padStart(2, '0');
      const asIs = ['entry', 'judge', 'event', 'criterion', 'id', 'user', 'group', 'name', 'reason', 'note', 'verify_base',
        'number', 'events', 'keyed_by', 'score', 'was', 'numbers', 'replaced_by', 'holder'];
      for (const row of rows) {
        const a = stored.get(row.seq);
        assert(a, 'row ' + row.seq + ' is in the server\'s log');
        const t = new Date(Date.parse(a.at) + 8 * 3600 * 1000);
        const want = t.getUTCFullYear() + '-' + pad(t.getUTCMonth() + 1) + '-' + pad(t.getUTCDate()) + ' ' +
          pad(t.getUTCHours()) + ':' + pad(t.getUTCMinutes()) + ':' + pad(t.getUTCSeconds());
        assert(row.when === want, 'row ' + row.seq + ' shows ' + row.when + ', UTC+8 of ' + a.at + ' is ' + want);
        let rest = row.detail;
        for (const k of asIs) for (const v of [].concat(a.detail && a.detail[k] != null ? a.detail[k] : [])) rest = rest.split(String(v)).join('');
        if (a.detail && a.detail.sha256) rest = rest.split(a.detail.sha256.slice(0, 16) + '…').join('');
        rest = rest.replace(/UTF-8|GB18030/g, '');
        assert(!/[A-Za-z]/.test(rest), 'English in the detail of ' + row.action + ': ' + row.detail + ' (left: ' + rest + ')');
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= 1280, 'the audit log fits 1280 px: ' + wide);
      await H.shot(page, 'admin-audit');
      assert(page.errors.length === 0, page.errors.join('; '));
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
