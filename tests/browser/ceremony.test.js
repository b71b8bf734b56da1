// The award ceremony (颁奖, issue 14) in real headless Chromium: the organizer's phone (390×844)
// steps E01 职工组 on a 1920×1080 display, from the lowest award up, one press per step.
'use strict';
const H = require('./harness');
const { assert, api, C } = H;

H.run(async (test) => {
  const srv = await H.startServer();
  const browser = await H.launch();
  try {
    const admin = await H.adminToken(srv);
    const results = (await api(srv, 'GET', C + '/results', null, admin)).doc;
    const group = results.rankings.find((g) => g.event === 'E01' && g.group === '职工组');
    const awarded = group.entries.filter((e) => e.award).sort((a, b) => a.rank - b.rank);
    const tiers = [];
    for (const e of awarded) {
      if (!tiers.length || tiers[tiers.length - 1].award !== e.award) tiers.push({ award: e.award, entries: [] });
      tiers[tiers.length - 1].entries.push(e);
    }
    tiers.reverse();
    const nameOf = (id) => H.demo.entries.find((x) => x.id === id).members[0].name;
    const unitOf = (id) => H.demo.entries.find((x) => x.id === id).members[0].unit;

    const display = await H.newPage(browser, 1920, 1080);
    const remote = await H.newPage(browser, 390, 844);
    remote.on('dialog', (d) => d.accept());

    await test('the remote signs in and offers the published groups; the display shows live results meanwhile', async () => {
      await display.goto(srv.base + '/display/?rotate=60');
      await display.waitForFunction(() => document.getElementById('conn').textContent.includes('已连接'), null, { timeout: 10000 });
      assert(await display.isHidden('#ceremony'), 'no ceremony yet');
      await remote.goto(srv.base + '/ceremony/?c=YN2026');
      await remote.fill('#user', 'admin');
      await remote.fill('#password', 'demo-admin');
      await remote.click('#loginForm button[type=submit]');
      await remote.waitForSelector('#group option', { state: 'attached' });
      const options = await remote.$$eval('#group option', (os) => os.map((o) => o.textContent));
      assert(options.some((o) => o.startsWith('数控车工 · 职工组')) && !options.some((o) => o.includes('电工')), 'published only: ' + options);
      await remote.selectOption('#group', { label: options.find((o) => o.startsWith('数控车工 · 职工组')) });
      assert((await remote.textContent('#forward')) === '开始颁奖 ▶', 'start button');
      await H.shot(remote, 'ceremony-remote-start-390x844');
    });

    await test('each press reveals the next tier, lowest first, names large with the unit, nothing of higher tiers', async () => {
      await remote.click('#forward');
      await display.waitForFunction(() => !document.getElementById('ceremony').hidden, null, { timeout: 2000 });
      assert((await display.textContent('#cerTitle')) === '数控车工 · 职工组', 'title');
      assert((await display.textContent('#cerAward')) === '颁 奖', 'title card');
      await H.shot(display, 'ceremony-display-title-1920x1080');
      for (let i = 0; i < tiers.length; i++) {
        await remote.waitForFunction(() => !document.getElementById('forward').disabled, null, { timeout: 2000 });
        const t0 = Date.now();
        await remote.click('#forward');
        await display.waitForFunction((a) => document.getElementById('cerAward').textContent === a, tiers[i].award, { timeout: 2000 });
        const took = Date.now() - t0;
        const cards = await display.$$eval('.cer-card', (cs) => cs.map((c) => [c.querySelector('.name').textContent, c.querySelector('.unit').textContent]));
        const want = tiers[i].entries.map((e) => [nameOf(e.entry), unitOf(e.entry)]);
        assert(JSON.stringify(cards) === JSON.stringify(want), 'tier ' + tiers[i].award + ': ' + JSON.stringify(cards) + ' want ' + JSON.stringify(want));
        const text = await display.evaluate(() => document.body.innerText);
        const higher = tiers.slice(i + 1).flatMap((t) => t.entries.map((e) => nameOf(e.entry)));
        assert(!higher.some((n) => text.includes(n)), 'a higher tier is on screen at step ' + (i + 1));
        const size = await display.$eval('.cer-card .name', (n) => parseFloat(getComputedStyle(n).fontSize));
        assert(size >= 60, 'names large: ' + size);
        assert(took < 2000, 'step took ' + took + ' ms');
        await H.sleep(1500);   // the cards rise in; photograph them risen
        await H.shot(display, 'ceremony-display-step' + (i + 1) + '-1920x1080');
      }
      // The remote renders the server's answer, which may arrive after the display's update.
      await remote.waitForFunction(() => document.getElementById('next').textContent === '已是最高奖项', null, { timeout: 2000 })
        .catch(async () => assert(false, 'remote says ' + await remote.textContent('#next')));
      assert(await remote.isDisabled('#forward'), 'no step past the highest award');
      assert((await remote.textContent('#next')) === '已是最高奖项', await remote.textContent('#next'));
      await H.shot(remote, 'ceremony-remote-top-390x844');
      const wide = await remote.evaluate(() => document.documentElement.scrollWidth);
      assert(wide <= 390, 'the remote fits 390 px: ' + wide);
    });

    await test('back steps down, a reloaded display shows the same step, and the end returns the live results', async () => {
      await remote.click('#back');
      await display.waitForFunction((a) => document.getElementById('cerAward').textContent === a, tiers[tiers.length - 2].award, { timeout: 2000 });
      await display.reload();
      await display.waitForFunction((a) => document.getElementById('cerAward').textContent === a, tiers[tiers.length - 2].award, { timeout: 5000 });
      await remote.click('#end');
      await display.waitForFunction(() => document.getElementById('ceremony').hidden, null, { timeout: 2000 });
      // The display hears the end over /ws, possibly before the remote reads the server's answer.
      await remote.waitForFunction(() => document.getElementById('now').textContent === '实时成绩（未在颁奖）', null, { timeout: 2000 })
        .catch(async () => assert(false, 'remote still says ' + await remote.textContent('#now')));
      assert(display.errors.length === 0 && remote.errors.length === 0, display.errors.concat(remote.errors).join('; '));
    });

    await test('a group with 优胜奖 (E02 职工组, marked and published here): 优胜奖 is the first step, then up to 金牌', async () => {
      // Every E02 mark of the demo, each judge sending their own by number; the chief accepts the
      // discrepancies and locks; the organizer publishes.
      const nums = Object.fromEntries((await api(srv, 'GET', C + '/events/E02/sheet', null, admin)).doc.rows.map((r) => [r.entry, r.number]));
      const byJudge = new Map();
      for (const m of H.demo.marks.filter((x) => x.entry.startsWith('E02-'))) {
        if (!byJudge.has(m.judge)) byJudge.set(m.judge, []);
        byJudge.get(m.judge).push(m);
      }
      for (const [judge, ms] of byJudge) {
        const token = await H.login(srv, { judge, pin: H.demoPin(judge) });
        for (const m of ms) {
          const r = await api(srv, 'POST', C + '/marks', { id: H.uuid(), judge, number: nums[m.entry], criterion: m.criterion, score: m.score }, token);
          assert(r.status === 201, JSON.stringify(r.doc));
        }
      }
      const chief = await H.login(srv, { judge: 'J06', pin: H.demoPin('J06') });
      for (const d of (await api(srv, 'GET', C + '/events/E02/discrepancies', null, chief)).doc.discrepancies) {
        const r = await api(srv, 'POST', C + '/events/E02/discrepancies/accept', { number: d.number, criterion: d.criterion, reason: '复核无误' }, chief);
        assert(r.status === 200, JSON.stringify(r.doc));
      }
      let r = await api(srv, 'POST', C + '/events/E02/lock', {}, chief);
      assert(r.status === 200, JSON.stringify(r.doc));
      r = await api(srv, 'POST', C + '/events/E02/publish', {}, admin);
      assert(r.status === 200, JSON.stringify(r.doc));
      const g = (await api(srv, 'GET', C + '/results', null, admin)).doc.rankings.find((x) => x.event === 'E02' && x.group === '职工组');
      const steps = [];
      for (const e of g.entries.filter((x) => x.award).sort((a, b) => a.rank - b.rank)) {
        if (!steps.length || steps[steps.length - 1].award !== e.award) steps.push({ award: e.award, entries: [] });
        steps[steps.length - 1].entries.push(e);
      }
      steps.reverse();
      assert(steps[0].award === '优胜奖' && steps[steps.length - 1].award === '金牌', 'E02 职工组 goes from 优胜奖 to 金牌: ' + steps.map((t) => t.award));

      await remote.reload();
      await remote.waitForSelector('#group option', { state: 'attached' });
      const options = await remote.$$eval('#group option', (os) => os.map((o) => o.textContent));
      const label = options.find((o) => o.startsWith('电工 · 职工组'));
      assert(label && label.includes('（' + steps.length + ' 个奖项等级）'), 'E02 职工组 offered: ' + options);
      await remote.selectOption('#group', { label });
      await remote.click('#forward');
      await display.waitForFunction(() => document.getElementById('cerTitle').textContent === '电工 · 职工组', null, { timeout: 2000 });
      assert((await display.textContent('#cerStep')).includes('从优胜奖开始'), await display.textContent('#cerStep'));
      for (let i = 0; i < steps.length; i++) {
        await remote.waitForFunction(() => !document.getElementById('forward').disabled, null, { timeout: 2000 });
        await remote.click('#forward');
        await display.waitForFunction((a) => document.getElementById('cerAward').textContent === a, steps[i].award, { timeout: 2000 });
        const cards = await display.$$eval('.cer-card', (cs) => cs.map((c) => [c.querySelector('.name').textContent, c.querySelector('.unit').textContent]));
        const want = steps[i].entries.map((e) => [nameOf(e.entry), unitOf(e.entry)]);
        assert(JSON.stringify(cards) === JSON.stringify(want), steps[i].award + ': ' + JSON.stringify(cards) + ' want ' + JSON.stringify(want));
        const text = await display.evaluate(() => document.body.innerText);
        const higher = steps.slice(i + 1).flatMap((t) => t.entries.map((e) => nameOf(e.entry)));
        assert(!higher.some((n) => text.includes(n)), 'a higher tier is on screen at ' + steps[i].award);
        if (i === 0) {
          assert((await display.getAttribute('#cerAward', 'class')).includes('a-优胜奖'), 'styled as 优胜奖');
          await H.sleep(1500);
          await H.shot(display, 'ceremony-display-youshengjiang-1920x1080');
        }
      }
      await remote.click('#end');
      await display.waitForFunction(() => document.getElementById('ceremony').hidden, null, { timeout: 2000 });
      assert(display.errors.length === 0 && remote.errors.length === 0, display.errors.concat(remote.errors).join('; '));
    });
  } finally {
    await browser.close();
    await H.stopServer(srv);
  }
});
