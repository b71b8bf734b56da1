// The tablet's WorldSkills sheet (issue 18) in headless Chromium at 1024×768 against the real
// server: a judge marks judgement aspects by choosing 0–3 against the benchmark texts and
// measurement aspects by 是/否 or a count of faults, reviews every aspect, submits, and corrects a
// J score with the same choices; what the server stores is checked value by value.
'use strict';
const fs = require('fs');
const path = require('path');
const H = require('./harness');
const { assert, api } = H;

const WS = JSON.parse(fs.readFileSync(path.join(H.ROOT, 'tests', 'golden', 'worldskills.in.json'), 'utf8'));
const C = '/api/competitions/WS2026';

H.run(async (test) => {
  const srv = await H.startServer();
  const browser = await H.launch();
  try {
    const admin = await H.adminToken(srv);
    const imp = await api(srv, 'POST', '/api/competitions', Object.assign({}, WS, { marks: [] }), admin);
    assert(imp.status === 200 || imp.status === 201, 'import: ' + JSON.stringify(imp.doc));
    assert((await api(srv, 'POST', C + '/events/W01/draw', {}, admin)).status === 200, 'draw');
    const pin = (await api(srv, 'POST', C + '/judges/J2/pin', {}, admin)).doc.pin;
    const sheet = (await api(srv, 'GET', C + '/events/W01/sheet', null, admin)).doc;
    const first = sheet.rows.map((r) => r.number).sort()[0];
    const entry = sheet.rows.find((r) => r.number === first).entry;
    const tablet = await H.newPage(browser, 1024, 768);

    const storedMarks = async () => {
      const s = (await api(srv, 'GET', C + '/events/W01/sheet', null, admin)).doc;
      const row = s.rows.find((r) => r.entry === entry);
      const out = {};
      for (const [item, per] of Object.entries(row.marks || {})) if (per.J2 != null) out[item] = per.J2;
      return out;
    };

    await test('a judge marks J aspects 0–3 against the benchmarks and M aspects by 是/否 and faults', async () => {
      await tablet.goto(srv.base + '/judge/?c=WS2026');
      await tablet.waitForSelector('#comp option', { state: 'attached' });
      await tablet.selectOption('#comp', 'WS2026');
      await tablet.fill('#code', 'J2');
      await tablet.fill('#pin', pin);
      await tablet.click('#signIn');
      await tablet.waitForSelector(`#entries li[data-number="${first}"]`);
      await tablet.click(`#entries li[data-number="${first}"]`);
      await tablet.waitForSelector('#sheet:not([hidden]) #criteria li[data-criterion="A3"]');
      assert(await tablet.isHidden('#keypad'), 'no keypad for a marking scheme');
      // the J aspect shows its four benchmark texts, the M aspects their kind
      const bench = await tablet.$$eval('li[data-criterion="A3"] .choices button', (bs) => bs.map((b) => b.textContent));
      assert(bench.length === 4 && bench[2].startsWith('2') && bench[2].includes('达到并在某些方面超过行业标准'), 'benchmarks: ' + bench);
      assert((await tablet.textContent('li[data-criterion="A1"] .kind')) === '测量分', 'M kind');
      assert((await tablet.textContent('li[data-criterion="B1"] .kind')) === '评价分', 'J kind');
      await H.shot(tablet, 'worldskills-sheet-1024x768');

      await tablet.click('li[data-criterion="A1"] [data-choice="10"]');          // 是
      await tablet.click('li[data-criterion="A2"] [data-choice="10"]');          // 无扣分 ...
      await tablet.click('li[data-criterion="A2"] .choices button:last-of-type'); // ... then + one fault
      assert((await tablet.textContent('li[data-criterion="A2"] .faults')).includes('扣 1 处'), 'one fault');
      await tablet.click('li[data-criterion="A3"] [data-choice="3"]');
      await tablet.click('li[data-criterion="B1"] [data-choice="3"]');
      await tablet.click('li[data-criterion="B2"] [data-choice="2"]');
      await tablet.click('li[data-criterion="B3"] [data-choice="0"]');           // 否
      assert((await tablet.textContent('li[data-criterion="B3"] .val')) === '否', 'B3 shows 否');
      assert((await tablet.textContent('li[data-criterion="A3"] .val')) === '3 分', 'A3 shows 3 分');
      // the review lists every aspect with what the judge chose, and no sum of records
      await tablet.click('#review');
      await tablet.waitForSelector('#dialog:not([hidden])');
      const rows = await tablet.$$eval('#dialogBody tr[data-criterion]', (trs) => trs.map((t) => [t.dataset.criterion, t.querySelector('.v').textContent]));
      assert(JSON.stringify(rows) === JSON.stringify([['A1', '是'], ['A2', '9.5'], ['A3', '3 分'], ['B1', '3 分'], ['B2', '2 分'], ['B3', '否']]), 'review: ' + JSON.stringify(rows));
      assert(!(await tablet.$('#reviewTotal')), 'no 合计 of records');
      await H.shot(tablet, 'worldskills-review-1024x768');
      await tablet.click('#dialogOk');
      await tablet.waitForFunction(() => document.getElementById('queue').textContent.includes('全部已保存'), null, { timeout: 10000 });
      const m = await storedMarks();
      assert(JSON.stringify(m) === JSON.stringify({ A1: '10.00', A2: '9.50', A3: '3.00', B1: '3.00', B2: '2.00', B3: '0.00' }), 'stored: ' + JSON.stringify(m));
      assert(tablet.errors.length === 0, 'page errors: ' + tablet.errors);
    });

    await test('a J score is corrected with the same 0–3 choices and a reason', async () => {
      await tablet.click('li[data-criterion="B2"] button.fix');
      await tablet.waitForSelector('#dialog:not([hidden]) .corrChoices');
      await tablet.click('.corrChoices [data-choice="1"]');
      assert((await tablet.inputValue('#corrValue')) === '1', 'value chosen');
      await tablet.fill('#corrReason', '看错评价标准');
      await H.shot(tablet, 'worldskills-correct-1024x768');
      await tablet.click('#dialogOk');
      await tablet.waitForFunction(() => document.getElementById('queue').textContent.includes('全部已保存'), null, { timeout: 10000 });
      const m = await storedMarks();
      assert(m.B2 === '1.00', 'corrected: ' + JSON.stringify(m));
      assert(tablet.errors.length === 0, 'page errors: ' + tablet.errors);
    });

    await test('the chief sees a J aspect more than 1 point apart as a discrepancy to re-mark, not to accept', async () => {
      // J2 gave B1 a 3 on the tablet; J1 and J3 give 1 and 2: spread 2 > 1 (W5)
      const pins = {};
      for (const j of ['J1', 'J3']) pins[j] = (await api(srv, 'POST', C + '/judges/' + j + '/pin', {}, admin)).doc.pin;
      for (const [j, score] of [['J1', 1], ['J3', 2]]) {
        const tok = (await api(srv, 'POST', '/api/login', { judge: j, pin: pins[j], competition: 'WS2026' })).doc.token;
        const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), judge: j, number: first, criterion: 'B1', score }, tok);
        assert(r.status === 201, 'mark ' + j + ': ' + JSON.stringify(r.doc));
      }
      const chief = await H.newPage(browser, 1280, 800);
      await chief.goto(srv.base + '/admin/');
      await chief.click('#tabChief');
      await chief.waitForSelector('#chiefComp option', { state: 'attached' });
      await chief.selectOption('#chiefComp', 'WS2026');
      await chief.fill('#chiefCode', 'J1');
      await chief.fill('#chiefPin', pins.J1);
      await chief.click('#chiefForm button[type=submit]');
      await chief.waitForSelector('#nav button');
      await chief.click('#nav [data-section="review"]');
      const row = `#discTable tr[data-number="${first}"][data-criterion="B1"]`;
      await chief.waitForSelector(row);
      const text = await chief.textContent(row);
      assert(text.includes('运行稳定性') && text.includes('不能直接确认'), 'row: ' + text);
      assert(!(await chief.$(row + ' [data-act="accept"]')), 'no accept button for an aspect');
      assert(!(await chief.$('#conflicts')), 'a chief never sees 回避 marks');
      await chief.$eval(row, (r) => r.scrollIntoView());
      await H.shot(chief, 'worldskills-chief-discrepancy-1280x800');
      assert(chief.errors.length === 0, 'page errors: ' + chief.errors);
      await chief.context().close();
    });

    await test('after publication the projector shows every entry\'s 世赛分 and the medallion at 700', async () => {
      // A second server: the golden event with all its marks, locked by its chief, published.
      const s2 = await H.startServer();
      try {
        const adm = await H.adminToken(s2);
        assert([200, 201].includes((await api(s2, 'POST', '/api/competitions', WS, adm)).status), 'import');
        assert((await api(s2, 'POST', C + '/events/W01/draw', {}, adm)).status === 200, 'draw');
        const pinJ1 = (await api(s2, 'POST', C + '/judges/J1/pin', {}, adm)).doc.pin;
        const chiefTok = (await api(s2, 'POST', '/api/login', { judge: 'J1', pin: pinJ1, competition: 'WS2026' })).doc.token;
        const lock = await api(s2, 'POST', C + '/events/W01/lock', {}, chiefTok);
        assert(lock.status === 200, 'lock: ' + JSON.stringify(lock.doc));
        assert((await api(s2, 'POST', C + '/events/W01/publish', {}, adm)).status === 200, 'publish');
        const display = await H.newPage(browser, 1920, 1080);
        await display.goto(s2.base + '/display/?c=WS2026&event=W01&group=' + encodeURIComponent('职工组'));
        await display.waitForFunction(() => [...document.querySelectorAll('td.total .scale')].length === 5, null, { timeout: 10000 });
        const rows = await display.$$eval('tbody tr', (trs) => trs.map((tr) => [tr.querySelector('td.total .scale').textContent, tr.querySelector('td.award').textContent]));
        assert(JSON.stringify(rows) === JSON.stringify([['世赛分 731', '金牌'], ['世赛分 703', '银牌'], ['世赛分 700', '优胜奖'], ['世赛分 668', ''], ['世赛分 641', '']]), 'rows: ' + JSON.stringify(rows));
        await H.shot(display, 'worldskills-display-1920x1080');
        assert(display.errors.length === 0, 'page errors: ' + display.errors);
        await display.context().close();
      } finally {
        await H.stopServer(s2);
      }
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
