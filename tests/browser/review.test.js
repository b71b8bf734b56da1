// The chief judge's review and the tablet's rough edges (issue 14), in real headless Chromium
// against the real server: standings by 工位号 before lock, the outlier marked, a mark sent back
// to its judge (待复评 on the tablet) and cleared by the judge's correction on the dialog's
// keypad; unsubmitted values shown on the tile and the bar, a review listing every criterion
// with 合计, signing out refused while marks wait, ".5" read as 0.5, the next 工位 offered, a
// locked event's keypad disabled.
'use strict';
const H = require('./harness');
const { assert, api, C } = H;

async function signInJudge(page, base, judge) {
  await page.goto(base + '/judge/?c=YN2026');
  await page.waitForSelector('#comp option', { state: 'attached' });
  await page.fill('#code', judge);
  await page.fill('#pin', H.demoPin(judge));
  await page.click('#signIn');
  await page.waitForSelector('#entries li[data-number]');
}

async function signInChief(page, base, judge) {
  await page.goto(base + '/admin/');
  await page.click('#tabChief');
  await page.waitForSelector('#chiefComp option', { state: 'attached' });
  await page.selectOption('#chiefComp', 'YN2026');
  await page.fill('#chiefCode', judge);
  await page.fill('#chiefPin', H.demoPin(judge));
  await page.click('#chiefForm button[type=submit]');
  await page.waitForSelector('#nav button');
}

async function says(page, sel, part) {
  try {
    await page.waitForFunction(([s, p]) => (document.querySelector(s) || {}).textContent.includes(p), [sel, part], { timeout: 8000 });
  } catch (e) {
    throw new Error(sel + ' should say ' + JSON.stringify(part) + ', it says ' + JSON.stringify(await page.textContent(sel)));
  }
}

// Marks by the judges of E02 on one number through the API, {judge: [A, B, C, D]}.
async function markAll(srv, number, byJudge) {
  for (const [judge, scores] of Object.entries(byJudge)) {
    const token = await H.login(srv, { judge, pin: H.demoPin(judge) });
    for (const [i, crit] of ['A', 'B', 'C', 'D'].entries()) {
      const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), number, criterion: crit, judge, score: scores[i] }, token);
      assert(r.status === 201, JSON.stringify(r.doc));
    }
  }
}

H.run(async (test) => {
  const srv = await H.startServer();
  const browser = await H.launch();
  try {
    const admin = await H.adminToken(srv);
    const rows = await H.numbers(srv, admin, 'E02');

    await test('the chief sees standings by number and the outlier, sends a mark back; the judge corrects it on the tablet', async () => {
      const no = rows[0].number;
      await markAll(srv, no, { J06: [30, 28, 12, 8], J07: [31, 27, 12, 8], J08: [18, 28, 13, 8],
        J09: [30, 29, 12, 9], J10: [29, 28, 12, 8] });
      const chief = await H.newPage(browser, 1280, 800);
      await signInChief(chief, srv.base, 'J06');
      await chief.click('#nav [data-section="review"]');
      await chief.waitForSelector('#standings tr[data-number]');
      // Standings list numbers in order, and nothing that names an entry.
      const nums = await chief.$$eval('#standings tr[data-number]', (t) => t.map((r) => r.dataset.number));
      assert(JSON.stringify(nums) === JSON.stringify([...nums].sort()), 'number order: ' + nums);
      const page = await chief.textContent('#review');
      for (const e of H.demo.entries.filter((x) => x.event === 'E02')) {
        assert(!page.includes(e.id) && !e.members.some((m) => page.includes(m.name)), 'names nothing of ' + e.id);
      }
      assert((await chief.textContent(`#standings tr[data-number="${no}"]`)).includes('✓'), 'the marked number is complete');
      // J08's 18 on A is the discrepancy's outlier.
      await chief.waitForSelector(`#discTable tr[data-number="${no}"][data-criterion="A"] .mk.outlier`);
      assert((await chief.textContent(`#discTable tr[data-number="${no}"][data-criterion="A"] .mk.outlier`)).includes('J08'), 'J08 is the outlier');
      await chief.click(`#discTable tr[data-number="${no}"][data-criterion="A"] [data-act="view"]`);
      await chief.waitForSelector('#slotCard');
      assert(await chief.$('#slotTable tr[data-criterion="A"] td.cell.outlier[data-judge="J08"]'), 'outlier cell marked');
      await chief.click('#slotTable tr[data-criterion="A"] td[data-judge="J08"] [data-act="askSendBack"]');
      await chief.fill('#slotForm [name=note]', '请复核 A 项扣分');
      // The photograph shows the slot card whole: the outlier cell and the send-back form.
      await chief.$eval('#slotCard', (c) => c.scrollIntoView({ block: 'end' }));
      const seen = await chief.evaluate(() => ['#slotTable td.cell.outlier', '#slotForm [data-act="sendBack"]'].map((q) => {
        const r = document.querySelector(q).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight;
      }));
      assert(seen.every(Boolean), 'outlier and form in view: ' + seen);
      const fit = await chief.$eval('#slotCard', (c) => [c.scrollWidth, c.clientWidth, document.documentElement.scrollWidth]);
      assert(fit[0] <= fit[1] && fit[2] <= 1280, 'the slot card fits 1280 px: ' + fit);
      await H.shot(chief, 'review-chief-1280x800');
      await chief.click('#slotForm [data-act="sendBack"]');
      await says(chief, '#msg', '已退回');
      // Lock waits for the answer (and for the other numbers' marks).
      const lock = await api(srv, 'POST', C + '/events/E02/lock', {}, await H.login(srv, { judge: 'J06', pin: H.demoPin('J06') }));
      assert(lock.status === 409, 'lock refused: ' + lock.status);

      const tablet = await H.newPage(browser, 1024, 768);
      await signInJudge(tablet, srv.base, 'J08');
      const tile = `#entries li[data-number="${no}"]`;
      await tablet.waitForSelector(tile + '.sentback');
      assert((await tablet.textContent(tile)).includes('待复评 1'), await tablet.textContent(tile));
      await tablet.click(tile);
      await tablet.waitForSelector('#criteria li[data-criterion="A"][data-state="sentback"]');
      assert((await tablet.textContent('#criteria li[data-criterion="A"]')).includes('请复核 A 项扣分'), 'the note shows');
      const bottom = await tablet.$eval('#review', (b) => b.getBoundingClientRect().bottom);
      assert(bottom <= 768, 'the submit button stays on screen with the note: bottom at ' + bottom);
      assert(!(await tablet.getAttribute('#nextEntry', 'class')).includes('primary'), 'answering the send-back comes before the next 工位');
      await H.shot(tablet, 'review-tablet-sentback-1024x768');
      await tablet.click('#criteria li[data-criterion="A"] button.fix:not(.keep)');
      await tablet.waitForSelector('#dialog:not([hidden]) .minipad');
      assert((await tablet.textContent('#dialog .current')).includes('18'), 'the current value shows');
      for (const k of '29.5') await tablet.click(`#dialog .minipad [data-key="${k}"]`);
      assert(await tablet.inputValue('#corrValue') === '29.5', 'typed on the dialog keypad');
      await tablet.fill('#corrReason', '复核后更正');
      await H.shot(tablet, 'review-tablet-correct-1024x768');
      await tablet.click('#dialogOk');
      await tablet.waitForSelector('#criteria li[data-criterion="A"][data-state="saved"]');
      const sheet = (await api(srv, 'GET', C + '/events/E02/sheet', null, admin)).doc.rows.find((r) => r.number === no);
      assert(sheet.marks.A.J08 === '29.50' && !(sheet.sendbacks || []).length, JSON.stringify(sheet));
      // The chief's page shows it answered.
      await chief.click('#nav [data-section="review"]');
      await chief.click(`#standings tr[data-number="${no}"] button`);
      // The page keeps showing what it had until the new answers are in: wait for them, bounded.
      await chief.waitForFunction(() => document.querySelector('#slotTable') &&
        !document.querySelector('#slotTable td[data-judge="J08"] .badge.sentback'), null, { timeout: 8000 })
        .catch(() => { throw new Error('assertion failed: no longer waiting'); });
      for (const p of [chief, tablet]) {
        assert(p.errors.length === 0, p.errors.join('; '));
        await p.context().close();
      }
    });

    await test('the judge confirms a sent-back mark as it is', async () => {
      const no = rows[0].number;
      const chief = await H.login(srv, { judge: 'J06', pin: H.demoPin('J06') });
      const r = await api(srv, 'POST', C + '/events/E02/sendback', { number: no, criterion: 'B', judge: 'J07', note: '请确认 B 项' }, chief);
      assert(r.status === 201, JSON.stringify(r.doc));
      const tablet = await H.newPage(browser, 1024, 768);
      await signInJudge(tablet, srv.base, 'J07');
      await tablet.click(`#entries li[data-number="${no}"]`);
      await tablet.click('#criteria li[data-criterion="B"] [data-act="keep"]');
      await tablet.click('#dialogOk');
      await says(tablet, '#sheetMsg', '已确认原分');
      const row = (await api(srv, 'GET', C + '/events/E02/sheet', null, admin)).doc.rows.find((x) => x.number === no);
      assert(row.marks.B.J07 === '27.00' && !(row.sendbacks || []).length, JSON.stringify(row));
      assert(tablet.errors.length === 0, tablet.errors.join('; '));
      await tablet.context().close();
    });

    await test('a tablet with the sheet open picks up a send-back; its correction keypad has 清除, 00 and .5', async () => {
      const no = rows[0].number;
      const tablet = await H.newPage(browser, 1024, 768);
      await signInJudge(tablet, srv.base, 'J09');
      await tablet.click(`#entries li[data-number="${no}"]`);
      await tablet.waitForSelector('#criteria li[data-criterion="D"][data-state="saved"]');
      const chief = await H.login(srv, { judge: 'J06', pin: H.demoPin('J06') });
      const r = await api(srv, 'POST', C + '/events/E02/sendback', { number: no, criterion: 'D', judge: 'J09', note: '请复核 D 项' }, chief);
      assert(r.status === 201, JSON.stringify(r.doc));
      // The sheet stays open: the tablet fetches its event again every 10 s.
      await tablet.waitForSelector('#criteria li[data-criterion="D"][data-state="sentback"]', { timeout: 15000 });
      assert((await tablet.textContent('#criteria li[data-criterion="D"]')).includes('请复核 D 项'), 'the note shows');
      assert((await tablet.textContent('#sheetMsg')) === '裁判长退回了本工位 1 项评分，请复评（更正或确认原分）', await tablet.textContent('#sheetMsg'));
      const shown = await tablet.$eval('#criteria li[data-criterion="D"] .note', (n) => {
        const r = n.getBoundingClientRect(), box = document.getElementById('criteria').getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom;
      });
      assert(shown, 'the note of the sent-back mark is scrolled into view');
      await H.shot(tablet, 'tablet-sendback-arrives-1024x768');
      await tablet.click('#criteria li[data-criterion="D"] button.fix:not(.keep)');
      await tablet.waitForSelector('#dialog:not([hidden]) .minipad');
      const keys = await tablet.$$eval('#dialog .minipad button', (b) => b.map((x) => x.textContent));
      assert(JSON.stringify(keys) === JSON.stringify(['7', '8', '9', '4', '5', '6', '1', '2', '3', '.', '0', '⌫', '清除', '00', '.5']), 'keys: ' + keys);
      const key = (k) => tablet.click(`#dialog .minipad [data-key="${k}"]`);
      await key('1'); await key('00');
      assert(await tablet.inputValue('#corrValue') === '100', await tablet.inputValue('#corrValue'));
      await tablet.fill('#corrReason', '复核后更正');
      await tablet.click('#dialogOk');
      assert((await tablet.textContent('#dialogMsg')) === '不能超过满分 10', await tablet.textContent('#dialogMsg'));
      await key('C');
      assert(await tablet.inputValue('#corrValue') === '', 'cleared');
      await key('8'); await key('.5'); await key('.5');   // one decimal point only
      assert(await tablet.inputValue('#corrValue') === '8.5', await tablet.inputValue('#corrValue'));
      await H.shot(tablet, 'tablet-correct-keypad-1024x768');
      await tablet.click('#dialogOk');
      await tablet.waitForSelector('#criteria li[data-criterion="D"][data-state="saved"]');
      const row = (await api(srv, 'GET', C + '/events/E02/sheet', null, admin)).doc.rows.find((x) => x.number === no);
      assert(row.marks.D.J09 === '8.50' && !(row.sendbacks || []).some((b) => b.judge === 'J09'), JSON.stringify(row));
      assert(tablet.errors.length === 0, tablet.errors.join('; '));
      await tablet.context().close();
    });

    await test('the chief corrects a mark with a reason on the review page', async () => {
      const no = rows[0].number;
      const chief = await H.newPage(browser, 1280, 800);
      await signInChief(chief, srv.base, 'J06');
      await chief.click('#nav [data-section="review"]');
      await chief.click(`#standings tr[data-number="${no}"] button`);
      await chief.waitForSelector('#slotTable');
      const cell = '#slotTable tr[data-criterion="C"] td[data-judge="J10"]';
      assert((await chief.textContent(cell + ' .v')) === '12', 'J10 gave 12 on C: ' + await chief.textContent(cell + ' .v'));
      await chief.click(cell + ' [data-act="askCorrect"]');
      await chief.waitForSelector('#slotForm:not([hidden]) [name=score]');
      assert((await chief.textContent('#slotForm strong')) === '工位 ' + no + ' · C ' + H.demo.events[1].criteria[2].name + ' · 裁判 J10', await chief.textContent('#slotForm strong'));
      // Above the maximum (15): refused on the page, in Chinese.
      await chief.fill('#slotForm [name=score]', '16');
      await chief.fill('#slotForm [name=reason]', '裁判长复核：C 项少计 1.5 分');
      await chief.click('#slotForm [data-act="correct"]');
      await says(chief, '#msg', '分数格式不对');
      await chief.fill('#slotForm [name=score]', '13.5');
      await chief.$eval('#slotCard', (c) => c.scrollIntoView({ block: 'end' }));
      await H.shot(chief, 'review-chief-correct-1280x800');
      await chief.click('#slotForm [data-act="correct"]');
      await says(chief, '#msg', '已更正：工位 ' + no + ' 裁判 J10');
      const sheet = (await api(srv, 'GET', C + '/events/E02/sheet', null, admin)).doc.rows.find((r) => r.number === no);
      assert(sheet.marks.C.J10 === '13.50', JSON.stringify(sheet.marks.C));
      const audit = (await api(srv, 'GET', C + '/audit', null, admin)).doc.audit;
      const a = audit.find((x) => x.action === 'correction' && x.actor === 'J06');
      assert(a && a.detail.judge === 'J10' && a.detail.criterion === 'C' && a.detail.score === '13.50' &&
        a.detail.was === '12.00' && a.detail.reason === '裁判长复核：C 项少计 1.5 分', JSON.stringify(a));
      await chief.click(`#standings tr[data-number="${no}"] button`);
      await chief.waitForFunction((q) => (document.querySelector(q) || {}).textContent === '13.5', cell + ' .v', { timeout: 5000 });
      assert(chief.errors.length === 0, chief.errors.join('; '));
      await chief.context().close();
    });

    await test('the tablet: unsubmitted values show, the review lists every criterion with 合计, ".5" is 0.5, the next 工位 is offered', async () => {
      const no = rows[1].number, next = rows[2].number;
      const tablet = await H.newPage(browser, 1024, 768);
      await signInJudge(tablet, srv.base, 'J09');
      await tablet.click(`#entries li[data-number="${no}"]`);
      await tablet.click('#criteria li[data-criterion="A"]');
      for (const k of '30') await tablet.click(`#keypad [data-key="${k}"]`);
      assert((await tablet.textContent('#queue')).includes('有评分未提交'), 'the bar: ' + await tablet.textContent('#queue'));
      // Leaving asks first; staying keeps the sheet.
      await tablet.click('#back');
      await tablet.waitForSelector('#dialog:not([hidden])');
      assert((await tablet.textContent('#dialogBody')).includes('1 项'), await tablet.textContent('#dialogBody'));
      await H.shot(tablet, 'tablet-leave-dialog-1024x768');
      await tablet.click('#dialogCancel');
      assert(await tablet.isVisible('#sheet'), 'still on the sheet');
      await tablet.click('#back');
      await tablet.click('#dialogOk');
      await tablet.waitForSelector(`#entries li[data-number="${no}"].drafting`);
      assert((await tablet.textContent(`#entries li[data-number="${no}"]`)).includes('未提交 1'), 'the tile says so');
      await H.shot(tablet, 'tablet-drafting-1024x768');
      // ".5" on C is half a point; the review lists all four, D missing, 合计 30.5.
      await tablet.click(`#entries li[data-number="${no}"]`);
      await tablet.click('#criteria li[data-criterion="C"]');
      await tablet.click('#keypad [data-key=".5"]');
      await tablet.click('#review');
      await tablet.waitForSelector('#dialog:not([hidden]) table');
      const review = await tablet.$$eval('#dialog tr[data-criterion]', (t) => t.map((r) => [r.dataset.criterion, r.className, r.cells[2].textContent]));
      assert(JSON.stringify(review) === JSON.stringify([['A', 'new', '30'], ['B', 'missing', '未评'], ['C', 'new', '0.5'], ['D', 'missing', '未评']]), JSON.stringify(review));
      assert(await tablet.textContent('#reviewTotal') === '30.5', await tablet.textContent('#reviewTotal'));
      await H.shot(tablet, 'tablet-review-1024x768');
      // Marks that cannot be sent: signing out is refused with their count.
      await tablet.route('**/api/competitions/*/marks', (route) => route.abort());
      await tablet.click('#dialogOk');
      await tablet.waitForFunction(() => document.getElementById('queue').textContent.includes('2 条待发送'));
      await tablet.click('#signOut');
      await tablet.waitForSelector('#dialog:not([hidden])');
      assert((await tablet.textContent('#dialogBody')).includes('2 条评分未发送'), await tablet.textContent('#dialogBody'));
      await H.shot(tablet, 'tablet-signout-refused-1024x768');
      await tablet.click('#dialogOk');
      assert(await tablet.isVisible('#sheet'), 'still signed in');
      await tablet.unroute('**/api/competitions/*/marks');
      await tablet.waitForFunction(() => document.getElementById('queue').textContent.includes('全部已保存'), null, { timeout: 15000 });
      const row = (await api(srv, 'GET', C + '/events/E02/sheet', null, admin)).doc.rows.find((x) => x.number === no);
      assert(row.marks.C.J09 === '0.50' && row.marks.A.J09 === '30.00', JSON.stringify(row.marks));
      // Finish the sheet: the next 工位 still to mark is offered.
      for (const [c, v] of [['B', '20'], ['D', '5']]) {
        await tablet.click(`#criteria li[data-criterion="${c}"]`);
        for (const k of v) await tablet.click(`#keypad [data-key="${k}"]`);
      }
      await tablet.click('#review');
      await tablet.click('#dialogOk');
      await tablet.waitForSelector('#nextEntry:not([hidden])');
      assert((await tablet.textContent('#nextEntry')).includes(next), await tablet.textContent('#nextEntry'));
      await H.shot(tablet, 'tablet-next-entry-1024x768');
      await tablet.click('#nextEntry');
      await says(tablet, '#sheetTitle', next);
      assert(tablet.errors.length === 0, tablet.errors.join('; '));
      await tablet.context().close();
    });

    await test('裁判评分分析: the lenient judge is highlighted with the reason in Chinese, judges only, the PDF downloads', async () => {
      // Six more numbers of clearly different quality, marked by all five judges; J08 gives 15%
      // more (capped at the maximum), the others stay within half a point of the truth.
      // One sign-in per judge: sign-ins from one address are throttled.
      const max = [40, 35, 15, 10], quality = [0.5, 0.62, 0.74, 0.86, 0.93, 0.56];
      const wobble = { J06: 0, J07: 0.5, J08: 0, J09: -0.5, J10: 0.25 };
      for (const j of Object.keys(wobble)) {
        const token = await H.login(srv, { judge: j, pin: H.demoPin(j) });
        for (const [i, q] of quality.entries()) {
          for (const [k, crit] of ['A', 'B', 'C', 'D'].entries()) {
            const v = Math.min(max[k], Math.max(0, Math.round(max[k] * q * 2) / 2 + wobble[j]));
            const score = j === 'J08' ? Math.min(max[k], Math.round(v * 115) / 100) : v;
            const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), number: rows[3 + i].number, criterion: crit, judge: j, score }, token);
            assert(r.status === 201, JSON.stringify(r.doc));
          }
        }
      }
      const served = (await api(srv, 'GET', C + '/events/E02/analytics', null, admin)).doc;
      assert(JSON.stringify(served.judges.filter((j) => j.flagged).map((j) => [j.id, j.reasons])) === '[["J08",["lenient"]]]',
        JSON.stringify(served.judges.map((j) => [j.id, j.leniency, j.rho, j.flags, j.reasons])));

      const chief = await H.newPage(browser, 1280, 800);
      await signInChief(chief, srv.base, 'J06');
      await chief.click('#nav [data-section="review"]');
      await chief.waitForSelector('#analyticsTable tr[data-judge]');
      const judges = await chief.$$eval('#analyticsTable tr[data-judge]', (t) => t.map((r) => [r.dataset.judge, r.classList.contains('flagged')]));
      assert(JSON.stringify(judges) === JSON.stringify([['J06', false], ['J07', false], ['J08', true], ['J09', false], ['J10', false]]), JSON.stringify(judges));
      const j08 = await chief.textContent('#analyticsTable tr[data-judge="J08"]');
      const lenient = served.judges.find((j) => j.id === 'J08').leniency;
      assert(j08.includes('关注') && j08.includes('偏松：宽严度 +' + lenient + '%，高于 +5.00%'), j08);
      for (const j of ['J06', 'J07', 'J09', 'J10']) {
        const text = await chief.textContent(`#analyticsTable tr[data-judge="${j}"]`);
        assert(!text.includes('关注') && !text.includes('偏'), j + ': ' + text);
      }
      assert((await chief.textContent('#analyticsTable tr[data-judge="J06"]')).includes('（裁判长）'), 'the chief is marked');
      assert((await chief.textContent('#analyticsFlagged')).includes('需关注 1 人'), await chief.textContent('#analyticsFlagged'));
      // Judges only: no entry id or contestant name in the card.
      const card = await chief.textContent('#analytics');
      for (const e of H.demo.entries.filter((x) => x.event === 'E02')) {
        assert(!card.includes(e.id) && !e.members.some((m) => card.includes(m.name)), 'names nothing of ' + e.id);
      }
      await chief.$eval('#analytics', (e) => e.scrollIntoView());
      await H.shot(chief, 'review-analytics-1280x800');
      await chief.locator('#analytics').screenshot({ path: require('path').join(H.SHOTS, 'review-analytics-card.png') });
      const [dl] = await Promise.all([chief.waitForEvent('download'), chief.click('#analytics [data-download="analytics"]')]);
      assert(dl.suggestedFilename() === 'YN2026-E02-analytics.pdf', dl.suggestedFilename());
      const file = require('path').join(require('os').tmpdir(), 'review-analytics-' + process.pid + '.pdf');
      await dl.saveAs(file);
      assert(require('fs').readFileSync(file).subarray(0, 5).toString() === '%PDF-', 'a PDF');
      require('fs').unlinkSync(file);
      assert(chief.errors.length === 0, chief.errors.join('; '));
      await chief.context().close();
    });

    await test('a locked event: the keypad is visibly disabled', async () => {
      const tablet = await H.newPage(browser, 1024, 768);
      await signInJudge(tablet, srv.base, 'J02'); // E01 is locked in the demo
      await tablet.click('#entries li[data-number]');
      await tablet.waitForSelector('#keypad.locked');
      const enabled = await tablet.$$eval('#keypad button', (b) => b.filter((x) => !x.disabled).length);
      assert(enabled === 0, enabled + ' keys still enabled');
      await H.shot(tablet, 'tablet-locked-1024x768');
      await tablet.context().close();
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
