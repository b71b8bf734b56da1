// Check-in (/checkin/): the organizer or a clerk at the door finds a contestant by name, the
// last four characters of the ID card or the 工位号, and marks them absent (缺考) or back with
// one tap. The server keeps the rules (a reason after the draw, no change once locked); this
// page sends the standard reason and shows the server's answer.
'use strict';
(function () {
  const { api, signInAs, Offline, load, save, el, errorText, applyStrings } = SS;
  const TC = T.checkin;
  const $ = (id) => document.getElementById(id);
  let session = load('ss.checkin.session', null); // {token, comp, role}
  let entries = [], busy = false;
  // The QR on an admission slip opens /checkin/?c=<competition>&entry=<参赛号>: the clerk's
  // phone lands on that contestant (after sign-in if needed).
  const params = new URLSearchParams(location.search);
  const wantComp = params.get('c');
  let wantEntry = params.get('entry');

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
      say(TC.offline);
      return null;
    }
  }
  const C = () => '/api/competitions/' + encodeURIComponent(session.comp);

  async function showLogin(why) {
    $('app').hidden = true;
    $('signOut').hidden = true;
    $('login').hidden = false;
    $('loginMsg').textContent = why || '';
    try {
      const r = await api('GET', '/api/competitions');
      $('comp').textContent = '';
      for (const c of r.doc.competitions || []) $('comp').append(el('option', { value: c.id }, c.name));
      if (wantComp && [...$('comp').options].some((o) => o.value === wantComp)) $('comp').value = wantComp;
    } catch (e) { $('loginMsg').textContent = TC.offline; }
  }

  async function signIn(ev) {
    ev.preventDefault();
    const user = $('user').value.trim(), comp = $('comp').value;
    let r;
    try { r = await signInAs('user:' + user, { user, password: $('password').value }); } catch (e) { $('loginMsg').textContent = TC.offline; return; }
    if (r.status !== 200) { $('loginMsg').textContent = r.status === 401 ? TC.wrongLogin : errorText(T, r); return; }
    if (r.doc.role !== 'admin' && r.doc.role !== 'clerk') {
      await api('POST', '/api/logout', {}, r.doc.token);
      $('loginMsg').textContent = TC.notAllowed;
      return;
    }
    session = { token: r.doc.token, comp, role: r.doc.role };
    save('ss.checkin.session', session);
    $('password').value = '';
    await enter();
  }

  async function signOut(why) {
    if (session) await api('POST', '/api/logout', {}, session.token).catch(() => null);
    session = null;
    localStorage.removeItem('ss.checkin.session');
    showLogin(typeof why === 'string' ? why : '');
  }

  async function enter() {
    if (wantComp && session.comp !== wantComp) {
      session.comp = wantComp;
      save('ss.checkin.session', session);
    }
    $('login').hidden = true;
    $('app').hidden = false;
    $('signOut').hidden = false;
    await reload();
  }

  async function reload() {
    const r = await call('GET', C() + '/entries');
    if (!r) return;
    if (r.status !== 200) { say(errorText(T, r)); return; }
    entries = r.doc.entries;
    const sel = $('event'), was = sel.value;
    const events = [...new Map(entries.map((e) => [e.event, e.event_name])).entries()];
    sel.textContent = '';
    sel.append(el('option', { value: '' }, TC.allEvents));
    for (const [id, name] of events) sel.append(el('option', { value: id }, name));
    sel.value = events.some(([id]) => id === was) ? was : '';
    if (wantEntry) {
      $('q').value = wantEntry;
      wantEntry = null;
    }
    render();
  }

  // Name, ID-card tail or number; case and spaces do not matter.
  function matches(e, q) {
    if (!q) return true;
    q = q.replace(/\s+/g, '').toUpperCase();
    if ((e.number && e.number === q) || e.entry.toUpperCase() === q) return true;
    return e.members.some((m) => m.name.replace(/\s+/g, '').toUpperCase().includes(q) ||
      (m.id_tail && m.id_tail.toUpperCase() === q));
  }

  function render() {
    const ev = $('event').value, q = $('q').value;
    const shown = entries.filter((e) => (!ev || e.event === ev) && matches(e, q));
    const inEvent = entries.filter((e) => !ev || e.event === ev);
    const absent = inEvent.filter((e) => e.status === 'absent').length;
    $('counts').textContent = TC.counts(inEvent.length, inEvent.length - absent, absent);
    const list = $('list');
    list.textContent = '';
    for (const e of shown) {
      const names = e.members.map((m) => m.name).join('、');
      const tails = e.members.filter((m) => m.id_tail).map((m) => '…' + m.id_tail).join(' ');
      const unit = e.members.find((m) => m.unit);
      const badge = e.status === 'ok' ? null : el('span', { class: 'badge ' + e.status }, TC.status[e.status]);
      const li = el('li', { class: e.status, 'data-entry': e.entry },
        el('div', { class: 'who' }, e.number ? el('span', { class: 'num' }, e.number) : null, names, badge),
        el('div', { class: 'sub' }, [e.event_name, e.group, unit ? unit.unit : '', tails].filter(Boolean).join(' · ')));
      if (e.status !== 'disqualified') {
        li.append(el('button', { type: 'button', 'data-act': e.status === 'ok' ? 'absent' : 'present',
          onclick: () => toggle(e) }, e.status === 'ok' ? TC.markAbsent : TC.markPresent));
      }
      list.append(li);
    }
    if (!shown.length) list.append(el('li', {}, el('div', { class: 'sub' }, TC.none)));
  }

  async function toggle(e) {
    if (busy) return;
    busy = true;
    const to = e.status === 'ok' ? 'absent' : 'ok';
    say(TC.working, true);
    const r = await call('POST', C() + '/entries/' + encodeURIComponent(e.entry) + '/status',
      { status: to, reason: to === 'absent' ? TC.reasonAbsent : TC.reasonPresent });
    busy = false;
    if (!r) return;
    if (r.status === 200) {
      e.status = r.doc.status;
      say(TC.done(e.members.map((m) => m.name).join('、'), TC.status[e.status]), true);
      render();
    } else say(errorText(T, r));
  }

  // Scanning in the page needs the browser's BarcodeDetector and a camera, which browsers give
  // only to secure pages (https or localhost); elsewhere the phone's own camera app opens the
  // slip's link, and typing always works.
  let scanning = null;
  function scanAvailable() {
    return window.isSecureContext && 'BarcodeDetector' in window && navigator.mediaDevices &&
      navigator.mediaDevices.getUserMedia;
  }
  async function stopScan() {
    if (!scanning) return;
    clearInterval(scanning.timer);
    for (const t of scanning.stream.getTracks()) t.stop();
    scanning = null;
    $('camera').hidden = true;
    $('scan').textContent = TC.scan;
  }
  async function startScan() {
    if (scanning) { stopScan(); return; }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch (e) { say(TC.scanNoCamera); return; }
    const video = $('camera'), detector = new BarcodeDetector({ formats: ['qr_code'] });
    video.srcObject = stream;
    video.hidden = false;
    video.play().catch(() => null); // a camera that has no frame yet must not hold the page
    $('scan').textContent = TC.scanStop;
    say(TC.scanHint, true);
    scanning = { stream, timer: setInterval(async () => {
      const codes = await detector.detect(video).catch(() => []);
      if (!codes.length) return;
      let url;
      try { url = new URL(codes[0].rawValue); } catch (e) { say(TC.scanOther); return; }
      const entry = url.searchParams.get('entry'), c = url.searchParams.get('c');
      if (!entry || c !== session.comp) { say(TC.scanOther); return; }
      stopScan();
      $('event').value = '';
      $('q').value = entry;
      say('');
      render();
    }, 300) };
  }

  applyStrings(T);
  $('scan').hidden = !scanAvailable();
  $('scan').addEventListener('click', startScan);
  $('q').placeholder = TC.searchHint;
  $('loginForm').addEventListener('submit', signIn);
  $('signOut').addEventListener('click', () => signOut());
  $('event').addEventListener('change', render);
  $('q').addEventListener('input', render);
  if (session) enter(); else showLogin();
})();
