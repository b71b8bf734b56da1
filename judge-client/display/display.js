// The projector display (/display/): live rankings from /ws, one (event, group) at a time.
// URL: ?c=YN2026 (default: the first competition), &event=E02&group=职工组 to stay on one group,
// &rotate=15 (seconds per page when rotating), &rows=9 (rows per page), &relay=ws://… (read the
// public relay instead of /ws: docs/live.md).
'use strict';
(function () {
  const q = new URLSearchParams(location.search);
  const rotateMs = Math.max(3, Number(q.get('rotate')) || 15) * 1000;
  const perPage = Math.max(3, Number(q.get('rows')) || 9);
  const fixedEvent = q.get('event'), fixedGroup = q.get('group');
  const $ = (id) => document.getElementById(id);
  let comp = q.get('c'), compName = '';
  let ws = null, seq = 0, backoff = 500, pages = [], at = 0, rotateTimer = null, waitSnapshot = false;
  const groups = new Map();      // "event\u0000group" -> {meta, rows: Map(key -> row)}
  const flash = new Map();       // row key -> time it changed

  function setConn(text, bad) {
    const el = $('conn');
    el.textContent = text;
    el.className = 'conn' + (bad ? ' bad' : '');
  }

  // The hall reads Chinese: the server's English error is matched against T.display.wsErrors.
  function wsErrorText(e) {
    const D = window.T && window.T.display;
    if (!D) return '服务器拒绝了大屏的订阅，请刷新页面';
    const hit = D.wsErrors.find(([re]) => re.test(String(e || '')));
    return hit ? hit[1] : D.wsError;
  }

  function gkey(g) { return g.event + '\u0000' + g.group; }

  function applyGroup(g, full) {
    const k = gkey(g);
    const old = groups.get(k);
    const rows = full || !old ? new Map() : old.rows;
    for (const r of g.rows) {
      const prev = old ? old.rows.get(r.key) : undefined;   // a group sent whole flashes only what moved
      if (old && (!prev || prev.total !== r.total || prev.rank !== r.rank)) flash.set(r.key, Date.now());
      rows.set(r.key, r);
    }
    groups.set(k, { meta: g, rows });
  }

  // ?relay=ws://relay.example.cn/sub/YN2026: read the public relay (deploy/relay) instead of
  // this server's /ws: snapshots and updates as /ws sends them, replayed from its buffer on
  // connect; nothing to subscribe.
  const relay = q.get('relay');

  function subscribe() {
    if (relay) { if (ws) ws.close(); return; }   // a relay stream cannot be asked again: reconnect
    if (ws && ws.readyState === 1) ws.send(JSON.stringify({ subscribe: comp }));
  }

  function onMessage(ev) {
    let m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if ('ceremony' in m) ceremony(m.ceremony);
    else if (m.type === 'results') ceremony(null);
    if (m.type === 'results') {
      waitSnapshot = false;
      groups.clear();
      seq = m.seq;
      for (const g of m.results.rankings) applyGroup(g, true);
      flash.clear();
      buildPages();
    } else if (m.type === 'update') {
      if (relay) {
        // The relay replays its buffer: updates before the first snapshot, or already covered,
        // are old news; after a gap, wait for the next snapshot (at most 5 s away).
        if (!seq || waitSnapshot || m.seq <= seq) return;
        if (m.from !== seq + 1) { waitSnapshot = true; return; }
      } else if (m.from !== seq + 1) { subscribe(); return; }   // missed something: start again
      seq = m.seq;
      for (const g of m.rankings) applyGroup(g, g.full);
      buildPages(true);
    } else if (m.type === 'resync') {
      subscribe();
      return;
    } else if (m.type === 'error') {
      console.warn('/ws:', m.error);
      setConn(wsErrorText(m.error), true);
      // Nothing to show: the screen says why, in the middle, not "正在连接…".
      if (!groups.size) {
        $('comp').textContent = compName || comp || '';
        $('empty').textContent = wsErrorText(m.error);
        $('empty').hidden = false;
      }
      return;
    }
    render();
  }

  // The award ceremony (颁奖) takes the whole screen while the organizer runs it; what it shows
  // is what the server sent for the step reached (nothing of a higher tier is in it).
  function ceremony(c) {
    const box = $('ceremony');
    if (!c || !c.on) { box.hidden = true; return; }
    box.hidden = false;
    $('cerComp').textContent = (compName || comp || '') + ' · 颁奖典礼';
    $('cerTitle').textContent = c.event_name + ' · ' + c.group;
    const award = $('cerAward');
    const rows = $('cerRows');
    rows.textContent = '';
    if (!c.tier) {
      award.textContent = '颁 奖';
      award.className = 'cer-award title';
      $('cerStep').textContent = '共 ' + c.steps + ' 个奖项等级，从' + (c.tiers[0] ? c.tiers[0].award : '') + '开始';
      return;
    }
    award.textContent = c.tier.award;
    award.className = 'cer-award a-' + c.tier.award;
    rows.className = 'cer-rows' + (c.tier.rows.length > 6 ? ' many' : '');
    c.tier.rows.forEach((r, i) => {
      const card = document.createElement('div');
      card.className = 'cer-card';
      card.style.animationDelay = (i * 0.15) + 's';
      const name = document.createElement('div');
      name.className = 'name';
      name.textContent = r.name || '';
      const unit = document.createElement('div');
      unit.className = 'unit';
      unit.textContent = r.unit || '';
      const meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = '第 ' + r.rank + ' 名' + (r.total ? ' · 总分 ' + r.total : '');
      card.append(name, unit, meta);
      rows.appendChild(card);
    });
    $('cerStep').textContent = '第 ' + c.step + ' / ' + c.steps + ' 步';
  }

  function connect() {
    setConn('连接中…', false);
    ws = new WebSocket(relay || (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
    ws.onopen = () => { backoff = 500; setConn('● 已连接 实时更新', false); if (!relay) subscribe(); };
    ws.onmessage = onMessage;
    ws.onclose = () => {
      setConn('连接中断，' + Math.round(backoff / 1000 + 0.4) + ' 秒后重连…', true);
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  // The pages to show: every (event, group) split into pages of perPage rows.
  function buildPages(keep) {
    const cur = pages[at];
    pages = [];
    for (const [k, g] of groups) {
      if (fixedEvent && g.meta.event !== fixedEvent) continue;
      if (fixedGroup && g.meta.group !== fixedGroup) continue;
      const n = Math.max(1, Math.ceil(g.rows.size / perPage));
      for (let p = 0; p < n; p++) pages.push({ k, p, n });
    }
    at = 0;
    if (keep && cur) {
      const i = pages.findIndex((x) => x.k === cur.k && x.p === cur.p);
      if (i >= 0) at = i;
    }
  }

  function cell(tr, cls, text) {
    const td = document.createElement('td');
    td.className = cls;
    td.textContent = text == null ? '' : text;
    tr.appendChild(td);
    return td;
  }

  function render() {
    const page = pages[at];
    const body = document.querySelector('#board tbody');
    body.textContent = '';
    $('comp').textContent = compName || comp || '';
    if (!page) { $('title').textContent = '暂无成绩'; return; }
    const g = groups.get(page.k);
    const m = g.meta;
    $('title').textContent = m.event_name + ' · ' + m.group;
    const state = $('state');
    // A frozen (封榜) group arrives as it stood at the freeze; the hall is told it is held.
    state.textContent = m.frozen ? '封榜 · 待颁奖公布' : m.state === 'published' ? '成绩已公示' : m.state === 'locked' ? '已锁定 · 待公示' : '实时成绩 · 未公示';
    state.className = 'badge ' + (m.frozen ? 'frozen' : m.state === 'published' ? 'published' : m.state === 'locked' ? 'locked' : 'provisional');
    const rows = [...g.rows.values()].sort((a, b) => a.pos - b.pos).slice(page.p * perPage, (page.p + 1) * perPage);
    $('empty').hidden = !(m.hidden || rows.length === 0);
    $('empty').textContent = m.hidden ? '工位号抽签后显示实时成绩' : '暂无选手';
    const now = Date.now();
    for (const r of rows) {
      const tr = document.createElement('tr');
      if (r.award) tr.classList.add('a-' + r.award);
      if (r.pending) tr.classList.add('pending');
      if (now - (flash.get(r.key) || 0) < 3000) tr.classList.add('changed');
      tr.dataset.key = r.key;
      cell(tr, 'rank', r.rank == null ? (r.status === 'absent' ? '缺考' : r.status === 'disqualified' ? '取消' : '—') : r.rank);
      cell(tr, 'who', r.name ? r.name : '工位 ' + (r.number || ''));
      cell(tr, 'unit', r.unit || '');
      cell(tr, 'num', r.theory);
      cell(tr, 'num', r.practical);
      // Before publication the server sends a total only for a complete entry, ranked among the
      // complete ones and marked provisional; others show how far the judges are (docs/live.md).
      cell(tr, 'num total', r.pending ? '评分中' + (r.progress ? ' ' + r.progress.done + '/' + r.progress.of : '') : r.total);
      cell(tr, 'award' + (!r.award && r.provisional ? ' provisional' : ''), r.award || (r.provisional ? '暂定' : ''));
      body.appendChild(tr);
    }
    $('page').textContent = page.n > 1 ? '第 ' + (page.p + 1) + ' / ' + page.n + ' 页' : '';
    // The change counter helps staff, not the hall: shown only with ?debug=1.
    $('seq').textContent = q.get('debug') ? '更新序号 ' + seq : '';
  }

  function rotate() {
    if (pages.length > 1) { at = (at + 1) % pages.length; render(); }
  }

  async function start() {
    if (!comp && relay) comp = relay.split('/').pop().split('?')[0];
    try {
      const r = await fetch('/api/competitions');
      const list = (await r.json()).competitions || [];
      const c = list.find((x) => x.id === comp) || list[0];
      if (c) { comp = c.id; compName = c.name; }
    } catch (e) { /* the WebSocket reports the connection state */ }
    if (!comp) { $('comp').textContent = '没有赛事'; return; }
    connect();
    rotateTimer = setInterval(rotate, rotateMs);
  }
  start();
})();
