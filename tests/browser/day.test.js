// The competition day's pages in real headless Chromium against the real server (issue 19):
// check-in at the door on a phone (390×844), and theory scores keyed twice on the organizer
// page (1280×800), a disagreement shown with both values and resolved by a third keying.
'use strict';
const H = require('./harness');
const { assert, api, C } = H;

async function signInStaff(page, base, user, password) {
  await page.goto(base + '/admin/');
  await page.fill('#user', user);
  await page.fill('#password', password);
  await page.click('#staffForm button[type=submit]');
  await page.waitForSelector('#nav button');
}

async function msgSays(page, part) {
  try {
    await page.waitForFunction((p) => document.getElementById('msg').textContent.includes(p), part, { timeout: 5000 });
  } catch (e) {
    throw new Error('waited for a message with ' + JSON.stringify(part) + ', the page says ' +
      JSON.stringify(await page.textContent('#msg')));
  }
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

const entryOf = async (srv, admin, entry) =>
  (await api(srv, 'GET', C + '/export', null, admin)).doc.entries.find((e) => e.id === entry);

const statusOf = async (srv, admin, entry) =>
  (await api(srv, 'GET', C + '/export', null, admin)).doc.entries.find((e) => e.id === entry).status;

H.run(async (test) => {
  const srv = await H.startServer();
  const browser = await H.launch();
  try {
    const admin = await H.adminToken(srv);
    for (const u of ['luru1', 'luru2', 'luru3']) {
      const r = await api(srv, 'POST', '/api/users', { user: u, role: 'clerk', password: 'clerk-password' }, admin);
      assert(r.status === 201, JSON.stringify(r.doc));
    }

    await test('check-in on a 390×844 phone: find by name and by ID-card tail, one tap marks absent and back', async () => {
      const page = await H.newPage(browser, 390, 844);
      const e = H.demo.entries.find((x) => x.event === 'E03' && x.status === 'ok');
      const person = e.members[1];
      await page.goto(srv.base + '/checkin/');
      await page.selectOption('#comp', 'YN2026');
      await page.fill('#user', 'luru1');
      await page.fill('#password', 'clerk-password');
      await page.click('#loginForm button[type=submit]');
      await page.waitForSelector('#list li[data-entry]');
      await page.selectOption('#event', 'E03');
      await page.fill('#q', person.name);
      await page.waitForFunction((id) => document.querySelectorAll('#list li[data-entry]').length >= 1 &&
        !!document.querySelector('#list li[data-entry="' + id + '"]'), e.id);
      await H.shot(page, 'checkin-390x844');
      await page.click(`#list li[data-entry="${e.id}"] button[data-act="absent"]`);
      await msgSays(page, '缺考');
      assert(await statusOf(srv, admin, e.id) === 'absent', 'stored as absent');
      assert((await page.textContent('#counts')).includes('缺考 1'), await page.textContent('#counts'));
      await H.shot(page, 'checkin-absent-390x844');
      // The last four characters of the ID card find the same entry; one tap brings it back.
      await page.fill('#q', person.id_number.slice(-4));
      await page.waitForSelector(`#list li[data-entry="${e.id}"] button[data-act="present"]`);
      await page.click(`#list li[data-entry="${e.id}"] button[data-act="present"]`);
      await msgSays(page, '到场');
      assert(await statusOf(srv, admin, e.id) === 'ok', 'back to present');
      // Made for a phone: no sideways scrolling, no text under 16 px, targets of 44 px and more.
      const layout = await page.evaluate(() => {
        const small = [...document.querySelectorAll('body *')].filter((n) => n.childNodes.length &&
          [...n.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim()) &&
          parseFloat(getComputedStyle(n).fontSize) < 14 && n.offsetParent);
        const tiny = [...document.querySelectorAll('button, input, select')].filter((b) => b.offsetParent &&
          b.getBoundingClientRect().height < 44);
        return { wide: document.documentElement.scrollWidth, small: small.length, tiny: tiny.length };
      });
      assert(layout.wide <= 390 && layout.small === 0 && layout.tiny === 0, JSON.stringify(layout));
      // A judge's or a display's account may not check in.
      const r = await api(srv, 'POST', C + '/entries/' + e.id + '/status', { status: 'absent', reason: '试探' },
        await H.login(srv, { user: 'display', password: 'demo-display' }));
      assert(r.status === 403, 'display: ' + r.status);
      assert(page.errors.length === 0, page.errors.join('; '));
      await page.context().close();
    });

    await test('the QR on an admission slip opens check-in on that contestant', async () => {
      const page = await H.newPage(browser, 390, 844);
      const e = H.demo.entries.find((x) => x.event === 'E02' && x.status === 'ok');
      await page.goto(srv.base + '/checkin/?c=YN2026&entry=' + encodeURIComponent(e.id));
      await page.waitForSelector('#loginForm');
      assert(await page.inputValue('#comp') === 'YN2026', 'competition preselected');
      await page.fill('#user', 'luru2');
      await page.fill('#password', 'clerk-password');
      await page.click('#loginForm button[type=submit]');
      await page.waitForSelector('#list li[data-entry]');
      const shown = await page.$$eval('#list li[data-entry]', (ls) => ls.map((l) => l.dataset.entry));
      assert(shown.length === 1 && shown[0] === e.id, JSON.stringify(shown));
      assert(await page.inputValue('#q') === e.id, 'search holds the entry');
      assert(page.errors.length === 0, page.errors.join('; '));
      await page.context().close();
      // Where the browser has a QR detector and a camera, the page scans the slip itself. Linux
      // Chromium has no BarcodeDetector: the test stands in for the detector and the camera
      // (a canvas stream) and checks what the page does with what they see.
      const other = H.demo.entries.find((x) => x.event === 'E03' && x.status === 'ok');
      const phone = await H.newPage(browser, 390, 844);
      await phone.addInitScript((url) => {
        window.BarcodeDetector = class { async detect() { return window.__seen ? [{ rawValue: window.__seen }] : []; } };
        navigator.mediaDevices.getUserMedia = async () => document.createElement('canvas').captureStream(5);
        window.__slip = url;
      }, srv.base + '/checkin/?c=YN2026&entry=' + encodeURIComponent(other.id));
      await phone.goto(srv.base + '/checkin/');
      await phone.selectOption('#comp', 'YN2026');
      await phone.fill('#user', 'luru2');
      await phone.fill('#password', 'clerk-password');
      await phone.click('#loginForm button[type=submit]');
      await phone.waitForSelector('#list li[data-entry]');
      assert(await phone.isVisible('#scan'), 'a scan button where scanning works');
      await phone.click('#scan');
      await phone.waitForSelector('#camera', { state: 'visible' });
      await phone.evaluate(() => { window.__seen = 'https://example.org/other?c=XX&entry=E01-W01'; });
      await msgSays(phone, '不是本赛事');
      await phone.evaluate(() => { window.__seen = window.__slip; });
      await phone.waitForFunction((id) => {
        const ls = document.querySelectorAll('#list li[data-entry]');
        return ls.length === 1 && ls[0].dataset.entry === id;
      }, other.id);
      assert(await phone.isHidden('#camera'), 'the camera stops after a scan');
      await H.shot(phone, 'checkin-scanned-390x844');
      assert(phone.errors.length === 0, phone.errors.join('; '));
      await phone.context().close();
    });

    await test('times in mm:ss by a timekeeper, a disqualification by the chief, undone by arbitration', async () => {
      const r = await api(srv, 'POST', '/api/users', { user: 'jishi', role: 'timekeeper', password: 'timer-password' }, admin);
      assert(r.status === 201, JSON.stringify(r.doc));
      const [first, second] = await H.numbers(srv, admin, 'E02');
      const timer = await H.newPage(browser, 1280, 800);
      await signInStaff(timer, srv.base, 'jishi', 'timer-password');
      await timer.waitForSelector('#timeForm');
      const navs = await timer.$$eval('#nav button', (bs) => bs.map((b) => b.dataset.section));
      assert(JSON.stringify(navs) === '["times"]', JSON.stringify(navs));
      await timer.selectOption('#timeForm [name=event]', 'E02');
      await timer.fill('#timeForm [name=who]', first.number);
      await timer.fill('#timeForm [name=time]', '52.07');
      await timer.click('#timeForm [data-act="sendTime"]');
      await msgSays(timer, '分:秒');
      await timer.fill('#timeForm [name=time]', '52:07');
      await timer.click('#timeForm [data-act="sendTime"]');
      await msgSays(timer, '52:07 已记录');
      assert((await entryOf(srv, admin, first.entry)).time_seconds === 3127, 'stored as 3127 s');
      await H.shot(timer, 'times-timekeeper-1280x800');
      // The chief judge of E02 checks in by number (absent, then present again) …
      const chief = await H.newPage(browser, 1280, 800);
      await signInChief(chief, srv.base, 'J06', '202606', 'YN2026');
      await chief.click('#nav [data-section="times"]');
      await chief.waitForSelector('#checkinForm');
      await chief.fill('#checkinForm [name=who]', first.number);
      await chief.click('#checkinForm [data-act="markAbsent"]');
      await msgSays(chief, '已标记缺考');
      assert(await statusOf(srv, admin, first.entry) === 'absent', 'absent');
      await chief.fill('#checkinForm [name=who]', first.number);
      await chief.click('#checkinForm [data-act="markPresent"]');
      await msgSays(chief, '已标记到场');
      assert(await statusOf(srv, admin, first.entry) === 'ok', 'present again');
      // … and disqualifies by number, with a reason.
      await chief.waitForSelector('#statusForm');
      await chief.fill('#statusForm [name=who]', second.number);
      await chief.fill('#statusForm [name=reason]', '违反安全操作规程');
      await chief.click('#statusForm [data-act="disqualify"]');
      await msgSays(chief, '已取消资格');
      assert(await statusOf(srv, admin, second.entry) === 'disqualified', 'disqualified');
      await H.shot(chief, 'times-chief-1280x800');
      // Arbitration restores it, by 参赛号, with a reason.
      const arb = await H.newPage(browser, 1280, 800);
      await signInStaff(arb, srv.base, 'zhongcai', 'demo-zhongcai');
      await arb.click('#nav [data-section="times"]');
      await arb.waitForSelector('#statusForm');
      assert(!(await arb.$('#timeForm')), 'arbitration records no times');
      await arb.fill('#statusForm [name=who]', second.entry);
      await arb.fill('#statusForm [name=reason]', '复议后撤销');
      await arb.click('#statusForm [data-act="undoDisqualify"]');
      await msgSays(arb, '已恢复参赛');
      assert(await statusOf(srv, admin, second.entry) === 'ok', 'back in');
      for (const p of [timer, chief, arb]) {
        assert(p.errors.length === 0, p.errors.join('; '));
        await p.context().close();
      }
    });

    await test('theory keyed twice at 1280×800: a disagreement shows both values until a third keying agrees', async () => {
      const pages = [];
      for (const u of ['luru1', 'luru2', 'luru3']) {
        const p = await H.newPage(browser, 1280, 800);
        await signInStaff(p, srv.base, u, 'clerk-password');
        await p.waitForSelector('#theoryForm');
        pages.push(p);
      }
      const key = async (p, entry, score) => {
        await p.fill('#theoryForm [name=entry]', entry);
        await p.fill('#theoryForm [name=score]', score);
        await p.click('#theoryForm [data-act="keyTheory"]');
      };
      await key(pages[0], 'E02-W03', '88.5');
      await msgSays(pages[0], '等待第二人核对');
      await key(pages[1], 'E02-W03', '85.5');
      await msgSays(pages[1], '不一致');
      const said = await pages[1].textContent('#msg');
      assert(said.includes('luru1 88.5') && said.includes('luru2 85.5'), said);
      await pages[1].waitForSelector('#pendingKeys tr.warn');
      await H.shot(pages[1], 'keying-disagree-1280x800');
      let theory = (await api(srv, 'GET', C + '/export', null, admin)).doc.theory;
      assert(theory.find((t) => t.entry === 'E02-W03').score !== 88.5, 'nothing counted yet');
      await key(pages[2], 'E02-W03', '88.5');
      await msgSays(pages[2], '两人录入一致');
      theory = (await api(srv, 'GET', C + '/export', null, admin)).doc.theory;
      assert(theory.find((t) => t.entry === 'E02-W03').score === 88.5, JSON.stringify(theory.slice(0, 3)));
      await pages[2].click('#nav [data-section="keying"]');
      await pages[2].waitForSelector('#pendingKeys, .card .muted');
      await H.shot(pages[2], 'keying-confirmed-1280x800');
      const wide = await pages[2].evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= 1280, 'scrolls sideways: ' + wide);
      for (const p of pages) assert(p.errors.length === 0, p.errors.join('; '));
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
