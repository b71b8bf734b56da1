// The ceremony remote (/ceremony/?c=YN2026): the organizer, on a phone, steps one published
// event and group on every display from its lowest award up to its highest — one press per
// step. The server keeps the step (a display that reconnects shows the same) and sends it to
// the displays over /ws; this page only asks for the next step and shows what the hall sees.
// After the groups comes the delegations' medal table (代表队奖牌榜) over the published events:
// its title card, then the table.
'use strict';
(function () {
  const { api, signInAs, Offline, load, save, el, errorText, applyStrings } = SS;
  const TC = T.ceremony;
  const $ = (id) => document.getElementById(id);
  let session = load('ss.admin.session', null);
  let comp = new URLSearchParams(location.search).get('c');
  let groups = [], medals = null, now = { on: false }, busy = false;

  function say(text, ok) {
    $('msg').textContent = text || '';
    $('msg').className = 'msg' + (ok ? ' ok' : '');
  }

  async function call(method, path, body) {
    try {
      const r = await api(method, path, body, session && session.token);
      if (r.status === 401) { signOut(errorText(T, r)); return null; }
      return r;
    } catch (e) {
      if (!(e instanceof Offline)) throw e;
      say(T.judge.needNetwork);
      return null;
    }
  }
  const C = () => '/api/competitions/' + encodeURIComponent(comp);
  const MEDALS = '\u0001medals';
  const key = (g) => g.medal_table ? MEDALS : g.event + '\u0000' + g.group;

  function signOut(why) {
    session = null;
    save('ss.admin.session', null);
    $('app').hidden = true;
    $('signOut').hidden = true;
    $('login').hidden = false;
    $('loginMsg').textContent = typeof why === 'string' ? why : '';
  }

  async function signIn(e) {
    e.preventDefault();
    $('loginMsg').textContent = TC.working;
    let r;
    try { r = await signInAs('admin:' + $('user').value.trim(), { user: $('user').value.trim(), password: $('password').value }); } catch (x) {
      $('loginMsg').textContent = T.judge.needNetwork;
      return;
    }
    if (r.status !== 200 && r.status !== 201) { $('loginMsg').textContent = errorText(T, r); return; }
    if (r.doc.role !== 'admin') { $('loginMsg').textContent = TC.adminOnly; return; }
    session = { token: r.doc.token, role: r.doc.role, name: r.doc.name || $('user').value.trim() };
    save('ss.admin.session', session);
    $('password').value = '';
    enter();
  }

  async function enter() {
    if (!comp) {
      try { const list = (await api('GET', '/api/competitions')).doc.competitions || []; comp = list[0] && list[0].id; } catch (e) { /* said below */ }
    }
    if (!comp) { signOut(TC.noCompetition); return; }
    $('login').hidden = true;
    $('app').hidden = false;
    $('signOut').hidden = false;
    await refresh();
  }

  async function refresh() {
    const r = await call('GET', C() + '/ceremony');
    if (!r) return;
    if (r.status !== 200) { say(errorText(T, r)); return; }
    take(r.doc);
  }

  function take(doc) {
    groups = doc.groups || [];
    medals = doc.medal_table ? Object.assign({ medal_table: true }, doc.medal_table) : null;
    now = doc.ceremony || { on: false };
    const sel = $('group');
    const was = sel.value;
    sel.textContent = '';
    for (const g of groups) sel.append(el('option', { value: key(g) }, TC.groupLabel(g)));
    if (medals) sel.append(el('option', { value: MEDALS }, TC.medalLabel(medals)));
    if (now.on) sel.value = key(now);
    else if (was && choices().some((g) => key(g) === was)) sel.value = was;
    render();
  }

  const choices = () => medals ? groups.concat([medals]) : groups;
  const picked = () => choices().find((g) => key(g) === $('group').value);
  // What the step after `step` shows, and every step's label, for a group or the medal table.
  const stepLabel = (g, i) => i === 0 ? TC.titleCard : g.medal_table ? TC.medalPage(g.pages[i - 1], g.steps) : g.tiers[i - 1].award + TC.people(g.tiers[i - 1].count);
  const onPicked = () => now.on && picked() && key(now) === key(picked());

  function render() {
    const g = picked();
    const here = onPicked();
    if (!groups.length) say(TC.nothingPublished);
    if (now.on && now.medal_table) {
      $('now').textContent = now.table ? TC.medalPage(now.pages[now.step - 1], now.steps) : TC.medalTitle;
      $('nowWho').textContent = now.table ? TC.medalWho(now.table.rows) : TC.medalScope(now);
    } else {
      $('now').textContent = !now.on ? TC.off : !now.tier ? TC.titleCard : now.tier.award + TC.people(now.tier.rows.length);
      $('nowWho').textContent = now.on && now.tier ? now.tier.rows.map((r) => r.name).join('、') : now.on ? now.event_name + ' · ' + now.group : '';
    }
    let next = '';
    if (g) {
      if (!here) next = g.medal_table ? TC.startMedals : TC.startWith(g);
      else if (now.step < g.steps) next = stepLabel(g, now.step + 1);
      else next = g.medal_table ? TC.medalsShown : TC.atTop;
    }
    $('next').textContent = next;
    $('forward').disabled = busy || !g || (here && now.step >= g.steps);
    $('forward').textContent = !here ? TC.start : TC.forward;
    $('back').disabled = busy || !here || now.step === 0;
    $('end').disabled = busy || !now.on;
    const steps = $('steps');
    steps.textContent = '';
    if (g) {
      const items = [];
      for (let i = 0; i <= g.steps; i++) items.push(stepLabel(g, i));
      items.forEach((text, i) => steps.append(el('li', { class: here ? (i === now.step ? 'at' : i < now.step ? 'done' : '') : '' }, text)));
    }
  }

  async function go(body, okText) {
    busy = true;
    render();
    const r = await call('POST', C() + '/ceremony', body);
    busy = false;
    if (r && r.status === 200) { take(r.doc); say(okText, true); } else { render(); if (r) say(errorText(T, r)); }
  }

  function forward() {
    const g = picked();
    if (!g) return;
    const step = onPicked() ? now.step + 1 : 0;
    go(g.medal_table ? { medal_table: true, step } : { event: g.event, group: g.group, step }, TC.shown);
  }
  function back() {
    if (!onPicked() || now.step === 0) return;
    const step = now.step - 1;
    go(now.medal_table ? { medal_table: true, step } : { event: now.event, group: now.group, step }, TC.shown);
  }
  function end() {
    if (!now.on || !confirm(TC.endConfirm)) return;
    go({ event: null }, TC.ended);
  }

  applyStrings(T);
  $('loginForm').addEventListener('submit', signIn);
  $('signOut').addEventListener('click', () => signOut(''));
  $('group').addEventListener('change', render);
  $('forward').addEventListener('click', forward);
  $('back').addEventListener('click', back);
  $('end').addEventListener('click', end);
  if (session && session.token && session.role === 'admin') enter(); else signOut('');
})();
