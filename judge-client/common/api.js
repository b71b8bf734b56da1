// Shared by the tablet and the organizer pages: calling the API, client-made ids, scores as
// exact hundredths, and the few DOM helpers both pages use. Loaded before each page's script;
// everything lives on window.SS so the pages have one namespace to look in.
'use strict';
(function () {
  // A network failure is not an answer: callers tell it apart from an HTTP status, because an
  // unreachable server means "keep it and try again", while any status is the server's verdict.
  class Offline extends Error {}

  async function api(method, path, body, token, raw) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    let r;
    try {
      r = await fetch(path, { method, headers, cache: 'no-store',
        body: body == null ? undefined : raw ? body : JSON.stringify(body) });
    } catch (e) {
      throw new Offline(String(e));
    }
    let doc = null;
    const text = await r.text().catch(() => '');
    try { doc = text ? JSON.parse(text) : null; } catch (e) { doc = { error: text }; }
    return { status: r.status, doc: doc || {}, headers: r.headers, text };
  }

  // Signing in, with the device token the server gave this browser for the account before: an
  // enrolled device is let in even while someone elsewhere guesses at the account's PIN.
  async function signInAs(key, body) {
    let devices = {};
    try { devices = JSON.parse(localStorage.getItem('ss.devices') || '{}') || {}; } catch (e) { devices = {}; }
    const r = await api('POST', '/api/login', Object.assign({}, body, devices[key] ? { device: devices[key] } : {}));
    if (r.status === 200 && r.doc.device) {
      devices[key] = r.doc.device;
      try { localStorage.setItem('ss.devices', JSON.stringify(devices)); } catch (e) { /* private mode */ }
    }
    return r;
  }

  // UUID v4 from getRandomValues: crypto.randomUUID exists only on https or localhost, and a
  // venue LAN serves plain http.
  function uuid() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  // Scores are typed as text and checked as integer hundredths, never as binary floats, so that
  // "99.99" and "100" compare exactly as the server will compare them.
  // Returns {centi} or {error} (an error key of SS.T).
  function parseScore(text, maxText) {
    const t = String(text).trim();
    if (t === '') return { error: 'empty' };
    if (/^\d*\.\d{3,}$/.test(t)) return { error: 'decimals' };
    // ".5" is half a point and "8." is 8, as a judge types them on the keypad.
    const m = /^(\d{0,4})(?:\.(\d{0,2}))?$/.exec(t);
    if (!m || (!m[1] && !m[2])) return { error: 'notNumber' };
    const centi = Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
    if (centi > toCenti(maxText)) return { error: 'aboveMax' };
    return { centi };
  }

  function toCenti(text) {
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(text));
    return m ? Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0')) : NaN;
  }

  function centiText(c) {
    return Math.floor(c / 100) + '.' + String(c % 100).padStart(2, '0');
  }

  // Short form for display: "40", "32.5", "9.25".
  function shortScore(text) {
    const c = toCenti(text);
    if (Number.isNaN(c)) return String(text);
    return centiText(c).replace(/\.?0+$/, '');
  }

  function load(key, fallback) {
    try {
      const v = localStorage.getItem(key);
      return v == null ? fallback : JSON.parse(v);
    } catch (e) {
      return fallback;
    }
  }

  function save(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }

  // el('button', {class: 'x', onclick: f}, 'text', child…)
  function el(tag, attrs, ...kids) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
      else if (k === 'class') n.className = v;
      else if (k === 'text') n.textContent = v;
      else n.setAttribute(k, v === true ? '' : v);
    }
    for (const k of kids.flat()) if (k != null) n.append(k instanceof Node ? k : String(k));
    return n;
  }

  // The server's errors are English sentences for operators; a user reads Chinese only: the
  // sentence is matched against T.errors, else the status says what kind of refusal it was and
  // the field (in Chinese) says where. The English stays in the console for a support call.
  function errorText(T, r) {
    const msg = r.doc && typeof r.doc.error === 'string' ? r.doc.error : '';
    if (msg && typeof console !== 'undefined') console.info('server: ' + r.status + ' ' + msg);
    // A competition file's error starts with where it is ("marks[1]: …", "entries[1] (T002): …"):
    // the place is kept as it is written in the file, the sentence is said in Chinese.
    const at = msg.match(/^((?:competition|events|entries|marks|theory|judges|format)(?:\[\d+\]|\.[a-z_]+)*(?: \([^)]*\))?): (.+)$/);
    if (at) {
      let said = T.fileError;
      for (const [re, text] of T.errors || []) {
        const m = at[2].match(re);
        if (m) { said = text(m); break; }
      }
      return T.fileAt(at[1]) + said;
    }
    for (const [re, text] of T.errors || []) {
      const m = msg.match(re);
      if (m) return text(m);
    }
    const base = T.http[r.status] || T.http.other;
    const field = r.doc && r.doc.field ? T.fields[r.doc.field] || T.fields[String(r.doc.field).split('.').pop()] : '';
    return field ? base + '（' + field + '）' : base;
  }

  // Texts of the static HTML come from strings.js too: an element with data-t="judge.code"
  // takes T.judge.code (the HTML keeps the same text for a page that runs no script).
  function applyStrings(T) {
    for (const n of document.querySelectorAll('[data-t]')) {
      const v = n.dataset.t.split('.').reduce((o, k) => (o ? o[k] : undefined), T);
      if (typeof v === 'string') n.textContent = v;
    }
  }

  window.SS = { api, signInAs, Offline, uuid, parseScore, toCenti, centiText, shortScore, load, save, el, errorText, applyStrings };
})();
