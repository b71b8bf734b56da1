// The judge tablet (/judge/): sign in with judge code + PIN, pick an entry by its number (工位号),
// mark each criterion on a keypad, review, submit.
//
// Nothing typed is lost and nothing is stored twice. Every mark gets its id (a UUID) on the
// tablet when the judge confirms the sheet, and goes into a queue kept in localStorage before the
// first attempt to send it. The queue is sent in order, one request at a time; an item leaves it
// only when the server has answered for it (2xx: stored, or a resend of what it already holds;
// 4xx: refused, shown on the sheet with the reason). A network failure or a 5xx leaves the item
// where it is and the queue is tried again every few seconds, with the same id, so a mark whose
// reply was lost is answered "already stored" instead of being stored again. Typed values not yet
// confirmed (drafts) are kept in localStorage as well.
'use strict';
(function () {
  const { api, Offline, uuid, parseScore, shortScore, load, save, el, errorText } = SS;
  const TJ = T.judge;
  const $ = (id) => document.getElementById(id);
  const RETRY_MS = 2000, REFRESH_TICKS = 5, MAX_CHARS = 7;

  let session = load('ss.judge.session', null); // {token, judge, name, comp, compName, role}
  let comp = null;                              // GET /api/competitions/{id}
  let myEvents = [];                            // the judge's event ids
  let event = null;                             // event shown
  let sheets = {};                              // event id -> sheet rows (numbers, own marks)
  let queue = [], drafts = {}, refused = {};    // see the top comment
  let view = 'login', entryNo = null, sel = 0;
  let online = null, flushing = false, ticks = 0, listMessage = '';

  // ---- local state ---------------------------------------------------------------------------
  function key(name) { return 'ss.judge.' + session.comp + '.' + session.judge + '.' + name; }
  function persist() {
    save(key('queue'), queue);
    save(key('drafts'), drafts);
    save(key('refused'), refused);
    save(key('cache'), { comp, myEvents, sheets });
  }
  function restore() {
    queue = load(key('queue'), []);
    drafts = load(key('drafts'), {});
    refused = load(key('refused'), {});
    const c = load(key('cache'), null);
    if (c) ({ comp, myEvents, sheets } = c);
    event = event && myEvents.includes(event) ? event : myEvents[0] || null;
  }
  const slot = (ev, no) => ev + '/' + no;
  const eventDef = (ev) => (comp && comp.events.find((e) => e.id === ev)) || null;
  // What a judge marks: the criteria, or under a WorldSkills marking scheme the aspects (世赛评分).
  // A judgement aspect (J) is scored 0–3 against its four benchmarks, a measurement aspect (M) is
  // yes/no or its maximum less deductions; the server checks the same rules.
  const items = (def) => !def ? [] : !def.aspects ? def.criteria : def.aspects.map((a) => ({
    id: a.id, name: a.description, kind: a.kind, criterion: a.criterion, benchmarks: a.benchmarks,
    deduct: a.deduct, full: a.max, max: a.kind === 'J' ? '3' : a.max }));
  const rowOf = (ev, no) => (sheets[ev] || []).find((r) => r.number === no) || null;
  // A mark the chief judge sent back for review (退回复评), open until corrected or confirmed.
  const sentBackOf = (ev, no, crit) => {
    const row = rowOf(ev, no);
    return (row && row.sendbacks || []).find((b) => b.criterion === crit) || null;
  };
  const draftCount = (ev, no) => {
    const def = eventDef(ev);
    return def ? items(def).filter((c) => markState(ev, no, c.id).st === 'draft').length : 0;
  };
  const anyDrafts = () => myEvents.some((ev) => (sheets[ev] || []).some((r) => r.number != null && draftCount(ev, r.number)));
  // "8.", ".5" and "8.50" are stored as the same short form.
  const normal = (text, max) => { const p = parseScore(text, max); return p.error ? text : shortScore(SS.centiText(p.centi)); };

  // What the judge sees for one criterion of one entry.
  function markState(ev, no, crit) {
    for (let i = queue.length - 1; i >= 0; i--) {
      const q = queue[i];
      if (q.event === ev && q.number === no && q.criterion === crit) return { st: 'queued', v: q.score };
    }
    const row = rowOf(ev, no);
    const saved = row && row.marks ? row.marks[crit] : undefined;
    const d = (drafts[slot(ev, no)] || {})[crit];
    if (d != null && d !== '' && saved == null) return { st: 'draft', v: d };
    const r = (refused[slot(ev, no)] || {})[crit];
    if (r && saved == null) return { st: 'refused', v: r.score, msg: r.msg };
    if (saved != null) return { st: 'saved', v: saved, msg: r && r.msg };
    return { st: 'empty', v: '' };
  }

  function progress(ev, no) {
    const def = eventDef(ev);
    if (!def) return [0, 0];
    const n = items(def).filter((c) => ['saved', 'queued'].includes(markState(ev, no, c.id).st)).length;
    return [n, items(def).length];
  }

  // ---- talking to the server -----------------------------------------------------------------
  function setOnline(v) {
    online = v;
    renderBar();
  }

  async function call(method, path, body) {
    try {
      const r = await api(method, path, body, session && session.token);
      setOnline(r.status < 500);
      if (r.status === 401 && session) expired();
      return r;
    } catch (e) {
      if (!(e instanceof Offline)) throw e;
      setOnline(false);
      return null;
    }
  }

  function markBody(q) {
    const b = { id: q.id, event: q.event, number: q.number, criterion: q.criterion,
      judge: session.judge, score: Number(q.score) };
    if (q.kind === 'correction') b.reason = q.reason;
    return b;
  }

  async function flush() {
    if (flushing || !session || !session.token) return;
    flushing = true;
    try {
      while (queue.length && session && session.token) {
        const q = queue[0];
        const r = await call('POST', '/api/competitions/' + encodeURIComponent(session.comp) +
          (q.kind === 'correction' ? '/corrections' : '/marks'), markBody(q));
        if (!r || r.status === 401 || r.status >= 500) break; // keep it; try again later
        const k = slot(q.event, q.number);
        if (r.status === 200 || r.status === 201) {
          const row = rowOf(q.event, q.number);
          if (row) row.marks[q.criterion] = r.doc.score;
          if (row && row.sendbacks && q.kind === 'correction') row.sendbacks = row.sendbacks.filter((b) => b.criterion !== q.criterion);
          if (refused[k]) delete refused[k][q.criterion];
        } else {
          refused[k] = refused[k] || {};
          refused[k][q.criterion] = { score: q.score, msg: errorText(T, r) };
        }
        queue.shift();
        persist();
        render();
      }
    } finally {
      flushing = false;
      renderBar();
    }
  }

  async function loadSheet(ev) {
    const r = await call('GET', '/api/competitions/' + encodeURIComponent(session.comp) + '/events/' +
      encodeURIComponent(ev) + '/sheet');
    if (!r) return;
    if (r.status === 200) {
      sheets[ev] = r.doc.rows;
      if (ev === event) listMessage = '';
    } else if (ev === event && r.status !== 401) {
      listMessage = r.status === 409 ? TJ.noNumbers : errorText(T, r);
    }
  }

  async function refresh() {
    if (!session || !session.token) return;
    const r = await call('GET', '/api/competitions/' + encodeURIComponent(session.comp));
    if (r && r.status === 200) comp = r.doc;
    for (const ev of myEvents) await loadSheet(ev);
    persist();
    render();
  }

  function tick() {
    if (!session || !session.token) return;
    if (queue.length) flush();
    else if (++ticks % REFRESH_TICKS === 0) {
      if (view !== 'sheet') refresh();
      else refreshSheet();
    }
  }

  // On a sheet only its event is fetched again, so that a mark the chief judge sends back shows
  // while the judge is still on it (待复评, with the note); the sheet is drawn again only when this
  // 工位's row changed, and drafts, the selection and an open dialog are kept.
  async function refreshSheet() {
    const ev = event, no = entryNo;
    const backs = (row) => ((row && row.sendbacks) || []).map((b) => b.criterion + '\u0000' + b.note).sort();
    const was = rowOf(ev, no), before = JSON.stringify(was), backsBefore = backs(was);
    await loadSheet(ev);
    if (view !== 'sheet' || ev !== event || no !== entryNo) return;
    const now = rowOf(ev, no);
    if (JSON.stringify(now) === before) return;
    persist();
    render();
    const added = backs(now).filter((b) => !backsBefore.includes(b)).length;
    if (added) {
      $('sheetMsg').textContent = TJ.sentBackArrived(added);
      const li = $('criteria').querySelector('li.sentback');
      if (li) li.scrollIntoView({ block: 'nearest' });
    }
  }

  // ---- sign-in -------------------------------------------------------------------------------
  async function loadCompetitions() {
    const sel = $('comp');
    let list = [];
    try {
      const r = await api('GET', '/api/competitions');
      list = r.doc.competitions || [];
      setOnline(true);
    } catch (e) {
      setOnline(false);
      $('loginMsg').textContent = TJ.needNetwork;
    }
    const want = new URLSearchParams(location.search).get('c') || (session && session.comp);
    sel.textContent = '';
    for (const c of list) sel.append(el('option', { value: c.id, selected: c.id === want }, c.name));
    if (!list.length && online) $('loginMsg').textContent = TJ.noCompetition;
  }

  async function signIn(ev) {
    ev.preventDefault();
    const code = $('code').value.trim().toUpperCase(), pin = $('pin').value.trim(), c = $('comp').value;
    const msg = $('loginMsg');
    msg.textContent = TJ.signingIn;
    $('signIn').disabled = true;
    try {
      let r;
      try {
        r = await SS.signInAs('judge:' + code, { judge: code, pin, competition: c || undefined });
      } catch (e) {
        msg.textContent = TJ.needNetwork;
        return;
      }
      if (r.status !== 200 && r.status !== 201) {
        msg.textContent = r.status === 401 ? TJ.wrongPin : errorText(T, r);
        return;
      }
      session = { token: r.doc.token, judge: code, comp: r.doc.competition || c, role: r.doc.role };
      const me = await api('GET', '/api/me', null, session.token);
      session.name = me.doc.display_name || '';
      save('ss.judge.session', session);
      restore();
      myEvents = me.doc.events || [];
      event = myEvents.includes(event) ? event : myEvents[0] || null;
      $('pin').value = '';
      msg.textContent = '';
      show('list');
      await refresh();
      flush();
    } finally {
      $('signIn').disabled = false;
    }
  }

  function expired() {
    session.token = null;
    save('ss.judge.session', session);
    $('code').value = session.judge;
    $('loginMsg').textContent = TJ.expired;
    show('login');
    loadCompetitions();
  }

  async function signOut() {
    if (session && session.token) await call('POST', '/api/logout', {});
    if (session) session.token = null;
    save('ss.judge.session', session);
    show('login');
    loadCompetitions();
  }

  // ---- rendering -----------------------------------------------------------------------------
  function show(v) {
    view = v;
    for (const id of ['login', 'list', 'sheet']) $(id).hidden = id !== v;
    render();
  }

  function renderBar() {
    const signedIn = session && session.token;
    $('signOut').hidden = !signedIn;
    $('signOut').textContent = TJ.signOut;
    $('barTitle').textContent = comp && signedIn ? comp.name : TJ.title;
    $('barWho').textContent = signedIn ? '· ' + session.judge + (session.name ? ' ' + session.name : '') : '';
    const net = $('net');
    net.textContent = online === false ? TJ.offline : online ? TJ.online : '';
    net.className = 'net ' + (online === false ? 'off' : 'on');
    const q = $('queue');
    q.hidden = !signedIn;
    const drafting = !queue.length && signedIn && anyDrafts();
    q.textContent = queue.length ? TJ.pending(queue.length) : drafting ? TJ.draftsWaiting : TJ.allSaved;
    q.className = 'queue' + (queue.length || drafting ? ' waiting' : '');
  }

  function render() {
    renderBar();
    if (view === 'list') renderList();
    else if (view === 'sheet') renderSheet();
  }

  function renderList() {
    const tabs = $('events');
    tabs.textContent = '';
    if (myEvents.length > 1) {
      for (const ev of myEvents) {
        const d = eventDef(ev);
        tabs.append(el('button', { type: 'button', 'aria-current': ev === event ? 'true' : 'false',
          onclick: () => { event = ev; listMessage = ''; render(); } }, d ? d.name : ev));
      }
    } else if (event) {
      const d = eventDef(event);
      tabs.append(el('h1', { class: 'evTitle' }, TJ.event + '：' + (d ? d.name : event)));
    }
    const d = eventDef(event);
    $('listMsg').textContent = !event ? TJ.notYourEvent : d && d.locked ? TJ.locked : listMessage;
    const ul = $('entries');
    ul.textContent = '';
    for (const row of sheets[event] || []) {
      if (row.number == null) continue;
      const off = row.status !== 'ok';
      const [a, b] = progress(event, row.number);
      const waiting = queue.some((q) => q.event === event && q.number === row.number);
      const back = (row.sendbacks || []).length, drafts = draftCount(event, row.number);
      const li = el('li', { tabindex: off ? null : '0', role: 'button', 'data-number': row.number,
        class: off ? 'off' : back ? 'sentback' : drafts ? 'drafting' : waiting ? 'waiting' : a === b && b ? 'done' : '',
        'aria-disabled': off ? 'true' : null },
      el('span', { class: 'num' }, TJ.number(row.number)),
      el('span', { class: 'prog' }, off ? TJ[row.status] || row.status : back ? TJ.sentBack(back) :
        drafts ? TJ.unsent(drafts) : a === b && b ? '✓ ' + TJ.done : TJ.progress(a, b)));
      if (!off) {
        li.addEventListener('click', () => openSheet(row.number));
        li.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); openSheet(row.number); } });
      }
      ul.append(li);
    }
  }

  function editable(st) { return st === 'empty' || st === 'draft' || st === 'refused'; }

  function openSheet(no) {
    entryNo = no;
    const def = eventDef(event);
    sel = Math.max(0, items(def).findIndex((c) => editable(markState(event, no, c.id).st)));
    $('sheetMsg').textContent = '';
    show('sheet');
  }

  function draftCheck(text, max) {
    const p = parseScore(text, max);
    if (!p.error || p.error === 'empty') return '';
    return p.error === 'aboveMax' ? T.score.aboveMax(shortScore(max)) : T.score[p.error];
  }

  function renderSheet() {
    const def = eventDef(event);
    if (!def) return;
    $('sheetTitle').textContent = TJ.number(entryNo) + ' · ' + def.name;
    const [a, b] = progress(event, entryNo);
    $('sheetProgress').textContent = TJ.progress(a, b);
    const ol = $('criteria');
    ol.textContent = '';
    // A marking scheme is marked by choosing, not typing: the keypad gives way to the choices.
    $('keypad').hidden = !!def.aspects;
    items(def).forEach((c, i) => {
      const s = markState(event, entryNo, c.id);
      const err = s.st === 'draft' ? draftCheck(s.v, c.max) : s.st === 'refused' ? TJ.refused + s.msg : '';
      const back = s.st === 'saved' ? sentBackOf(event, entryNo, c.id) : null;
      const chip = back ? TJ.stSentBack : { saved: TJ.stSaved, queued: TJ.stQueued, draft: TJ.stDraft, empty: TJ.stEmpty, refused: TJ.stRefused }[s.st];
      const li = el('li', { class: 'crit' + (i === sel && editable(s.st) ? ' sel' : '') + (err ? ' bad' : '') + (back ? ' sentback' : ''),
        'data-criterion': c.id, 'data-state': back ? 'sentback' : s.st, tabindex: '0' },
      el('span', { class: 'name' }, c.id + ' ' + c.name),
      el('output', { class: 'val', 'aria-label': c.name + ' ' + TJ.yourMark }, shown(c, s)),
      el('span', { class: 'line' },
        c.kind ? el('span', { class: 'kind ' + c.kind }, c.kind === 'J' ? TJ.judgement : TJ.measurement) : null,
        el('span', { class: 'max' }, TJ.max + ' ' + shortScore(c.full || c.max)),
        el('span', { class: 'chip ' + (back ? 'sentback' : s.st) }, chip),
        s.st === 'saved' && !def.locked ? el('button', { type: 'button', class: 'fix',
          onclick: (e) => { e.stopPropagation(); correct(c); } }, TJ.correct) : null,
        back && !def.locked ? el('button', { type: 'button', class: 'fix keep', 'data-act': 'keep',
          onclick: (e) => { e.stopPropagation(); keep(c, s.v); } }, TJ.keepMark) : null),
      back ? el('span', { class: 'note' }, TJ.sentBackNote(back.by, back.note)) : null,
      c.kind && editable(s.st) && !def.locked ? choices(c, s.st === 'draft' ? s.v : '', (v) => pick(c, v)) : null,
      err ? el('span', { class: 'err' }, err) : null);
      li.addEventListener('click', () => { if (editable(s.st)) { sel = i; render(); } });
      ol.append(li);
    });
    $('review').textContent = TJ.review;
    $('review').disabled = !!def.locked;
    $('keypad').classList.toggle('locked', !!def.locked);
    for (const k of $('keypad').querySelectorAll('button')) k.disabled = !!def.locked;
    if (def.locked) $('sheetMsg').textContent = TJ.locked;
    // A finished sheet offers the next 工位 still to be marked.
    const next = a === b && b ? nextToMark() : null;
    const nb = $('nextEntry');
    nb.hidden = !next;
    if (next) { nb.textContent = TJ.nextEntry(next); nb.onclick = () => openSheet(next); }
    // Everything of this 工位 sent: going on is the main action, not submitting again.
    const finished = !!next && !def.criteria.some((c) => markState(event, entryNo, c.id).st === 'draft' ||
      sentBackOf(event, entryNo, c.id));
    nb.classList.toggle('primary', finished);
    nb.classList.toggle('ghost', !finished);
    $('review').classList.toggle('primary', !finished);
    $('review').classList.toggle('ghost', finished);
  }

  // What the judge sees as an item's value: a J score as "2 分", a yes/no as 是/否.
  function shown(c, s) {
    if (s.v === '' || s.v == null) return '—';
    const v = s.st === 'draft' ? s.v : shortScore(s.v);
    if (c.kind === 'J') return TJ.points(v);
    if (c.kind === 'M' && !c.deduct) return parseScore(v, c.full).centi === 0 ? TJ.no : TJ.yes;
    return v;
  }

  // The choices of an aspect: 0–3 with the benchmark texts (J), 是/否 (M), or a count of faults
  // with the mark it leaves (M with a deduction). pick(value) receives the record as text.
  function choices(c, current, pick) {
    const box = el('div', { class: 'choices ' + c.kind, role: 'group', 'aria-label': c.name });
    const button = (v, label, text) => el('button', { type: 'button', 'data-choice': v,
      'aria-pressed': current !== '' && current === v ? 'true' : 'false',
      onclick: (e) => { e.stopPropagation(); pick(v); } }, el('strong', {}, label), text ? el('span', {}, text) : null);
    if (c.kind === 'J') {
      ['0', '1', '2', '3'].forEach((v, l) => box.append(button(v, v, (c.benchmarks || [])[l])));
    } else if (!c.deduct) {
      box.append(button(shortScore(c.full), TJ.yes, TJ.fullMark(shortScore(c.full))), button('0', TJ.no, TJ.zeroMark));
    } else {
      const full = parseScore(c.full, c.full).centi, step = parseScore(c.deduct, c.full).centi;
      const have = current === '' ? null : parseScore(current, c.full).centi;
      const k = have == null ? 0 : Math.round((full - have) / step);
      const valueOf = (n) => shortScore(SS.centiText(Math.max(0, full - n * step)));
      box.append(button(valueOf(Math.max(0, k - 1)), '−', null),
        el('span', { class: 'faults' }, TJ.faults(have == null ? 0 : k, shortScore(c.deduct), have == null ? '—' : valueOf(k))),
        button(valueOf(have == null ? 0 : k + 1), '+', null));
      if (have == null) box.append(button(valueOf(0), TJ.noFault, null));
    }
    return box;
  }

  function pick(c, v) {
    const def = eventDef(event);
    if (view !== 'sheet' || !def || def.locked || !editable(markState(event, entryNo, c.id).st)) return;
    const d = drafts[slot(event, entryNo)] = drafts[slot(event, entryNo)] || {};
    d[c.id] = v;
    if (refused[slot(event, entryNo)]) delete refused[slot(event, entryNo)][c.id];
    sel = items(def).findIndex((x) => x.id === c.id);
    $('sheetMsg').textContent = '';
    persist();
    render();
  }

  function nextToMark() {
    const rows = (sheets[event] || []).filter((r) => r.number != null && r.status === 'ok');
    const after = rows.filter((r) => r.number > entryNo).concat(rows.filter((r) => r.number < entryNo));
    const r = after.find((x) => { const [a, b] = progress(event, x.number); return a < b; });
    return r ? r.number : null;
  }

  function buildKeypad() {
    const pad = $('keypad');
    pad.setAttribute('aria-label', TJ.keypad);
    const keys = ['7', '8', '9', '4', '5', '6', '1', '2', '3', '.', '0', '⌫'];
    for (const k of keys) {
      pad.append(el('button', { type: 'button', 'data-key': k, 'aria-label': k === '⌫' ? TJ.del : k,
        class: k === '⌫' ? 'fn' : '', onclick: () => press(k) }, k));
    }
    pad.append(el('button', { type: 'button', class: 'fn', 'data-key': 'C', onclick: () => press('C') }, TJ.clear));
    pad.append(el('button', { type: 'button', class: 'fn', 'data-key': '00', onclick: () => press('00') }, '00'));
    pad.append(el('button', { type: 'button', class: 'fn', 'data-key': '.5', onclick: () => press('.5') }, '.5'));
    pad.append(el('button', { type: 'button', class: 'next', 'data-key': 'next', onclick: () => press('next') }, TJ.next + ' ›'));
  }

  // One key on a keypad (the sheet's or a dialog's): the value it leaves.
  function typeKey(v, k) {
    if (k === 'C') return '';
    if (k === '⌫') return v.slice(0, -1);
    if (v.length + k.length <= MAX_CHARS && !(k.includes('.') && v.includes('.'))) return v + k;
    return v;
  }

  function press(k) {
    const def = eventDef(event);
    if (view !== 'sheet' || !def || def.locked) return;
    const c = items(def)[sel];
    if (c && c.kind === 'J' && /^[0-3]$/.test(k)) { pick(c, k); return; }
    if (!c || c.kind || !editable(markState(event, entryNo, c.id).st)) return;
    const d = drafts[slot(event, entryNo)] = drafts[slot(event, entryNo)] || {};
    let v = d[c.id] || '';
    if (k === 'next') {
      const i = items(def).findIndex((x, j) => j > sel && editable(markState(event, entryNo, x.id).st));
      if (i >= 0) sel = i;
    } else v = typeKey(v, k);
    if (v === '') delete d[c.id]; else d[c.id] = v;
    if (refused[slot(event, entryNo)]) delete refused[slot(event, entryNo)][c.id];
    $('sheetMsg').textContent = '';
    persist();
    render();
  }

  // ---- dialogs -------------------------------------------------------------------------------
  function dialog(title, body, okText, onOk) {
    $('dialogTitle').textContent = title;
    $('dialogBody').textContent = '';
    $('dialogBody').append(body);
    $('dialogMsg').textContent = '';
    $('dialogOk').textContent = okText;
    $('dialogCancel').textContent = TJ.edit;
    $('dialogOk').onclick = () => { if (onOk() !== false) closeDialog(); };
    $('dialogCancel').onclick = closeDialog;
    $('dialogCancel').hidden = false;
    $('dialog').hidden = false;
    const first = $('dialogBody').querySelector('input') || $('dialogOk');
    first.focus();
  }
  function closeDialog() { $('dialog').hidden = true; }

  function review() {
    const def = eventDef(event);
    const d = drafts[slot(event, entryNo)] || {};
    const todo = items(def).filter((c) => markState(event, entryNo, c.id).st === 'draft');
    if (!todo.length) { $('sheetMsg').textContent = TJ.nothingToSend; return; }
    if (todo.some((c) => draftCheck(d[c.id], c.max))) { $('sheetMsg').textContent = TJ.fixFirst; return; }
    // Every criterion, so a missing one is seen before the sheet goes: new, saved or missing.
    let total = 0, missing = 0;
    const rows = items(def).map((c) => {
      const s = markState(event, entryNo, c.id);
      const v = s.st === 'draft' ? normal(s.v, c.max) : s.st === 'saved' || s.st === 'queued' ? shortScore(s.v) : null;
      if (v == null) missing++; else total += parseScore(v, c.max).centi;
      return el('tr', { class: s.st === 'draft' ? 'new' : v == null ? 'missing' : '', 'data-criterion': c.id },
        el('td', {}, c.id + ' ' + c.name), el('td', {}, shortScore(c.full || c.max)),
        el('td', { class: 'v' }, v == null ? TJ.missing : c.kind ? shown(c, { st: 'saved', v }) : v),
        el('td', {}, s.st === 'draft' ? TJ.newMark : v == null ? '' : TJ.savedMark));
    });
    // A marking scheme has no sum of records to show: its criteria are computed by the rules.
    const maxTotal = items(def).reduce((t, c) => t + parseScore(c.max, c.max).centi, 0);
    const table = el('table', {}, el('tr', {}, el('th', {}, TJ.criterion), el('th', {}, TJ.max), el('th', {}, TJ.yourMark), el('th', {}, '')),
      rows, def.aspects ? null : el('tr', { class: 'sum' }, el('td', {}, TJ.total), el('td', {}, shortScore(SS.centiText(maxTotal))),
        el('td', { class: 'v', id: 'reviewTotal' }, shortScore(SS.centiText(total))), el('td', {}, '')));
    const body = el('div', {}, table, missing ? el('p', { class: 'msg' }, TJ.missingNote(missing)) : null,
      def.aspects ? el('p', { class: 'muted' }, TJ.schemeNote) : null,
      el('p', { class: 'muted' }, TJ.reviewHint));
    dialog(TJ.reviewTitle(entryNo), body, TJ.confirm, () => {
      for (const c of todo) {
        queue.push({ id: uuid(), kind: 'mark', event, number: entryNo, criterion: c.id, score: normal(d[c.id], c.max) });
        delete d[c.id];
      }
      persist();
      render();
      flush();
    });
  }

  // The same keys as the sheet's keypad (清除, 00 and .5 included), for a value in a dialog.
  function miniPad(input) {
    const pad = el('div', { class: 'minipad', 'aria-label': TJ.keypad });
    for (const k of ['7', '8', '9', '4', '5', '6', '1', '2', '3', '.', '0', '⌫', 'C', '00', '.5']) {
      pad.append(el('button', { type: 'button', 'data-key': k, class: k.length > 1 || k === '⌫' || k === 'C' ? 'fn' : '',
        'aria-label': k === '⌫' ? TJ.del : k === 'C' ? TJ.clear : k, onclick: () => {
          input.value = typeKey(input.value, k);
          $('dialogMsg').textContent = '';
        } }, k === 'C' ? TJ.clear : k));
    }
    return pad;
  }

  // The aspect's choices in the correction dialog: a press fills the value and marks the choice.
  function correctionChoices(c, input) {
    const holder = el('div', { class: 'corrChoices' });
    const draw = () => {
      holder.textContent = '';
      holder.append(choices(c, input.value, (v) => { input.value = v; $('dialogMsg').textContent = ''; draw(); }));
    };
    draw();
    return holder;
  }

  function correct(c) {
    const now = markState(event, entryNo, c.id);
    const input = el('input', { id: 'corrValue', inputmode: 'none', autocomplete: 'off', readonly: true });
    const reason = el('input', { id: 'corrReason', placeholder: TJ.reasonHint, autocomplete: 'off' });
    const back = sentBackOf(event, entryNo, c.id);
    const body = el('div', {},
      el('p', { class: 'current' }, TJ.current + '：', el('strong', {}, c.kind ? shown(c, now) : shortScore(now.v)),
        '（' + TJ.max + ' ' + shortScore(c.full || c.max) + '）'),
      back ? el('p', { class: 'note' }, TJ.sentBackNote(back.by, back.note)) : null,
      // An aspect is corrected by choosing again; the value field then only carries the choice.
      c.kind ? el('div', { class: 'corrAspect' }, correctionChoices(c, input), el('span', { hidden: true }, input),
        el('label', { for: 'corrReason' }, TJ.reason), reason)
        : el('div', { class: 'corrRow' }, el('div', {}, el('label', { for: 'corrValue' }, TJ.yourMark), input,
          el('label', { for: 'corrReason' }, TJ.reason), reason), miniPad(input)));
    dialog(TJ.correctTitle(entryNo, c.name), body, TJ.sendCorrection, () => {
      const p = parseScore(input.value, c.max);
      if (p.error) {
        $('dialogMsg').textContent = p.error === 'aboveMax' ? T.score.aboveMax(shortScore(c.max)) : T.score[p.error];
        return false;
      }
      if (reason.value.trim().length < 2) { $('dialogMsg').textContent = TJ.reasonNeeded; return false; }
      queue.push({ id: uuid(), kind: 'correction', event, number: entryNo, criterion: c.id,
        score: normal(input.value.trim(), c.max), reason: reason.value.trim() });
      persist();
      render();
      flush();
      return true;
    });
    $('dialogCancel').textContent = TJ.cancel;
  }

  // Keeping a sent-back mark as it is tells the chief judge it was looked at again.
  function keep(c, v) {
    const number = entryNo, ev = event;
    dialog(TJ.keepTitle(number, c.name), el('p', {}, TJ.keepBody(shortScore(v))), TJ.keepMark, () => {
      call('POST', '/api/competitions/' + encodeURIComponent(session.comp) + '/events/' + encodeURIComponent(ev) +
        '/sendback/confirm', { number, criterion: c.id }).then((r) => {
        if (!r) { $('sheetMsg').textContent = TJ.needNetwork; return; }
        const row = rowOf(ev, number);
        if (r.status === 200 || r.status === 404) {
          if (row) row.sendbacks = (row.sendbacks || []).filter((b) => b.criterion !== c.id);
          $('sheetMsg').textContent = r.status === 200 ? TJ.kept : '';
        } else $('sheetMsg').textContent = errorText(T, r);
        persist();
        render();
      });
    });
    $('dialogCancel').textContent = TJ.cancel;
  }

  function leaveSheet() {
    const n = view === 'sheet' ? draftCount(event, entryNo) : 0;
    if (!n) { show('list'); return; }
    dialog(TJ.leaveTitle, el('p', {}, TJ.leaveBody(n)), TJ.leave, () => { show('list'); });
    $('dialogCancel').textContent = TJ.stay;
  }

  async function trySignOut() {
    if (queue.length) {
      dialog(TJ.cannotSignOut, el('p', {}, TJ.signOutBlocked(queue.length)), TJ.ok, () => {});
      $('dialogCancel').hidden = true;
      return;
    }
    await signOut();
  }

  // ---- start ---------------------------------------------------------------------------------
  function keys(e) {
    if (!$('dialog').hidden) {
      if (e.key === 'Escape') closeDialog();
      return;
    }
    if (view !== 'sheet') return;
    if (/^[0-9.]$/.test(e.key)) press(e.key);
    else if (e.key === 'Backspace') press('⌫');
    else if (e.key === 'Enter' || e.key === 'Tab') { e.preventDefault(); press('next'); }
    else if (e.key === 'Escape') leaveSheet();
  }

  function start() {
    SS.applyStrings(T);
    buildKeypad();
    $('loginForm').addEventListener('submit', signIn);
    $('signOut').addEventListener('click', trySignOut);
    $('back').addEventListener('click', leaveSheet);
    $('review').addEventListener('click', review);
    document.addEventListener('keydown', keys);
    window.addEventListener('online', flush);
    setInterval(tick, RETRY_MS);
    if (session && session.token) {
      restore();
      show('list');
      refresh().then(flush);
    } else {
      if (session) { $('code').value = session.judge || ''; restore(); }
      show('login');
      loadCompetitions();
    }
  }
  start();
})();
