// The projector display (/display/): live rankings from /ws, one (event, group) at a time.
// URL: ?c=YN2026 (default: the first competition), &event=E02&group=职工组 to stay on one group,
// &rotate=15 (seconds per page when rotating), &rows=9 (rows per page), &relay=ws://… (read the
// public relay instead of /ws: docs/live.md), &view=medals to stay on the delegations' medal
// table (代表队奖牌榜), which otherwise is a page of the rotation once an event is published.
// Served by the relay itself (deploy/relay), it reads that relay: /display/?c=YN2026 there reads
// /sub/YN2026 on the same host.
'use strict';
(function () {
  const q = new URLSearchParams(location.search);
  const rotateMs = Math.max(3, Number(q.get('rotate')) || 15) * 1000;
  const perPage = Math.max(3, Number(q.get('rows')) || 9);
  const fixedEvent = q.get('event'), fixedGroup = q.get('group');
  const onlyMedals = q.get('view') === 'medals';
  // The medal table's rows are short (a name and a few counts): more fit on a page.
  const medalsPerPage = q.get('rows') ? perPage : 12;
  const $ = (id) => document.getElementById(id);
  let comp = q.get('c'), compName = '';
  let ws = null, seq = 0, backoff = 500, pages = [], at = 0, rotateTimer = null, waitSnapshot = false;
  const groups = new Map();      // "event\u0000group" -> {meta, rows: Map(key -> row)}
  const flash = new Map();       // row key -> time it changed
  // The delegations' medal table over the published events, as the server sends it; null
  // before the first publication (the server sends nothing of it then).
  let medals = null;

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

  const wsHere = () => (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
  // ?relay=ws://relay.example.cn/sub/YN2026 (or /sub/YN2026: on this page's host): read the
  // public relay (deploy/relay) instead of this server's /ws: snapshots and updates as /ws sends
  // them, replayed from its buffer on connect; nothing to subscribe. Set by start() too when the
  // page was served by the relay.
  let relay = q.get('relay');
  if (relay && relay.startsWith('/')) relay = wsHere() + relay;

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
      medals = m.medal_table || null;
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
      if ('medal_table' in m) medals = m.medal_table;
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
    const award = $('cerAward');
    const rows = $('cerRows');
    rows.textContent = '';
    if (c.medal_table) { ceremonyMedals(c, award, rows); return; }
    $('cerTitle').textContent = c.event_name + ' · ' + c.group;
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
      unit.textContent = (r.unit || '') + (r.delegation && r.delegation !== r.unit ? (r.unit ? ' · ' : '') + r.delegation : '');
      const meta = document.createElement('div');
      meta.className = 'meta';
      meta.textContent = '第 ' + r.rank + ' 名' + (r.total ? ' · 总分 ' + r.total : '');
      card.append(name, unit, meta);
      if (r.title) { const t = document.createElement('div'); t.className = 'title'; t.textContent = r.title; card.insertBefore(t, unit); }
      rows.appendChild(card);
    });
    $('cerStep').textContent = '第 ' + c.step + ' / ' + c.steps + ' 步';
  }

  // The medal table after the groups: its title card, then the table (the server sends no row
  // before that step).
  function ceremonyMedals(c, award, rows) {
    $('cerTitle').textContent = '代表队奖牌榜';
    const scope = '按已公示的 ' + c.published + ' 个赛项统计' + (c.published < c.events ? '（共 ' + c.events + ' 个赛项）' : '');
    if (!c.table) {
      award.textContent = '颁 奖';
      award.className = 'cer-award title';
      rows.className = 'cer-rows';
      $('cerStep').textContent = scope;
      return;
    }
    award.textContent = '';
    award.className = 'cer-award none';
    rows.className = 'cer-rows medals';
    const t = document.createElement('table');
    t.className = 'cer-medals';
    const head = document.createElement('tr');
    for (const text of ['名次', '代表队'].concat(c.table.columns, ['总分'])) {
      const th = document.createElement('th');
      th.textContent = text;
      head.appendChild(th);
    }
    t.appendChild(head);
    c.table.rows.forEach((r, i) => {
      const tr = document.createElement('tr');
      tr.className = 'cer-mrow' + (r.rank <= 3 ? ' top' + r.rank : '');
      tr.style.animationDelay = (Math.min(i, 20) * 0.08) + 's';
      for (const v of [r.rank, r.delegation].concat(r.counts, [r.points])) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.appendChild(td);
      }
      t.appendChild(tr);
    });
    rows.appendChild(t);
    // A long table comes a page at a time from its bottom up; the hall is told where it is.
    $('cerStep').textContent = scope + (c.steps > 1 ? '　第 ' + c.step + ' / ' + c.steps + ' 屏' : '');
    // A province has 16 州市 and some industry systems: the whole table stays on the screen,
    // smaller when it must (the hall sees every delegation at once, the top three larger).
    const room = rows.getBoundingClientRect().bottom;
    for (let size = 40; size > 18 && t.getBoundingClientRect().bottom > room; size -= 2) {
      t.style.fontSize = size + 'px';
      t.classList.add('tight');
    }
  }

  function connect() {
    setConn('连接中…', false);
    ws = new WebSocket(relay || wsHere() + '/ws');
    ws.onopen = () => { backoff = 500; setConn('● 已连接 实时更新', false); if (!relay) subscribe(); };
    ws.onmessage = onMessage;
    ws.onclose = () => {
      setConn('连接中断，' + Math.round(backoff / 1000 + 0.4) + ' 秒后重连…', true);
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 10000);
    };
  }

  // The pages to show: every (event, group) split into pages of perPage rows, then the medal
  // table (when there is one and the display is not held on one event or group).
  function buildPages(keep) {
    const cur = pages[at];
    pages = [];
    for (const [k, g] of groups) {
      if (onlyMedals) break;
      if (fixedEvent && g.meta.event !== fixedEvent) continue;
      if (fixedGroup && g.meta.group !== fixedGroup) continue;
      const n = Math.max(1, Math.ceil(g.rows.size / perPage));
      for (let p = 0; p < n; p++) pages.push({ k, p, n });
    }
    if (medals && medals.rows.length && (onlyMedals || (!fixedEvent && !fixedGroup))) {
      const n = Math.ceil(medals.rows.length / medalsPerPage);
      for (let p = 0; p < n; p++) pages.push({ k: 'medals', medals: true, p, n });
    }
    at = 0;
    if (keep && cur) {
      const i = pages.findIndex((x) => x.k === cur.k && x.p === cur.p);
      if (i >= 0) at = i;
    }
  }

  function badge(cls, text) {
    const b = document.createElement('span');
    b.className = 'tag ' + cls;
    b.textContent = text;
    return b;
  }

  function cell(tr, cls, text) {
    const td = document.createElement('td');
    td.className = cls;
    td.textContent = text == null ? '' : text;
    tr.appendChild(td);
    return td;
  }

  // 代表队奖牌榜: rank, delegation, a count per award column, points; the top three stand out.
  function renderMedals(page) {
    $('board').hidden = true;
    $('empty').hidden = true;
    const table = $('medals');
    table.hidden = false;
    $('title').textContent = '代表队奖牌榜';
    const state = $('state');
    state.textContent = '已公示 ' + medals.published + ' / ' + medals.events + ' 个赛项';
    state.className = 'badge published';
    const head = table.querySelector('thead tr');
    head.textContent = '';
    const th = (cls, text) => { const x = document.createElement('th'); x.className = cls; x.textContent = text; head.appendChild(x); };
    th('rank', '名次');
    th('deleg', '代表队');
    medals.columns.forEach((c) => th('count a-' + c, c));
    th('count points', '总分');
    const body = table.querySelector('tbody');
    body.textContent = '';
    for (const r of medals.rows.slice(page.p * medalsPerPage, (page.p + 1) * medalsPerPage)) {
      const tr = document.createElement('tr');
      if (r.rank <= 3) tr.classList.add('top' + r.rank);
      cell(tr, 'rank', r.rank);
      cell(tr, 'deleg', r.delegation);
      r.counts.forEach((n, i) => cell(tr, 'count a-' + medals.columns[i] + (n ? '' : ' zero'), n));
      cell(tr, 'count points', r.points);
      body.appendChild(tr);
    }
    // How the table is ordered, in the hall's words (the points in force come from the file).
    $('page').textContent = '计分：' + medals.columns.map((c, i) => c + ' ' + medals.points[i] + ' 分').join('、') +
      '；总分相同比较金牌（一等奖）数，依次类推' + (page.n > 1 ? '　第 ' + (page.p + 1) + ' / ' + page.n + ' 页' : '');
    $('seq').textContent = q.get('debug') ? '更新序号 ' + seq : '';
  }

  function render() {
    const page = pages[at];
    const body = document.querySelector('#board tbody');
    body.textContent = '';
    $('comp').textContent = compName || comp || '';
    $('board').hidden = false;
    $('medals').hidden = true;
    if (!page) { $('title').textContent = '暂无成绩'; $('state').textContent = ''; $('state').className = 'badge'; return; }
    if (page.medals) { renderMedals(page); return; }
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
      const who = cell(tr, 'who', '');
      // The name shrinks (…) before a badge does: the title and a missed pass mark stay whole.
      const line = document.createElement('div');
      line.className = 'who-line';
      const nm = document.createElement('span');
      nm.className = 'nm';
      nm.textContent = r.name ? r.name : '工位 ' + (r.number || '');
      line.appendChild(nm);
      if (r.title) line.appendChild(badge('title', r.title));
      if (r.below_pass && r.award) line.appendChild(badge('fail', '未达合格线'));
      who.appendChild(line);
      cell(tr, 'unit', r.unit || '');
      cell(tr, 'num', r.theory);
      cell(tr, 'num', r.practical);
      // Before publication the server sends a total only for a complete entry, ranked among the
      // complete ones and marked provisional; others show how far the judges are (docs/live.md).
      const tot = cell(tr, 'num total', r.pending ? '评分中' + (r.progress ? ' ' + r.progress.done + '/' + r.progress.of : '') : r.total);
      // A WorldSkills event's scale score (世赛分, 700 at the median) under its total.
      if (r.scale != null) { const sc = document.createElement('span'); sc.className = 'scale'; sc.textContent = '世赛分 ' + r.scale; tot.appendChild(sc); }
      // A pass mark that withholds the award leaves the cell saying why it is empty.
      cell(tr, 'award' + (!r.award && r.below_pass ? ' fail' : !r.award && r.provisional ? ' provisional' : ''),
        r.award || (r.below_pass ? '未达合格线' : r.provisional ? '暂定' : ''));
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
    let onRelay = false;
    try {
      const r = await fetch('/api/competitions');
      // The venue server always answers this; the relay has no /api (deploy/relay/nginx.conf),
      // so a 404 means the page came from the relay: read its /sub/{c}. A network error is a
      // venue server that is down, not a relay.
      if (r.status === 404) onRelay = true;
      else {
        const list = (await r.json()).competitions || [];
        const c = list.find((x) => x.id === comp) || list[0];
        if (c) { comp = c.id; compName = c.name; }
      }
    } catch (e) { /* the WebSocket reports the connection state */ }
    if (onRelay && !relay && comp) relay = wsHere() + '/sub/' + encodeURIComponent(comp);
    if (!comp) { $('comp').textContent = onRelay ? '地址缺少赛事代码：/display/?c=赛事代码' : '没有赛事'; return; }
    connect();
    rotateTimer = setInterval(rotate, rotateMs);
  }
  start();
})();
