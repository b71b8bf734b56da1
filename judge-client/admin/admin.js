// The organizer pages (/admin/): one page, one section per job, shown by role.
//   组委会 (admin): import the competition file and entries, draw numbers, issue judges' PINs and
//     print their sign-in cards, watch marking progress, publish, download results.
//   裁判长 (chief, signs in with judge code + PIN): progress and discrepancies of their events,
//     accept a discrepancy with a reason, lock.
//   监督仲裁 (arbitration): progress, discrepancies, unlock with a reason, audit log.
// The server decides every rule (what may be locked, who may do what); this page only offers
// the buttons that make sense and shows the server's answer.
'use strict';
(function () {
  const { api, Offline, load, save, el, errorText, shortScore } = SS;
  const TA = T.admin;
  const $ = (id) => document.getElementById(id);
  const NAV = {
    admin: ['events', 'review', 'setup', 'keying', 'times', 'judges', 'downloads', 'appeals', 'audit'],
    arbitration: ['events', 'review', 'times', 'appeals', 'downloads', 'audit'],
    chief: ['events', 'review', 'times'],
    clerk: ['keying'],
    timekeeper: ['times'],
  };

  let session = load('ss.admin.session', null); // {token, role, name, comp, events}
  let comps = [], comp = null, section = 'events', reviewEvent = null, reviewNumber = null, newPins = {};

  // ---- plumbing ------------------------------------------------------------------------------
  function say(text, ok) {
    $('msg').textContent = text || '';
    $('msg').className = 'msg noprint' + (ok ? ' ok' : '');
  }

  // Every call goes through here: an unreachable server and an expired session are said once.
  async function call(method, path, body, raw) {
    try {
      const r = await api(method, path, body, session && session.token, raw);
      if (r.status === 401 && session) { signOut(errorText(T, r)); return null; }
      return r;
    } catch (e) {
      if (!(e instanceof Offline)) throw e;
      say(T.judge.needNetwork);
      return null;
    }
  }
  const C = () => '/api/competitions/' + encodeURIComponent(comp.id);
  const mine = (ev) => session.role !== 'chief' || (session.events || []).includes(ev.id);

  // Runs an action, shows the server's answer, reloads what it changed.
  async function act(method, path, body, okText) {
    say(TA.working, true);
    const r = await call(method, path, body);
    if (!r) return null;
    if (r.status >= 200 && r.status < 300) say(okText || TA.ok, true);
    else say(errorText(T, r));
    await loadComp();
    return r;
  }

  // ---- sign-in -------------------------------------------------------------------------------
  function tab(chief) {
    $('tabStaff').setAttribute('aria-selected', String(!chief));
    $('tabChief').setAttribute('aria-selected', String(chief));
    $('staffForm').hidden = chief;
    $('chiefForm').hidden = !chief;
  }

  async function loadCompList() {
    try {
      comps = (await api('GET', '/api/competitions')).doc.competitions || [];
    } catch (e) {
      comps = [];
      $('loginMsg').textContent = T.judge.needNetwork;
    }
    for (const sel of [$('chiefComp'), $('compSel')]) {
      sel.textContent = '';
      for (const c of comps) sel.append(el('option', { value: c.id }, c.name));
    }
  }

  async function signIn(body) {
    $('loginMsg').textContent = TA.working;
    let r;
    try { r = await SS.signInAs(body.user ? 'user:' + body.user : 'judge:' + body.judge, body); } catch (e) { $('loginMsg').textContent = T.judge.needNetwork; return; }
    if (r.status !== 200 && r.status !== 201) {
      $('loginMsg').textContent = r.status === 401 ? TA.wrongLogin : errorText(T, r);
      return;
    }
    if (!NAV[r.doc.role]) {
      await api('POST', '/api/logout', {}, r.doc.token);
      $('loginMsg').textContent = errorText(T, { status: 403, doc: {} });
      return;
    }
    session = { token: r.doc.token, role: r.doc.role, name: body.user || body.judge, comp: r.doc.competition || null };
    const me = await api('GET', '/api/me', null, session.token);
    session.events = me.doc.events || [];
    save('ss.admin.session', session);
    $('loginMsg').textContent = '';
    $('password').value = '';
    $('chiefPin').value = '';
    await enter();
  }

  async function signOut(why) {
    if (session && session.token && !why) await call('POST', '/api/logout', {});
    session = null;
    save('ss.admin.session', null);
    liveClose();
    $('app').hidden = true;
    $('login').hidden = false;
    $('signOut').hidden = true;
    $('compSel').hidden = true;
    $('who').textContent = '';
    $('loginMsg').textContent = typeof why === 'string' ? why : '';
    await loadCompList();
  }

  async function enter() {
    await loadCompList();
    $('login').hidden = true;
    $('app').hidden = false;
    $('signOut').hidden = false;
    $('who').textContent = TA.roles[session.role] + ' · ' + session.name;
    const sel = $('compSel');
    sel.hidden = session.role === 'chief' || comps.length < 2;
    const want = session.comp || new URLSearchParams(location.search).get('c') || load('ss.admin.comp', null);
    sel.value = comps.some((c) => c.id === want) ? want : comps[0] ? comps[0].id : '';
    section = NAV[session.role].includes(section) ? section : NAV[session.role][0];
    renderNav();
    await loadComp();
  }

  async function loadComp(live) {
    const id = session.role === 'chief' ? session.comp : $('compSel').value;
    if (!id) { comp = null; await render(); return; }
    const r = await call('GET', '/api/competitions/' + encodeURIComponent(id));
    const was = comp && comp.id;
    if (r && r.status === 200) comp = r.doc;
    if (comp && (comp.id !== was || !ws)) liveConnect();
    $('barTitle').textContent = TA.title + (comp ? ' · ' + comp.name : '');
    await render(live);
  }

  // Progress and the review follow /ws: every accepted mark, correction or state change reaches
  // this page as an update of its competition, and the page reloads what it shows (at most every
  // 300 ms), unless someone is typing into that section. No polling.
  let ws = null, wsBackoff = 500, wsTimer = null, refreshTimer = null;
  function liveConnect() {
    liveClose();
    if (!session || !comp) return;
    const sock = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    ws = sock;
    sock.onopen = () => { wsBackoff = 500; sock.send(JSON.stringify({ subscribe: comp.id, token: session.token })); };
    sock.onmessage = (m) => {
      let doc;
      try { doc = JSON.parse(m.data); } catch (e) { return; }
      if (doc.type === 'update') liveRefresh();
      else if (doc.type === 'resync') sock.send(JSON.stringify({ subscribe: comp.id, token: session.token }));
      $('live').hidden = false;
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      $('live').hidden = true;
      wsTimer = setTimeout(liveConnect, wsBackoff);
      wsBackoff = Math.min(wsBackoff * 2, 10000);
    };
  }
  function liveClose() {
    clearTimeout(wsTimer);
    if (ws) { const old = ws; ws = null; old.close(); }
  }
  function liveRefresh() {
    if (refreshTimer || !session || !['events', 'review', 'appeals'].includes(section)) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      if (!typing(section)) loadComp(true);
    }, 300);
  }
  // Someone is typing into a section: a field holds text or has the focus. A live refresh leaves
  // such a section alone, both before it fetches and when the fetch returns, so that a reason
  // typed meanwhile is never wiped.
  function typing(s) {
    return [...$(s).querySelectorAll('input, textarea')].some((i) => i.value && i.type !== 'hidden') ||
      $(s).contains(document.activeElement) && /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName);
  }

  // ---- sections ------------------------------------------------------------------------------
  function renderNav() {
    const nav = $('nav');
    nav.textContent = '';
    for (const s of NAV[session.role]) {
      nav.append(el('button', { type: 'button', 'data-section': s, 'aria-current': s === section ? 'page' : null,
        onclick: () => { section = s; say(''); renderNav(); render(); } }, TA.nav[s]));
    }
  }

  async function render(live) {
    for (const s of ['events', 'review', 'setup', 'keying', 'times', 'judges', 'downloads', 'appeals', 'audit']) $(s).hidden = s !== section;
    const box = $(section);
    if (!comp && section !== 'setup') {
      box.textContent = '';
      box.append(el('div', { class: 'card' }, TA.noCompetition));
      return;
    }
    const fresh = await { events: renderEvents, review: renderReview, setup: renderSetup, keying: renderKeying, times: renderTimes,
      judges: renderJudges, downloads: renderDownloads, appeals: renderAppeals, audit: renderAudit }[section]();
    if (live && (typing(section) || $(section) !== box)) return;
    box.textContent = '';
    box.append(fresh);
  }

  function stateOf(ev) {
    if (!ev.drawn) return ['draft', TA.stDraft];
    if (ev.published) return ['published', TA.stPublished];
    if (ev.locked) return ['locked', TA.stLocked];
    return ['open', TA.stOpen];
  }

  // Marks present / marks expected (entries with status ok × criteria × the event's judges),
  // the count per judge (every judge of the event, zeros included) and per 工位号, from the sheet
  // the caller may read.
  async function progressOf(ev) {
    if (!ev.drawn && session.role === 'chief') return null;
    const r = await call('GET', C() + '/events/' + encodeURIComponent(ev.id) + '/sheet');
    if (!r || r.status !== 200) return null;
    const per = {};
    for (const j of r.doc.judges || []) per[j] = 0;
    const slots = [];
    let have = 0;
    const perEntry = ev.criteria.length * ev.judges;
    for (const row of r.doc.rows) {
      if (row.status !== 'ok') continue;
      let n = 0;
      for (const byJudge of Object.values(row.marks)) {
        for (const j of Object.keys(byJudge)) { per[j] = (per[j] || 0) + 1; n++; }
      }
      have += n;
      if (row.number) slots.push({ number: row.number, n });
    }
    slots.sort((a, b) => a.number.localeCompare(b.number, 'en', { numeric: true }));
    return { event: ev.id, have, want: ev.entries_ok * perEntry, per, perJudge: ev.entries_ok * ev.criteria.length, slots, perEntry };
  }

  // One chip per 工位号: how many of its marks are in; full ones green, untouched ones grey.
  const openSlots = new Set();   // events whose per-工位 view is open, kept across refreshes
  function slotView(p) {
    if (!p.slots.length) return '';
    return el('details', { class: 'slots', open: openSlots.has(p.event), ontoggle: (e) => { if (e.target.open) openSlots.add(p.event); else openSlots.delete(p.event); } }, el('summary', {}, TA.bySlot(p.slots.filter((x) => x.n >= p.perEntry).length, p.slots.length)),
      el('div', { class: 'chips' }, p.slots.map((x) => el('span', {
        class: 'chip' + (x.n >= p.perEntry ? ' full' : x.n === 0 ? ' none' : ''), title: TA.slotTitle(x.number, x.n, p.perEntry) },
      x.number + ' ' + x.n + '/' + p.perEntry))));
  }

  async function renderEvents() {
    const table = el('table', { class: 'grid', id: 'eventsTable' },
      el('tr', {}, [TA.event, TA.groups, TA.entries, TA.progress, TA.state, TA.actions].map((h) => el('th', {}, h))));
    for (const ev of comp.events.filter(mine)) {
      const p = await progressOf(ev);
      const [cls, label] = stateOf(ev);
      const pct = p && p.want ? Math.floor((p.have * 100) / p.want) : 0;
      const acts = el('div', { class: 'acts' });
      const role = session.role;
      if (role === 'admin' && !ev.drawn) {
        acts.append(el('button', { type: 'button', class: 'primary', 'data-act': 'draw', onclick: () => {
          if (confirm(TA.drawConfirm(ev.name))) act('POST', C() + '/events/' + ev.id + '/draw', {});
        } }, TA.draw));
      }
      if (role === 'chief' && ev.drawn && !ev.locked) {
        acts.append(el('button', { type: 'button', class: 'primary', 'data-act': 'lock', onclick: () => {
          if (confirm(TA.lockConfirm(ev.name))) act('POST', C() + '/events/' + ev.id + '/lock', {});
        } }, TA.lock));
      }
      if (role === 'admin' && ev.locked && !ev.published) {
        acts.append(el('button', { type: 'button', class: 'primary', 'data-act': 'publish', onclick: () => {
          if (confirm(TA.publishConfirm(ev.name))) act('POST', C() + '/events/' + ev.id + '/publish', {});
        } }, TA.publish));
      }
      if (role === 'admin' && ev.drawn && !ev.published) {
        const on = !ev.frozen;
        acts.append(el('button', { type: 'button', 'data-act': on ? 'freeze' : 'unfreeze', onclick: () => {
          if (confirm(on ? TA.freezeConfirm(ev.name) : TA.unfreezeConfirm(ev.name)))
            act('POST', C() + '/events/' + ev.id + (on ? '/freeze' : '/unfreeze'), {});
        } }, on ? TA.freeze : TA.unfreeze));
      }
      if (role === 'arbitration' && ev.locked) {
        const reason = el('input', { 'aria-label': TA.unlockReason(ev.name), placeholder: TA.reasonShort, size: 16 });
        acts.append(reason, el('button', { type: 'button', class: 'danger', 'data-act': 'unlock', onclick: () => {
          if (reason.value.trim().length < 2) { say(TA.reasonNeeded); reason.focus(); return; }
          act('POST', C() + '/events/' + ev.id + '/unlock', { reason: reason.value.trim() });
        } }, TA.unlock));
      }
      if (ev.drawn) {
        acts.append(el('button', { type: 'button', onclick: () => { reviewEvent = ev.id; section = 'review'; renderNav(); render(); } }, TA.reviewBtn));
      }
      const perJudge = p ? Object.keys(p.per).sort().map((j) => el('span', { class: 'pj' + (p.per[j] === 0 ? ' zero' : p.per[j] >= p.perJudge ? ' done' : ''), 'data-judge': j },
        j + ' ' + p.per[j] + '/' + p.perJudge)) : [];
      table.append(el('tr', { 'data-event': ev.id },
        el('td', {}, el('strong', {}, ev.id + ' ' + ev.name)),
        el('td', {}, ev.groups.join('、')),
        el('td', { class: 'num' }, ev.entries_ok),
        el('td', {}, p ? [el('div', { class: 'row' },
          el('div', { class: 'bar' + (p.have === p.want ? ' full' : ''), role: 'progressbar', 'aria-valuenow': pct,
            'aria-valuemin': 0, 'aria-valuemax': 100 }, el('span', { style: 'width:' + pct + '%' })),
          el('span', { class: 'prog' }, TA.marksOf(p.have, p.want) + '（' + pct + '%）')),
          el('div', { class: 'per' }, perJudge), slotView(p)] : '—'),
        el('td', {}, [el('span', { class: 'badge ' + cls }, label),
          ev.frozen ? el('span', { class: 'badge frozen', title: TA.frozenHint }, TA.stFrozen) : '']),
        el('td', {}, acts)));
    }
    return el('div', {}, el('div', { class: 'row' }, el('h2', {}, TA.nav.events),
      el('button', { type: 'button', onclick: loadComp }, TA.refresh),
      session.role === 'admin' && comp.events.some((e) => e.published)
        ? el('a', { class: 'btnlink', href: '/ceremony/?c=' + encodeURIComponent(comp.id), target: '_blank' }, TA.ceremonyLink) : null), table);
  }

  // The chief judge's review before lock: provisional standings by 工位号, the discrepancies with
  // the outlier marked, and one 工位's marks per judge, where a mark is sent back to its judge
  // (退回复评) or corrected with a reason. Organizer and arbitration see the same, read-only.
  async function renderReview() {
    const evs = comp.events.filter((e) => mine(e) && e.drawn);
    if (!evs.some((e) => e.id === reviewEvent)) { reviewEvent = evs[0] ? evs[0].id : null; reviewNumber = null; }
    const pick = el('select', { id: 'reviewEvent', 'aria-label': TA.reviewEvent, onchange: (e) => { reviewEvent = e.target.value; reviewNumber = null; render(); } },
      evs.map((e) => el('option', { value: e.id, selected: e.id === reviewEvent }, e.id + ' ' + e.name)));
    const out = el('div', {}, el('div', { class: 'row' }, el('h2', {}, TA.nav.review), pick));
    if (!reviewEvent) return out;
    const E = C() + '/events/' + encodeURIComponent(reviewEvent);
    // The analytics come after, into their own card: they never hold up the standings.
    const analytics = call('GET', E + '/analytics');
    const [st, dr, sh] = await Promise.all([call('GET', E + '/standings'), call('GET', E + '/discrepancies'), call('GET', E + '/sheet')]);
    for (const r of [st, dr, sh]) {
      if (!r || r.status !== 200) { out.append(el('p', { class: 'msg' }, r ? errorText(T, r) : '')); return out; }
    }
    const ev = comp.events.find((e) => e.id === reviewEvent);
    const chief = session.role === 'chief' && !ev.locked;
    const sheetRows = sh.doc.rows;
    const open = (no) => { reviewNumber = no; render(); };

    // Standings: one row per 工位, in number order.
    const stand = el('table', { class: 'grid', id: 'standings' },
      el('tr', {}, [TA.number, TA.group, TA.progressCol, TA.theory, TA.practical, TA.total, TA.provRank].map((h) => el('th', {}, h))));
    for (const r of st.doc.rows) {
      const done = r.progress.done >= r.progress.of;
      stand.append(el('tr', { 'data-number': r.number, class: r.number === reviewNumber ? 'sel' : '' },
        el('td', {}, el('button', { type: 'button', class: 'link', onclick: () => open(r.number) }, r.number)),
        el('td', {}, r.group),
        el('td', {}, r.status !== 'ok' ? TA.entryStatus[r.status] || r.status : done ? '✓' : TA.marking(r.progress.done, r.progress.of)),
        el('td', { class: 'num' }, r.theory == null ? '—' : shortScore(r.theory)),
        el('td', { class: 'num' }, r.practical == null ? '—' : shortScore(r.practical)),
        el('td', { class: 'num' }, r.total == null ? '—' : shortScore(r.total)),
        el('td', { class: 'num' }, r.rank == null ? '—' : String(r.rank))));
    }
    out.append(el('div', { class: 'card' }, el('strong', {}, TA.standingsTitle),
      el('p', { class: 'muted' }, st.doc.provisional ? TA.standingsProvisional : TA.standingsNote), stand));

    // Discrepancies.
    const list = dr.doc.discrepancies;
    const table = el('table', { class: 'grid', id: 'discTable' },
      el('tr', {}, [TA.number, TA.criterion, TA.marks, TA.spread, TA.threshold, TA.status, TA.actions].map((h) => el('th', {}, h))));
    for (const d of list) {
      // Under a marking scheme the discrepancies are aspects', and a J aspect's spread is settled by
      // marking again (docs/worldskills.md W5): send back or correct, never accept.
      const crit = ev.aspects ? (ev.aspects.find((a) => a.id === d.criterion) || null) : ev.criteria.find((c) => c.id === d.criterion);
      const acts = el('div', { class: 'acts' });
      if (chief && d.status === 'open' && ev.aspects) acts.append(el('span', { class: 'muted' }, TA.remarkOnly));
      else if (chief && d.status === 'open') {
        const reason = el('input', { 'aria-label': TA.acceptReason, placeholder: TA.reasonShort, size: 16 });
        acts.append(reason, el('button', { type: 'button', 'data-act': 'accept', onclick: async () => {
          if (reason.value.trim().length < 2) { say(TA.reasonNeeded); reason.focus(); return; }
          await act('POST', E + '/discrepancies/accept', { number: d.number, criterion: d.criterion, reason: reason.value.trim() });
        } }, TA.accept));
      }
      if (d.number) acts.append(el('button', { type: 'button', 'data-act': 'view', onclick: () => open(d.number) }, TA.viewMarks));
      table.append(el('tr', { 'data-number': d.number, 'data-criterion': d.criterion },
        el('td', {}, d.number || d.entry),
        el('td', {}, d.criterion + ' ' + (crit ? crit.name || crit.description : '')),
        el('td', { class: 'marks' }, d.marks.map((m, i) => el('span', { class: 'mk' + (m.outlier ? ' outlier' : ''), title: m.outlier ? TA.outlierHint : null },
          (i ? '　' : '') + m.judge + '：' + shortScore(m.score)))),
        el('td', { class: 'num' }, shortScore(d.spread)),
        el('td', { class: 'num' }, shortScore(d.threshold)),
        el('td', {}, el('span', { class: 'badge ' + d.status }, TA[d.status] || d.status),
          d.sent_back.length ? el('span', { class: 'badge sentback' }, TA.sentBackTo(d.sent_back.map((b) => b.judge).join('、'))) : null),
        el('td', {}, acts)));
    }
    out.append(el('div', { class: 'card' }, el('strong', {}, TA.discTitle), list.length ? table : el('p', { class: 'muted' }, TA.noDiscrepancies)));
    // 回避 marks accepted under "conflict": "flag" — the server sends them to the organizer and
    // arbitration only (the chief judge would learn a contestant's unit).
    const conflicts = dr.doc.conflicts || [];
    if (conflicts.length) {
      out.append(el('div', { class: 'card', id: 'conflicts' }, el('strong', {}, TA.conflictTitle),
        el('p', { class: 'muted' }, TA.conflictNote),
        el('table', { class: 'grid' }, el('tr', {}, [TA.number, TA.entry, TA.criterion, TA.judge].map((h) => el('th', {}, h))),
          conflicts.map((x) => el('tr', {}, el('td', {}, x.number || '—'), el('td', {}, x.entry), el('td', {}, x.criterion), el('td', {}, x.judge))))));
    }
    const card = el('div', { class: 'card', id: 'analytics' }, el('div', { class: 'row' }, el('strong', {}, TA.an.title),
      el('button', { type: 'button', 'data-download': 'analytics', onclick: () => download(E + '/reports/analytics.pdf', comp.id + '-' + ev.id + '-analytics.pdf') }, TA.an.pdf)));
    out.append(card);
    analytics.then((r) => fillAnalytics(card, r));

    // One 工位: every judge's mark per criterion, the outlier marked; send back or correct.
    const row = reviewNumber && sheetRows.find((r) => r.number === reviewNumber);
    if (row) out.append(slotCard(ev, E, row, chief));
    return out;
  }

  // 裁判评分分析: how each judge marks against the panels' medians (the server computes every
  // figure and the flags; docs/analytics.md). Judges only — nothing here names a 工位.
  function fillAnalytics(card, r) {
    const A = TA.an;
    if (!r || r.status !== 200) { card.append(el('p', { class: 'msg' }, r ? errorText(T, r) : '')); return card; }
    const a = r.doc, t = a.thresholds;
    const signed = (v) => v == null ? '—' : (Number(v) > 0 ? '+' : '') + v;
    card.append(el('p', { class: 'muted' }, A.note(t)));
    if (!a.judges.length) { card.append(el('p', { class: 'muted' }, A.none)); return card; }
    card.append(el('p', { class: a.flagged ? 'attn' : 'muted', id: 'analyticsFlagged' }, A.flaggedCount(a.flagged)));
    const table = el('table', { class: 'grid', id: 'analyticsTable' },
      el('tr', {}, [A.judge, A.name, A.marks, A.leniency, A.rho, A.flags, A.items, A.attention].map((h) => el('th', {}, h))));
    for (const j of a.judges) {
      const shown = { leniency: signed(j.leniency), rho: j.rho, flags: j.flags };
      const why = j.reasons.map((k) => A.reasons[k] ? A.reasons[k](shown, t) : k).join('；');
      table.append(el('tr', { 'data-judge': j.id, class: j.flagged ? 'flagged' : '' },
        el('td', {}, j.id),
        el('td', { class: 'nm' }, (j.name || '') + (j.chief ? A.chief : '')),
        el('td', { class: 'num' }, String(j.marks)),
        el('td', { class: 'num' }, j.leniency == null ? '—' : signed(j.leniency) + '%'),
        el('td', { class: 'num' }, (j.rho == null ? '—' : j.rho) + A.entries(j.rho_entries)),
        el('td', { class: 'num' }, String(j.flags)),
        el('td', { class: 'devs' }, j.items.map((i) => el('span', {}, i.item + ' ' + signed(i.mean_deviation)))),
        el('td', { class: 'why' }, j.flagged ? [el('span', { class: 'badge attn' }, A.badge), ' ' + why] : '—')));
    }
    card.append(el('div', { class: 'scrollx' }, table));
    return card;
  }

  function slotCard(ev, E, row, chief) {
    const judges = [...new Set(Object.values(row.marks).flatMap((m) => Object.keys(m)))].sort();
    const back = (crit, j) => (row.sendbacks || []).find((b) => b.criterion === crit && b.judge === j);
    const form = el('form', { class: 'keyform', id: 'slotForm', hidden: true });
    const ask = (mode, crit, j) => {
      const c = ev.criteria.find((x) => x.id === crit);
      form.hidden = false;
      form.textContent = '';
      const what = el('strong', {}, TA.slotWhat(row.number, c.id + ' ' + c.name, j));
      const fields = mode === 'sendback'
        ? [el('label', {}, TA.sendBackNote, el('input', { name: 'note', required: true, size: 30, placeholder: TA.sendBackHint }))]
        : [el('label', {}, TA.newScore + '（' + TA.maxShort + ' ' + shortScore(c.max) + '）', el('input', { name: 'score', required: true, inputmode: 'decimal', size: 7 })),
          el('label', {}, TA.correctionReason, el('input', { name: 'reason', required: true, size: 24 }))];
      form.append(what, el('div', { class: 'row' }, ...fields,
        el('button', { type: 'submit', class: 'primary', 'data-act': mode === 'sendback' ? 'sendBack' : 'correct' }, mode === 'sendback' ? TA.sendBack : TA.correctBtn),
        el('button', { type: 'button', onclick: () => { form.hidden = true; } }, TA.cancel)));
      form.onsubmit = async (e) => {
        e.preventDefault();
        const get = (n) => form.querySelector('[name=' + n + ']').value.trim();
        if (mode === 'sendback') {
          await act('POST', E + '/sendback', { number: row.number, criterion: crit, judge: j, note: get('note') }, TA.sentBackDone(row.number, j));
          return;
        }
        const p = SS.parseScore(get('score'), c.max);
        if (p.error) { say(TA.scoreBad(row.number)); return; }
        await act('POST', C() + '/corrections', { id: SS.uuid(), event: ev.id, number: row.number, criterion: crit, judge: j,
          score: p.centi / 100, reason: get('reason') }, TA.correctedDone(row.number, j));
      };
      form.querySelector('input').focus();
    };
    const table = el('table', { class: 'grid', id: 'slotTable' },
      el('tr', {}, el('th', {}, TA.criterion), judges.map((j) => el('th', {}, j))));
    for (const c of ev.criteria) {
      const marks = row.marks[c.id] || {}, odd = (row.outliers || {})[c.id] || [];
      table.append(el('tr', { 'data-criterion': c.id }, el('td', {}, c.id + ' ' + c.name + '（' + shortScore(c.max) + '）'),
        judges.map((j) => {
          const v = marks[j], b = back(c.id, j);
          return el('td', { class: 'cell' + (odd.includes(j) ? ' outlier' : ''), 'data-judge': j },
            el('span', { class: 'v' }, v == null ? '—' : shortScore(v)),
            b ? el('span', { class: 'badge sentback', title: b.note }, TA.waitingReview) : null,
            chief && v != null && !b ? el('button', { type: 'button', class: 'small', 'data-act': 'askSendBack', onclick: () => ask('sendback', c.id, j) }, TA.sendBack) : null,
            chief && v != null ? el('button', { type: 'button', class: 'small', 'data-act': 'askCorrect', onclick: () => ask('correct', c.id, j) }, TA.correctBtn) : null);
        })));
    }
    return el('div', { class: 'card', id: 'slotCard', 'data-number': row.number }, el('strong', {}, TA.slotTitle(row.number)),
      el('p', { class: 'muted' }, TA.outlierNote), table, form);
  }

  function fileForm(id, label, accept, send) {
    const input = el('input', { type: 'file', id, accept });
    return el('div', { class: 'card' }, el('label', { for: id }, el('strong', {}, label)), el('div', { class: 'row' }, input,
      el('button', { type: 'button', class: 'primary', 'data-act': id, onclick: async () => {
        const f = input.files[0];
        if (!f) { say(TA.chooseFile); return; }
        await send(f);
        input.value = '';
      } }, TA.importBtn)));
  }

  async function renderSetup() {
    return el('div', {}, el('h2', {}, TA.nav.setup),
      fileForm('compFile', TA.importComp, '.json,application/json', async (f) => {
        say(TA.working, true);
        const r = await call('POST', '/api/competitions', await f.text(), true);
        if (!r) return;
        if (r.status === 201) {
          // The page is rebuilt for the new competition first, so that nothing chosen after
          // the message appears is lost to the rebuild.
          await loadCompList();
          $('compSel').value = r.doc.id;
          save('ss.admin.comp', r.doc.id);
          $('compSel').hidden = comps.length < 2;
          await loadComp();
          say(TA.importDone(r.doc.id), true);
        } else say(errorText(T, r));
      }),
      comp ? fileForm('csvFile', TA.importCsv, '.csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', async (f) => {
        say(TA.working, true);
        const r = await call('POST', C() + '/entries/import', await f.arrayBuffer(), true);
        if (!r) return;
        if (r.status >= 200 && r.status < 300) { await loadComp(); say(TA.csvDone, true); } else say(errorText(T, r));
      }) : null);
  }

  // ---- theory scores and paper sheets, keyed twice ---------------------------------------------
  // A value counts once two different accounts key the same; the server says whether this keying
  // waits, confirms, or disagrees (then both values show until a third keying agrees with one).
  function keyingResult(r, what) {
    if (r.status === 202) return [true, TA.keyWaiting(what)];
    if (r.status === 200 || r.status === 201) return [true, TA.keyConfirmed(what)];
    if (r.status === 409 && r.doc.values) return [false, TA.keyDisagree(what, r.doc.values.map((v) => v.by + ' ' + shortScore(v.score)).join(' / '))];
    return [false, errorText(T, r)];
  }

  async function keyTheory(form) {
    const entry = form.querySelector('[name=entry]').value.trim(), text = form.querySelector('[name=score]').value.trim();
    const p = SS.parseScore(text, '100');
    if (p.error) { say(TA.scoreBad(entry)); return; }
    const r = await call('POST', C() + '/theory', { entry, score: p.centi / 100 });
    if (!r) return;
    const [ok, msg] = keyingResult(r, entry);
    say(msg, ok);
    if (ok) { form.reset(); form.querySelector('[name=entry]').focus(); }
    render();
  }

  async function keyPaper(form) {
    const get = (n) => form.querySelector('[name=' + n + ']').value.trim();
    const ev = comp.events.find((e) => e.id === get('event'));
    const crit = ev && ev.criteria.find((c) => c.id === get('criterion'));
    const p = SS.parseScore(get('score'), crit ? crit.max : '0');
    if (p.error) { say(TA.scoreBad(get('number'))); return; }
    const r = await call('POST', C() + '/paper', { judge: get('judge'), event: get('event'), number: get('number'),
      criterion: get('criterion'), score: p.centi / 100 });
    if (!r) return;
    const [ok, msg] = keyingResult(r, get('judge') + ' · ' + get('number') + ' · ' + get('criterion'));
    say(msg, ok);
    if (ok) { form.querySelector('[name=score]').value = ''; form.querySelector('[name=number]').focus(); }
    render();
  }

  async function renderKeying() {
    const out = el('div', {}, el('h2', {}, TA.nav.keying));
    if (session.role === 'admin') {
      out.append(fileForm('theoryFile', TA.importTheory, '.csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', async (f) => {
        say(TA.working, true);
        const r = await call('POST', C() + '/theory/import', await f.arrayBuffer(), true);
        if (!r) return;
        if (r.status === 200) { await loadComp(); say(TA.theoryDone(r.doc.imported), true); } else say(errorText(T, r));
      }));
    }
    const tf = el('form', { class: 'card keyform', id: 'theoryForm', onsubmit: (e) => { e.preventDefault(); keyTheory(tf); } },
      el('strong', {}, TA.theoryKeying), el('p', { class: 'muted' }, TA.keyingNote),
      el('div', { class: 'row' },
        el('label', {}, TA.entryId, el('input', { name: 'entry', required: true, autocomplete: 'off', size: 12 })),
        el('label', {}, TA.theoryScore, el('input', { name: 'score', required: true, inputmode: 'decimal', autocomplete: 'off', size: 8 })),
        el('button', { type: 'submit', class: 'primary', 'data-act': 'keyTheory' }, TA.keyBtn)));
    const events = comp.events.filter((e) => e.drawn && !e.locked);
    const evSel = el('select', { name: 'event' }, events.map((e) => el('option', { value: e.id }, e.name)));
    const critSel = el('select', { name: 'criterion' });
    const fillCrit = () => {
      const ev = comp.events.find((e) => e.id === evSel.value);
      critSel.textContent = '';
      for (const c of ev ? ev.criteria : []) critSel.append(el('option', { value: c.id }, c.id + ' ' + c.name + '（' + shortScore(c.max) + '）'));
    };
    evSel.addEventListener('change', fillCrit);
    fillCrit();
    const pf = el('form', { class: 'card keyform', id: 'paperForm', onsubmit: (e) => { e.preventDefault(); keyPaper(pf); } },
      el('strong', {}, TA.paperKeying), el('p', { class: 'muted' }, TA.paperNote),
      el('div', { class: 'row' },
        el('label', {}, TA.event, evSel),
        el('label', {}, TA.keyJudge, el('input', { name: 'judge', required: true, autocomplete: 'off', size: 6 })),
        el('label', {}, TA.number, el('input', { name: 'number', required: true, inputmode: 'numeric', autocomplete: 'off', size: 4 })),
        el('label', {}, TA.criterion, critSel),
        el('label', {}, TA.score, el('input', { name: 'score', required: true, inputmode: 'decimal', autocomplete: 'off', size: 7 })),
        el('button', { type: 'submit', class: 'primary', 'data-act': 'keyPaper' }, TA.keyBtn)));
    out.append(tf);
    if (events.length) out.append(pf);   // append(null) would show the text "null"
    const r = await call('GET', C() + '/keyings');
    const pending = r && r.status === 200 ? r.doc.keyings : [];
    const table = el('table', { class: 'grid', id: 'pendingKeys' },
      el('tr', {}, [TA.kind, TA.item, TA.values, TA.status].map((h) => el('th', {}, h))));
    for (const k of pending) {
      table.append(el('tr', { class: k.status === 'disagreement' ? 'warn' : '' },
        el('td', {}, k.what === 'theory' ? TA.theoryKind : TA.paperKind),
        el('td', {}, k.item.replace(/\//g, ' · ')),
        el('td', {}, k.values.map((v) => v.by + ' ' + shortScore(v.score)).join(' / ')),
        el('td', {}, k.status === 'disagreement' ? TA.disagree : TA.waiting)));
    }
    out.append(el('div', { class: 'card' }, el('strong', {}, TA.pendingTitle),
      pending.length ? table : el('p', { class: 'muted' }, TA.noPending)));
    return out;
  }

  // ---- times and disqualification ---------------------------------------------------------------
  // "52:07", "52:07.5" or "1:02:07" → seconds; null otherwise. A colon is required: "52.07"
  // from a stopwatch read aloud is ambiguous, and a wrong time decides a tie.
  function parseTime(text) {
    text = text.trim().replace(/：/g, ':');
    if (!/^\d+(:\d{1,2}){1,2}(\.\d+)?$/.test(text)) return null;
    const parts = text.split(':');
    let sec = 0;
    for (let i = 0; i < parts.length; i++) {
      const v = parseFloat(parts[i]);
      if (i > 0 && v >= 60) return null;
      sec = sec * 60 + v;
    }
    return sec;
  }
  const timeText = (s) => {
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const two = (n) => String(n).padStart(2, '0');
    return (h ? h + ':' + two(m) : String(m)) + ':' + two(r);
  };

  // The organizer and arbitration name entries by 参赛号; a chief judge and a timekeeper by 工位号
  // and event, as the server requires (they do not see who stands behind a number).
  function whoFields(events) {
    const byNumber = session.role === 'chief' || session.role === 'timekeeper';
    const evSel = el('select', { name: 'event' }, events.map((e) => el('option', { value: e.id }, e.name)));
    return {
      byNumber,
      fields: byNumber ? [el('label', {}, TA.event, evSel),
        el('label', {}, TA.number, el('input', { name: 'who', required: true, inputmode: 'numeric', autocomplete: 'off', size: 4 }))]
        : [el('label', {}, TA.entryId, el('input', { name: 'who', required: true, autocomplete: 'off', size: 12 }))],
    };
  }

  async function sendTime(form, byNumber) {
    const who = form.querySelector('[name=who]').value.trim();
    const sec = parseTime(form.querySelector('[name=time]').value);
    if (sec === null) { say(TA.timeBad); return; }
    const body = { seconds: sec === 0 ? null : sec };
    if (byNumber) body.event = form.querySelector('[name=event]').value;
    const r = await call('POST', C() + '/entries/' + encodeURIComponent(who) + '/time', body);
    if (!r) return;
    if (r.status !== 200) { say(errorText(T, r)); return; }
    const label = byNumber ? TA.number + ' ' + who : who;
    say(r.doc.seconds == null ? TA.timeCleared(label) : TA.timeSaved(label, timeText(r.doc.seconds)), true);
    form.querySelector('[name=who]').value = '';
    form.querySelector('[name=time]').value = '';
    form.querySelector('[name=who]').focus();
  }

  async function sendStatus(form, byNumber, to) {
    const who = form.querySelector('[name=who]').value.trim();
    const body = { status: to, reason: form.querySelector('[name=reason]').value.trim() };
    if (byNumber) body.event = form.querySelector('[name=event]').value;
    const r = await call('POST', C() + '/entries/' + encodeURIComponent(who) + '/status', body);
    if (!r) return;
    if (r.status !== 200) { say(errorText(T, r)); return; }
    const label = byNumber ? TA.number + ' ' + who : who;
    say(to === 'disqualified' ? TA.dqDone(label) : to === 'absent' ? TA.absentDone(label) :
      form.id === 'checkinForm' ? TA.presentDone(label) : TA.undoDqDone(label), true);
    form.querySelector('[name=who]').value = '';
    if (form.id !== 'checkinForm') form.querySelector('[name=reason]').value = '';
  }

  async function renderTimes() {
    const out = el('div', {}, el('h2', {}, TA.nav.times));
    const events = comp.events.filter((e) => e.drawn && !e.locked &&
      (session.role !== 'chief' || (session.events || []).includes(e.id)));
    if (!events.length) { out.append(el('div', { class: 'card' }, TA.noOpenEvents)); return out; }
    if (session.role !== 'arbitration') {
      const w = whoFields(events);
      const tf = el('form', { class: 'card keyform', id: 'timeForm', onsubmit: (e) => { e.preventDefault(); sendTime(tf, w.byNumber); } },
        el('strong', {}, TA.timeTitle), el('p', { class: 'muted' }, TA.timeNote),
        el('div', { class: 'row' }, ...w.fields,
          el('label', {}, TA.timeLabel, el('input', { name: 'time', required: true, inputmode: 'decimal', autocomplete: 'off', size: 8, placeholder: '52:07' })),
          el('button', { type: 'submit', class: 'primary', 'data-act': 'sendTime' }, TA.keyBtn)));
      out.append(tf);
    }
    if (session.role === 'chief') {
      // Check-in at the event, by number: the chief judge sees no names.
      const w = whoFields(events);
      const cf = el('form', { class: 'card keyform', id: 'checkinForm', onsubmit: (e) => { e.preventDefault(); sendStatus(cf, w.byNumber, e.submitter.dataset.to); } },
        el('strong', {}, TA.checkinTitle), el('p', { class: 'muted' }, TA.checkinNote),
        el('div', { class: 'row' }, ...w.fields,
          el('label', {}, TA.reason, el('input', { name: 'reason', required: true, autocomplete: 'off', size: 16, value: TA.checkinReason })),
          el('button', { type: 'submit', 'data-to': 'absent', 'data-act': 'markAbsent' }, TA.markAbsent),
          el('button', { type: 'submit', 'data-to': 'ok', 'data-act': 'markPresent' }, TA.markPresent)));
      out.append(cf);
    }
    if (session.role === 'chief' || session.role === 'arbitration') {
      const chief = session.role === 'chief';
      const w = whoFields(events);
      const df = el('form', { class: 'card keyform', id: 'statusForm', onsubmit: (e) => { e.preventDefault(); sendStatus(df, w.byNumber, chief ? 'disqualified' : 'ok'); } },
        el('strong', {}, chief ? TA.dqTitle : TA.undoDqTitle), el('p', { class: 'muted' }, chief ? TA.dqNote : TA.undoDqNote),
        el('div', { class: 'row' }, ...w.fields,
          el('label', {}, TA.reason, el('input', { name: 'reason', required: true, autocomplete: 'off', size: 24 })),
          el('button', { type: 'submit', class: chief ? 'danger' : 'primary', 'data-act': chief ? 'disqualify' : 'undoDisqualify' },
            chief ? TA.dqBtn : TA.undoDqBtn)));
      out.append(df);
    }
    return out;
  }

  function card(j) {
    const url = location.origin + '/judge/?c=' + encodeURIComponent(comp.id);
    return el('div', { class: 'jcard', 'data-judge': j.id },
      el('div', { class: 'comp' }, comp.name + ' · ' + TA.cardsTitle),
      el('div', { class: 'id' }, j.id + (j.name ? ' ' + j.name : '') + (j.chief ? '（' + TA.chief + '）' : '')),
      el('div', {}, TA.judgeEvents + '：' + j.events.map((e) => (comp.events.find((x) => x.id === e) || { name: e }).name).join('、')),
      el('div', {}, TA.pin + '：', el('span', { class: 'pin' }, newPins[j.id])),
      el('div', { class: 'url' }, TA.cardUrl + '：' + url),
      el('div', { class: 'muted' }, TA.cardNote));
  }

  async function renderJudges() {
    const r = await call('GET', C() + '/judges');
    const out = el('div', {}, el('h2', {}, TA.nav.judges));
    if (!r || r.status !== 200) { out.append(el('p', { class: 'msg' }, r ? errorText(T, r) : '')); return out; }
    const judges = r.doc.judges;
    const issue = async (j) => {
      const x = await call('POST', C() + '/judges/' + encodeURIComponent(j.id) + '/pin', {});
      if (x && x.status === 201) newPins[j.id] = x.doc.pin;
      else if (x) say(errorText(T, x));
    };
    const table = el('table', { class: 'grid', id: 'judgesTable' },
      el('tr', {}, [TA.judgeId, TA.judgeName, TA.judgeEvents, TA.chief, TA.pinState, TA.actions].map((h) => el('th', {}, h))));
    for (const j of judges) {
      table.append(el('tr', { 'data-judge': j.id }, el('td', {}, j.id), el('td', {}, j.name || ''), el('td', {}, j.events.join('、')),
        el('td', {}, j.chief ? '✓' : ''), el('td', {}, newPins[j.id] ? el('strong', { class: 'pin' }, newPins[j.id]) : j.has_pin ? TA.hasPin : TA.noPin),
        el('td', {}, el('button', { type: 'button', onclick: async () => { await issue(j); render(); } }, TA.issuePin))));
    }
    const add = el('form', { class: 'card row noprint', id: 'addJudge', onsubmit: async (e) => {
      e.preventDefault();
      const f = e.target;
      const events = [...f.querySelectorAll('input[name=ev]:checked')].map((x) => x.value);
      const r = await act('POST', C() + '/judges', { id: f.jid.value.trim(), name: f.jname.value.trim() || undefined,
        events, chief: f.jchief.checked }, TA.judgeAdded(f.jid.value.trim()));
      if (r && r.status === 201) render();
    } },
    el('strong', {}, TA.addJudge),
    el('label', { for: 'jid' }, TA.judgeId), el('input', { id: 'jid', name: 'jid', size: 6, required: true }),
    el('label', { for: 'jname' }, TA.judgeName), el('input', { id: 'jname', name: 'jname', size: 8 }),
    el('span', {}, TA.judgeEvents + '：'),
    comp.events.filter((ev) => !ev.locked).map((ev) => el('label', {},
      el('input', { type: 'checkbox', name: 'ev', value: ev.id }), ' ' + ev.id + ' ' + ev.name)),
    el('label', {}, el('input', { type: 'checkbox', name: 'jchief', id: 'jchief' }), ' ' + TA.chief),
    el('button', { type: 'submit', 'data-act': 'addJudge' }, TA.addJudge));
    const issued = judges.filter((j) => newPins[j.id]);
    const cards = el('section', { class: 'card', id: 'cards' }, el('div', { class: 'row noprint' }, el('h3', {}, TA.cardsTitle),
      el('button', { type: 'button', class: 'primary', onclick: () => { $('judges').classList.add('printing'); window.print(); $('judges').classList.remove('printing'); } }, TA.print)),
    el('div', { class: 'cards' }, issued.map(card)));
    out.append(el('div', { class: 'row noprint' }, el('button', { type: 'button', class: 'primary', 'data-act': 'issueAll', onclick: async () => {
      if (!confirm(TA.issueAllConfirm)) return;
      say(TA.working, true);
      for (const j of judges) await issue(j);
      say(TA.ok, true);
      render();
    } }, TA.issueAll)), el('div', { class: 'noprint' }, table), add);
    if (issued.length) out.append(cards);   // append(null) would show the text "null"
    return out;
  }

  // Downloads go through fetch (the token is a header, not a cookie), then a Blob link.
  async function download(path, name) {
    let r;
    say(TA.working, true);
    try {
      r = await fetch(path, { headers: { Authorization: 'Bearer ' + session.token }, cache: 'no-store' });
    } catch (e) {
      say(T.judge.needNetwork);
      return;
    }
    if (r.status === 401) { signOut(errorText(T, { status: 401, doc: {} })); return; }
    if (!r.ok) {
      const doc = await r.json().catch(() => ({}));
      say(errorText(T, { status: r.status, doc }));
      return;
    }
    const url = URL.createObjectURL(await r.blob());
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    say(TA.ok, true);
  }

  let vbDraft = null;
  async function renderDownloads() {
    const rows = [[TA.results, C() + '/results', comp.id + '-results.json']];
    if (session.role === 'admin') rows.push([TA.exportFile, C() + '/export', comp.id + '-export.json']);
    if (session.role === 'admin') rows.push([TA.backup, '/api/backup', 'skillscore-' + new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '') + '.db']);
    // The medal table only where entries carry delegations (the server has none otherwise).
    for (const [label, file] of TA.reports.concat(comp.delegations ? TA.medalReports : [])) rows.push([label, C() + '/reports/' + file, comp.id + '-' + file.replace(/\.pdf\?kind=(\w+)$/, '-$1.pdf')]);
    // The day's papers: forms and slips are the organizer's; the sealed list is printed once by
    // the organizer, then only by arbitration (the server counts and refuses).
    const day = [];
    if (session.role === 'admin') day.push([TA.slipsAll, C() + '/slips.pdf', comp.id + '-slips.pdf']);
    for (const ev of comp.events) {
      const E = C() + '/events/' + encodeURIComponent(ev.id);
      if (session.role === 'admin') {
        day.push([TA.formsOf(ev.name), E + '/forms.pdf', comp.id + '-' + ev.id + '-forms.pdf']);
        day.push([TA.slipsOf(ev.name), C() + '/slips.pdf?event=' + encodeURIComponent(ev.id), comp.id + '-' + ev.id + '-slips.pdf']);
      }
      if (ev.drawn) day.push([TA.sealedOf(ev.name), E + '/sealed.pdf', comp.id + '-' + ev.id + '-sealed.pdf']);
    }
    const table = (list) => el('table', { class: 'grid' }, list.map(([label, path, name]) => el('tr', {}, el('td', {}, label),
      el('td', {}, el('button', { type: 'button', 'data-download': name, onclick: () => download(path, name) }, TA.download)))));
    // The address the certificates' QR codes point at: required before certificates are
    // issued; a private one only on purpose, with a warning.
    let vbCard = null;
    const st = await call('GET', C() + '/settings');
    if (st && st.status === 200) {
      const v = st.doc;
      // What was typed stays when the server refuses it (the page redraws after every action).
      const shown = vbDraft || { verify_base: v.verify_base || '', allow_private: !!v.allow_private };
      const input = el('input', { id: 'verifyBase', name: 'verify_base', size: 34, value: shown.verify_base, placeholder: 'https://jieguo.example.cn', autocomplete: 'off', disabled: session.role !== 'admin' });
      const priv = el('input', { type: 'checkbox', id: 'allowPrivate', checked: shown.allow_private, disabled: session.role !== 'admin' });
      vbCard = el('form', { class: 'card keyform', id: 'settingsForm', onsubmit: async (e) => {
        e.preventDefault();
        vbDraft = { verify_base: input.value.trim(), allow_private: priv.checked };
        const x = await call('POST', C() + '/settings', vbDraft);
        if (!x) return;
        if (x.status === 200) vbDraft = null;
        await render();
        say(x.status === 200 ? TA.verifySaved : errorText(T, x), x.status === 200);
      } },
      el('strong', {}, TA.verifyTitle), el('p', { class: 'muted' }, TA.verifyNote),
      el('div', { class: 'row' }, el('label', {}, TA.verifyBase, input),
        el('label', {}, priv, ' ' + TA.allowPrivate),
        session.role === 'admin' ? el('button', { type: 'submit', class: 'primary', 'data-act': 'saveSettings' }, TA.save) : null),
      !v.verify_base ? el('p', { class: 'warn', id: 'verifyWarn' }, TA.verifyMissing)
        : v.private ? el('p', { class: 'warn', id: 'verifyWarn' }, TA.verifyPrivate(v.verify_base)) : null);
    }
    return el('div', {}, el('h2', {}, TA.nav.downloads), vbCard, el('div', { class: 'card' }, table(rows),
      el('p', { class: 'muted' }, TA.provisional), el('p', { class: 'muted' }, TA.reportsNote),
      session.role === 'admin' ? el('p', { class: 'muted' }, TA.backupNote) : null),
    day.length ? el('h2', {}, TA.dayPapers) : null,
    day.length ? el('div', { class: 'card', id: 'dayPapers' }, table(day), el('p', { class: 'muted' }, TA.sealedNote)) : null);
  }

  async function renderAudit() {
    const r = await call('GET', C() + '/audit');
    const out = el('div', {}, el('h2', {}, TA.nav.audit));
    if (!r || r.status !== 200) { out.append(el('p', { class: 'msg' }, r ? errorText(T, r) : '')); return out; }
    out.append(el('p', { class: 'hint' }, TA.auditHint));
    out.append(el('table', { class: 'grid', id: 'auditTable' },
      el('tr', {}, [TA.at, TA.actor, TA.action, TA.detail].map((h) => el('th', {}, h))),
      r.doc.audit.slice(0, 200).map((a) => el('tr', { 'data-action': a.action, 'data-seq': a.seq },
        el('td', { class: 'when' }, beijing(a.at)), el('td', {}, a.actor),
        el('td', { title: a.action }, TA.actionNames[a.action] || a.action),
        el('td', { class: 'detail' }, detailText(a.detail))))));
    return out;
  }

  // Appeals (申诉): the organizer records one; arbitration reviews and decides, each step with a
  // reason; an upheld appeal unlocks its event, and after the chief judge locks again arbitration
  // confirms the changes before the organizer may publish. The server decides every rule.
  async function renderAppeals() {
    // Event states decide the buttons; a lock made elsewhere must show here.
    const fresh = await call('GET', C());
    if (fresh && fresh.status === 200) comp = fresh.doc;
    const r = await call('GET', C() + '/appeals');
    const out = el('div', {}, el('h2', {}, TA.nav.appeals));
    if (!r || r.status !== 200) { out.append(el('p', { class: 'msg' }, r ? errorText(T, r) : '')); return out; }
    if (session.role === 'admin') {
      const evSel = el('select', { name: 'event', 'aria-label': TA.event }, comp.events.filter((e) => e.published).map((e) => el('option', { value: e.id }, e.id + ' ' + e.name)));
      const f = el('form', { class: 'card keyform', id: 'appealForm', onsubmit: async (e) => {
        e.preventDefault();
        const who = f.who.value.trim();
        const body = { event: evSel.value, appellant: f.appellant.value.trim(), subject: f.subject.value.trim() };
        if (/^\d+$/.test(who)) body.number = who; else body.entry = who;
        if (f.received.value) body.received_at = new Date(f.received.value).toISOString().replace(/\.\d+Z$/, 'Z');
        const x = await act('POST', C() + '/appeals', body, TA.appealAdded);
        if (x && x.status === 201 && x.doc.late) say(TA.appealLate(x.doc.id), false);
      } },
      el('strong', {}, TA.appealTitle), el('p', { class: 'muted' }, TA.appealNote(r.doc.default_window)),
      el('div', { class: 'row' },
        el('label', {}, TA.event, evSel),
        el('label', {}, TA.appealWho, el('input', { name: 'who', required: true, size: 10, autocomplete: 'off', placeholder: 'E01-W10 / 09' })),
        el('label', {}, TA.appellant, el('input', { name: 'appellant', required: true, size: 12, autocomplete: 'off' })),
        el('label', {}, TA.receivedAt, el('input', { name: 'received', type: 'datetime-local' }))),
      el('div', { class: 'row' },
        el('label', { class: 'grow' }, TA.subject, el('input', { name: 'subject', required: true, size: 60, autocomplete: 'off' })),
        el('button', { type: 'submit', class: 'primary', 'data-act': 'addAppeal' }, TA.appealAdd)));
      out.append(f);
    }
    out.append(windowCard(r.doc));
    const list = r.doc.appeals;
    if (!list.length) { out.append(el('div', { class: 'card' }, TA.noAppeals)); return out; }
    const tbl = el('table', { class: 'grid', id: 'appealsTable' },
      el('tr', {}, [TA.appealNo, TA.event, TA.appealWho, TA.appellant, TA.subject, TA.receivedAt, TA.state, TA.actions].map((h) => el('th', {}, h))));
    for (const a of list) {
      const acts = el('div', { class: 'acts' });
      const reason = () => el('input', { 'aria-label': TA.reason, placeholder: TA.reasonShort, size: 14, autocomplete: 'off' });
      const ev = comp.events.find((e) => e.id === a.event) || {};
      if (session.role === 'arbitration' && a.state === 'received') {
        const rs = reason();
        acts.append(rs, el('button', { type: 'button', 'data-act': 'review', onclick: () => withReason(rs, () => act('POST', C() + '/appeals/' + a.id + '/review', { reason: rs.value.trim() }, TA.reviewed)) }, TA.reviewAppeal));
      }
      if (session.role === 'arbitration' && a.state === 'under_review') {
        const rs = reason();
        acts.append(rs,
          el('button', { type: 'button', class: 'primary', 'data-act': 'uphold', onclick: () => withReason(rs, () => act('POST', C() + '/appeals/' + a.id + '/decide', { decision: 'upheld', reason: rs.value.trim() }, TA.decided)) }, TA.uphold),
          el('button', { type: 'button', 'data-act': 'reject', onclick: () => withReason(rs, () => act('POST', C() + '/appeals/' + a.id + '/decide', { decision: 'rejected', reason: rs.value.trim() }, TA.decided)) }, TA.reject));
      }
      const unlocked = (a.history || []).some((h) => h.state === 'unlocked');
      if (session.role === 'arbitration' && a.state === 'upheld' && ev.locked && !unlocked) {
        const rs = reason();
        acts.append(rs, el('button', { type: 'button', class: 'danger', 'data-act': 'unlockAppeal', onclick: () => withReason(rs, () => act('POST', C() + '/events/' + a.event + '/unlock', { reason: rs.value.trim(), appeal: a.id }, TA.unlockedForAppeal)) }, TA.unlockForAppeal));
      }
      if (unlocked) {
        acts.append(el('button', { type: 'button', 'data-act': 'delta', onclick: () => { openDelta = a.id; render(); } }, a.delta ? TA.deltaConfirmed(a.delta.length) : TA.showDelta));
      }
      if (a.state === 'upheld' || a.state === 'rejected') {
        acts.append(el('button', { type: 'button', 'data-download': 'appeal-' + a.id, onclick: () => download(C() + '/appeals/' + a.id + '/decision.pdf', comp.id + '-appeal-' + a.id + '.pdf') }, TA.decisionPdf));
      }
      tbl.append(el('tr', { 'data-appeal': a.id },
        el('td', { class: 'num' }, a.id),
        el('td', {}, a.event + ' ' + (ev.name || '')),
        el('td', {}, a.entry + (a.number ? '（' + a.number + '）' : '')),
        el('td', {}, a.appellant),
        el('td', { class: 'detail' }, a.subject),
        el('td', { class: 'when' }, beijing(a.received_at), a.late ? el('span', { class: 'badge late' }, TA.late) : ''),
        el('td', {}, el('span', { class: 'badge ' + a.state }, TA.appealStates[a.state] || a.state)),
        el('td', {}, acts)));
      // Every step with who took it, when, and the written reason: what the 仲裁决定书 prints.
      tbl.append(el('tr', { class: 'history', 'data-history': a.id },
        el('td', {}, ''), el('td', { colspan: 7 }, el('span', { class: 'muted' }, TA.history + '：'),
          el('ol', { class: 'steps' }, (a.history || []).map((h) => el('li', { 'data-step': h.state },
            el('strong', {}, TA.stepNames[h.state] || h.state), ' ', el('span', { class: 'when' }, beijing(h.at)),
            ' ', TA.historyBy(h.by), h.reason ? el('span', { class: 'reason' }, '：' + h.reason) : ''))))));
    }
    out.append(el('div', { class: 'card wide' }, tbl));
    const open = list.find((a) => a.id === openDelta);
    if (open) { const card = await deltaCard(open); if (card) out.append(card); }
    return out;
  }

  // Each event's appeal window: when it was published, how long appeals are on time, and when
  // that ends. The organizer changes the minutes (audited by the server); arbitration reads.
  function windowCard(doc) {
    const now = Date.now();
    const rows = (doc.events || []).map((e) => {
      const closed = e.deadline && Date.parse(e.deadline) < now;
      const cells = [el('td', {}, e.event + ' ' + e.name),
        el('td', { class: 'when' }, e.published_at ? beijing(e.published_at) : TA.notPublished),
        el('td', { class: 'num' }, String(e.minutes)),
        el('td', { class: 'when' }, e.deadline ? beijing(e.deadline) : '—',
          e.deadline ? el('span', { class: 'badge ' + (closed ? 'late' : 'received') }, closed ? TA.windowClosed : TA.windowOpen) : '')];
      if (session.role === 'admin') {
        const minutes = el('input', { type: 'number', min: 0, max: 10080, step: 1, value: e.minutes, size: 6, 'aria-label': TA.windowMinutes + ' ' + e.event });
        cells.push(el('td', {}, minutes, ' ', el('button', { type: 'button', 'data-act': 'saveWindow', onclick: async () => {
          const m = Number(minutes.value);
          if (!Number.isInteger(m) || m < 0 || m > 10080) { say(TA.windowBad); minutes.focus(); return; }
          const x = await act('POST', C() + '/events/' + e.event + '/appeal-window', { minutes: m }, TA.windowSaved(e.event, m));
          if (x && x.status === 200) await render();
        } }, TA.windowSave)));
      }
      return el('tr', { 'data-window': e.event }, cells);
    });
    const heads = [TA.event, TA.publishedAt, TA.windowMinutes, TA.deadline].concat(session.role === 'admin' ? [TA.actions] : []);
    return el('div', { class: 'card', id: 'windowCard' }, el('strong', {}, TA.windowTitle),
      el('p', { class: 'muted' }, TA.windowNote(doc.default_window)),
      el('table', { class: 'grid', id: 'windowTable' }, el('tr', {}, heads.map((h) => el('th', {}, h))), rows));
  }

  function withReason(input, go) {
    if (input.value.trim().length < 2) { say(TA.reasonNeeded); input.focus(); return; }
    go();
  }

  // The changes an upheld appeal made, before → after; arbitration confirms them once the event
  // is locked again, and only then may it be published.
  let openDelta = null;   // the appeal whose changes are shown, kept across refreshes
  async function deltaCard(a) {
    const r = await call('GET', C() + '/appeals/' + a.id + '/delta');
    if (!r) return null;
    if (r.status !== 200) { say(errorText(T, r)); return null; }
    const side = (f) => !f ? '—' : (f.rank != null ? TA.rankN(f.rank) : '—') + (f.total ? ' · ' + f.total : '') + (f.award ? ' · ' + f.award : '') +
      (f.promotions || []).filter((p) => p.to).map((p) => ' · ' + TA.promotedTo(p.to)).join('') + (f.cash && f.cash.per_person ? ' · ' + TA.cashYuan(f.cash.per_person) : '');
    const tbl = el('table', { class: 'grid', id: 'deltaTable' }, el('tr', {}, [TA.entry, TA.name, TA.before, TA.after].map((h) => el('th', {}, h))),
      r.doc.delta.map((d) => el('tr', { 'data-entry': d.entry }, el('td', {}, d.entry), el('td', {}, d.name), el('td', {}, side(d.before)), el('td', {}, side(d.after)))));
    const ev = comp.events.find((e) => e.id === a.event) || {};
    const card = el('div', { class: 'card', id: 'deltaCard' }, el('strong', {}, TA.deltaTitle(a.id, r.doc.delta.length)), tbl);
    if (session.role === 'arbitration') {
      card.append(ev.locked
        ? el('button', { type: 'button', class: 'primary', 'data-act': 'confirmDelta', onclick: () => act('POST', C() + '/appeals/' + a.id + '/confirm', {}, TA.deltaDone) }, TA.confirmDelta)
        : el('p', { class: 'muted' }, TA.deltaWaitLock));
    }
    return card;
  }

  // The stored time is UTC (ISO 8601); the venue reads Beijing time, to the second.
  const BJ = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  function beijing(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso || '';
    const p = Object.fromEntries(BJ.formatToParts(d).map((x) => [x.type, x.value]));
    return p.year + '-' + p.month + '-' + p.day + ' ' + p.hour + ':' + p.minute + ':' + p.second;
  }

  // An audit detail as "字段：值" pairs, in Chinese: the field's name, and a value that is a word
  // (a status, a state, a role) by its Chinese name; ids, numbers and free text as they are. The
  // file's SHA-256 is cut to 16 digits (the whole one is in the export the chain verifies).
  function detailValue(k, v) {
    if (v == null) return '—';
    if (v === true) return '是';
    if (v === false) return '否';
    if (Array.isArray(v)) return v.map((x) => detailValue(k, x)).join('、');
    if (typeof v === 'object') return detailText(v);
    if (k === 'role' && TA.roles[v]) return TA.roles[v];
    if (k === 'sha256' && typeof v === 'string' && v.length > 16) return v.slice(0, 16) + '…';
    const names = TA.values[k];
    return names && Object.prototype.hasOwnProperty.call(names, v) ? names[v] : String(v);
  }

  function detailText(d) {
    if (d == null) return '';
    if (typeof d !== 'object') return String(d);
    return Object.entries(d).map(([k, v]) => (TA.fields[k] || k) + '：' + detailValue(k, v)).join('；').slice(0, 300);
  }

  // ---- start ---------------------------------------------------------------------------------
  SS.applyStrings(T);
  $('tabStaff').addEventListener('click', () => tab(false));
  $('tabChief').addEventListener('click', () => tab(true));
  $('staffForm').addEventListener('submit', (e) => { e.preventDefault(); signIn({ user: $('user').value.trim(), password: $('password').value }); });
  $('chiefForm').addEventListener('submit', (e) => {
    e.preventDefault();
    signIn({ judge: $('chiefCode').value.trim().toUpperCase(), pin: $('chiefPin').value.trim(), competition: $('chiefComp').value });
  });
  $('signOut').addEventListener('click', () => signOut());
  $('compSel').addEventListener('change', () => { save('ss.admin.comp', $('compSel').value); loadComp(); });
  if (session && session.token) enter(); else signOut('');
})();
