/* dossier search: answers queries on the search page from the index files in search/.
   Plain JavaScript, no build step. Index files are scripts that call dossierSearch(name, data),
   since pages opened from disk (file://) may not fetch(). Their format is described in
   src/search/files.rs; `fold`, `words`, `fnv1a` and `decode` must do what the Rust side does
   (src/search/fold.rs, postings.rs).
   Override points: set window.dossierSearchOptions before this script runs (see DEFAULTS),
   or replace this file with a site's own static/search.js. Everything shown is built with
   text nodes: titles and excerpts are never parsed as HTML. */
(function () {
  'use strict';
  var app = document.getElementById('search-app');
  if (!app) return;

  var DEFAULTS = {
    perPage: 20,            // results shown at once; "more" adds as many again
    facetValues: 8,         // values shown per facet (selected ones always)
    snippetLength: 220,     // characters of excerpt shown per result
    weights: { title: 10, lead: 4, tags: 5, sources: 3, body: 1, entity: 8, prefix: 0.5 },
    debounce: 60,           // ms between a keystroke and the query
    renderResult: null      // function (li, hit) to add to or replace a result's element
  };
  var opts = Object.assign({}, DEFAULTS, window.dossierSearchOptions || {});
  opts.weights = Object.assign({}, DEFAULTS.weights, opts.weights || {});
  var FIELDS = ['title', 'lead', 'tags', 'sources', 'body'];
  var t = JSON.parse(document.getElementById('search-labels').textContent);
  var indexBase = app.getAttribute('data-index');
  var root = app.getAttribute('data-root');
  var fileLinks = app.getAttribute('data-link-style') === 'file' || location.protocol === 'file:';
  var el = function (id) { return document.getElementById(id); };
  var form = el('search-form'), box = el('search-q'), status = el('search-status');
  var resultList = el('search-results'), more = el('search-more');
  var entitySection = el('search-entities'), entityList = el('search-entity-list');
  var facetSection = el('search-facets'), facetGroups = el('search-facet-groups'), clear = el('search-clear');

  /* ---- loading index files -------------------------------------------------------------- */
  var loaded = {};
  var pending = {};
  window.dossierSearch = function (name, data) {
    loaded[name] = data;
    if (pending[name]) pending[name].resolve(data);
  };
  function load(name) {
    if (pending[name]) return pending[name].promise;
    var p = {};
    p.promise = new Promise(function (resolve, reject) { p.resolve = resolve; p.reject = reject; });
    pending[name] = p;
    if (loaded[name]) { p.resolve(loaded[name]); return p.promise; }
    var s = document.createElement('script');
    s.src = indexBase + name + '.js';
    s.onload = function () { if (!loaded[name]) p.reject(new Error('no data in ' + name)); };
    s.onerror = function () { p.reject(new Error('cannot load ' + name)); };
    document.head.appendChild(s);
    return p.promise;
  }
  function loadAll(names) {
    var unique = names.filter(function (n, i) { return names.indexOf(n) === i; });
    return Promise.all(unique.map(load)).then(function () { return loaded; });
  }

  /* ---- the normalisation the index was made with ------------------------------------------ */
  var SPECIAL = { 'ß': 'ss', 'ẞ': 'ss', 'æ': 'ae', 'œ': 'oe', 'ø': 'o', 'ł': 'l', 'đ': 'd', 'ð': 'd', 'þ': 'th', 'ı': 'i' };
  function fold(word) {
    var s = word.toLowerCase();
    if (/[^\x00-\x7f]/.test(s)) {
      s = s.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
      s = s.replace(/[ßẞæœøłđðþı]/g, function (c) { return SPECIAL[c]; });
    }
    var out = [];
    for (var c of s) {
      var n = out.length;
      var umlaut = c === 'e' && n > 0 &&
        (out[n - 1] === 'a' || out[n - 1] === 'o' || (out[n - 1] === 'u' && !(n > 1 && out[n - 2] === 'q')));
      if (!umlaut) out.push(c);
    }
    return out.join('');
  }
  var WORD = /[\p{L}\p{N}\p{M}]+/gu;
  function words(text) { return text.match(WORD) || []; }
  function prefix(key, n) { return Array.from(key).slice(0, n).join(''); }
  var utf8 = new TextEncoder();
  function fnv1a(text) {
    var h = 0x811c9dc5;
    utf8.encode(text).forEach(function (b) { h = Math.imul(h ^ b, 0x01000193) >>> 0; });
    return h >>> 0;
  }
  var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var VALUE = {};
  for (var i = 0; i < 64; i++) VALUE[ALPHABET[i]] = i;
  var decoded = new Map();
  function decode(p) {
    if (decoded.has(p)) return decoded.get(p);
    var out = [];
    if (p && p[0] === 'd') {
      var acc = 0, shift = 0, prev = -1;
      for (var k = 1; k < p.length; k++) {
        var v = VALUE[p[k]];
        acc += (v & 31) * Math.pow(2, shift);
        shift += 5;
        if (v < 32) { prev = prev < 0 ? acc : prev + acc; out.push(prev); acc = 0; shift = 0; }
      }
    } else if (p && p[0] === 'b') {
      for (var j = 1; j < p.length; j++) {
        var bits = VALUE[p[j]];
        for (var bit = 0; bit < 6; bit++) if (bits & (1 << bit)) out.push((j - 1) * 6 + bit);
      }
    }
    decoded.set(p, out);
    return out;
  }

  /* ---- answering a query ------------------------------------------------------------------ */
  function shardOf(meta, key) { return 'idx/' + (fnv1a(prefix(key, meta.prefix)) % meta.buckets); }

  /* Per query word: the stems it stands for (true: typed in full; false: a completion of the
     last word, which is still being typed). */
  function stemsOf(meta, ws) {
    return ws.map(function (w, i) {
      var shard = loaded[shardOf(meta, w)];
      var stems = new Map();
      (shard.forms[w] || []).forEach(function (s) { stems.set(s, true); });
      if (i === ws.length - 1 && Array.from(w).length >= meta.prefix) {
        Object.keys(shard.forms).forEach(function (f) {
          if (f !== w && f.startsWith(w)) shard.forms[f].forEach(function (s) { if (!stems.has(s)) stems.set(s, false); });
        });
      }
      return stems;
    });
  }

  /* Entity spellings among the loaded shards, compared with the query's words: `full` when a
     whole spelling is a run of the query, `rank` for suggestions (3 the spelling is the query,
     2 the query starts it, 1 the query is inside it). */
  function matchEntities(meta, ws) {
    var seen = {}, found = [];
    ws.forEach(function (w) {
      var shard = loaded[shardOf(meta, w)];
      shard.spellings.forEach(function (entry) {
        var key = entry[0] + '\u0000' + entry[1];
        if (seen[key]) return;
        seen[key] = true;
        var sp = entry[0].split(' ');
        var info = shard.entities[entry[1]];
        for (var a = 0; a + sp.length <= ws.length; a++) {
          if (sp.every(function (s, j) { return ws[a + j] === s; })) found.push({ id: entry[1], info: info, from: a, to: a + sp.length, rank: 0 });
        }
        for (var b = 0; b + ws.length <= sp.length; b++) {
          var inside = ws.every(function (q, j) { return j === ws.length - 1 ? sp[b + j].startsWith(q) : sp[b + j] === q; });
          if (inside) {
            var rank = ws.length === sp.length && ws[ws.length - 1] === sp[sp.length - 1] ? 3 : b === 0 ? 2 : 1;
            found.push({ id: entry[1], info: info, rank: rank, suggestion: true });
            break;
          }
        }
      });
    });
    return found;
  }

  function query(text) {
    return load('meta').then(function (meta) {
      var ws = words(text).map(fold).filter(Boolean).slice(0, 12);
      return loadAll(ws.map(function (w) { return shardOf(meta, w); })).then(function () {
        var stems = stemsOf(meta, ws);
        var stemShards = [];
        stems.forEach(function (m) { m.forEach(function (_, s) { stemShards.push(shardOf(meta, s)); }); });
        var entities = matchEntities(meta, ws);
        var full = entities.filter(function (e) { return !e.suggestion; });
        var entFiles = full.map(function (e) { return 'ent/' + (e.id % meta.entityBuckets); });
        return loadAll(stemShards.concat(entFiles)).then(function () { return score(meta, ws, stems, entities, full); });
      });
    });
  }

  function score(meta, ws, stems, entities, full) {
    var n = meta.briefings;
    var perWord = ws.map(function () { return new Float32Array(n); });
    stems.forEach(function (m, i) {
      m.forEach(function (exact, stem) {
        var postings = (loaded[shardOf(meta, stem)].stems[stem]) || [];
        postings.forEach(function (p, f) {
          var weight = opts.weights[FIELDS[f]] * (exact ? 1 : opts.weights.prefix);
          decode(p).forEach(function (id) { if (perWord[i][id] < weight) perWord[i][id] = weight; });
        });
      });
    });
    full.forEach(function (e) {
      var postings = loaded['ent/' + (e.id % meta.entityBuckets)][e.id] || '';
      decode(postings).forEach(function (id) {
        for (var j = e.from; j < e.to; j++) if (perWord[j][id] < opts.weights.entity) perWord[j][id] = opts.weights.entity;
      });
    });
    var hits = [];
    for (var id = 0; id < n; id++) {
      var total = 0, all = true;
      for (var j = 0; j < ws.length && all; j++) { all = perWord[j][id] > 0; total += perWord[j][id]; }
      if (all && (ws.length > 0)) hits.push({ id: id, score: total });
    }
    hits.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
    var suggestions = {};
    entities.forEach(function (e) {
      if (!e.suggestion || !e.info) return;
      var s = suggestions[e.id];
      if (!s || s.rank < e.rank) suggestions[e.id] = { id: e.id, info: e.info, rank: e.rank };
    });
    var list = Object.keys(suggestions).map(function (k) { return suggestions[k]; });
    list.sort(function (a, b) { return b.rank - a.rank || b.info[3] - a.info[3] || (a.info[0] < b.info[0] ? -1 : 1); });
    // A briefing found through an entity shows the entity's name marked.
    var names = [];
    full.forEach(function (e) { if (e.info) words(e.info[0]).forEach(function (w) { names.push(fold(w)); }); });
    return { words: ws, hits: hits, stems: stems, entities: list.slice(0, 8), highlight: highlightSet(meta, ws, stems, names) };
  }

  /* The spellings to mark in snippets: every loaded spelling of a matched stem, the typed
     words, the names of entities found, and completions of the last word. */
  function highlightSet(meta, ws, stems, names) {
    var wanted = new Set();
    stems.forEach(function (m) { m.forEach(function (_, s) { wanted.add(s); }); });
    var forms = new Set(ws.concat(names));
    Object.keys(loaded).forEach(function (name) {
      if (name.indexOf('idx/') !== 0) return;
      var f = loaded[name].forms;
      Object.keys(f).forEach(function (form) { if (f[form].some(function (s) { return wanted.has(s); })) forms.add(form); });
    });
    var last = ws.length ? ws[ws.length - 1] : '';
    return function (word) {
      var k = fold(word);
      return forms.has(k) || (last.length >= meta.prefix && k.startsWith(last));
    };
  }

  /* ---- facets ----------------------------------------------------------------------------- */
  var selected = {};   // kind -> Set of value keys
  function facetValues(meta) {
    var kinds = [];
    meta.facets.forEach(function (kind) {
      var rows = loaded['facet/' + kind] || [];
      kinds.push({ kind: kind, values: rows.map(function (r) { return { key: r[1] || r[0], label: r[0], ids: decode(r[2]) }; }) });
    });
    kinds.push({ kind: 'tlp', values: meta.tlp.map(function (r) { return { key: r[1], label: r[0], ids: decode(r[2]), cls: r[1] }; }) });
    kinds.push({ kind: 'year', values: meta.years.map(function (y) {
      var ids = [];
      for (var k = 0; k < y[2]; k++) ids.push(y[1] + k);
      return { key: String(y[0]), label: String(y[0]), ids: ids };
    }) });
    return kinds;
  }

  /* Hits that pass every selected facet except `skip`'s (a kind's own counts ignore its own
     selection, so its other values stay offered: values of one kind are alternatives). */
  function filtered(hits, kinds, skip, n) {
    var allowed = [];
    kinds.forEach(function (k) {
      var sel = selected[k.kind];
      if (k.kind === skip || !sel || sel.size === 0) return;
      var ok = new Uint8Array(n);
      k.values.forEach(function (v) { if (sel.has(v.key)) v.ids.forEach(function (id) { ok[id] = 1; }); });
      allowed.push(ok);
    });
    if (!allowed.length) return hits;
    return hits.filter(function (h) { return allowed.every(function (ok) { return ok[h.id]; }); });
  }

  /* ---- showing ---------------------------------------------------------------------------- */
  function fill(template, n, q) { return template.replace('{n}', n.toLocaleString()).replace('{q}', q); }
  function link(path) { return root + path + (fileLinks && path.slice(-1) === '/' ? 'index.html' : ''); }
  function node(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  /* `text` with the words `marked` says are hits inside <mark>; only a window around the first
     hit when `limit` is given. */
  function marked(parent, text, isHit, limit) {
    var spans = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) if (isHit(m[0])) spans.push([m.index, m.index + m[0].length]);
    var start = 0, end = text.length;
    if (limit && text.length > limit) {
      var first = spans.length ? spans[0][0] : 0;
      start = Math.max(0, first - Math.floor(limit / 3));
      if (start > 0) { var sp = text.indexOf(' ', start); start = sp >= 0 && sp < first ? sp + 1 : start; }
      end = Math.min(text.length, start + limit);
      if (end < text.length) { var back = text.lastIndexOf(' ', end); end = back > start ? back : end; }
    }
    var at = start;
    if (start > 0) parent.appendChild(document.createTextNode('…'));
    spans.forEach(function (s) {
      if (s[0] < start || s[1] > end) return;
      parent.appendChild(document.createTextNode(text.slice(at, s[0])));
      parent.appendChild(node('mark', null, text.slice(s[0], s[1])));
      at = s[1];
    });
    parent.appendChild(document.createTextNode(text.slice(at, end)));
    if (end < text.length) parent.appendChild(document.createTextNode('…'));
  }

  function showEntities(list) {
    entityList.textContent = '';
    list.forEach(function (s) {
      var li = node('li', 'search-entity');
      var a = node('a', 'search-entity-link', s.info[0]);
      a.href = link(s.info[2]);
      a.setAttribute('data-nav', '');
      li.appendChild(a);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(node('span', 'search-entity-kind', t[s.info[1]] || s.info[1]));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(node('span', 'count', fill(t.briefings_count, s.info[3], '')));
      entityList.appendChild(li);
    });
    entitySection.hidden = list.length === 0;
  }

  function showHits(meta, state, from, seq) {
    var page = state.shown.slice(from, from + opts.perPage);
    var chunks = page.map(function (h) { return 'doc/' + Math.floor(h.id / meta.chunk); });
    return loadAll(chunks).then(function () {
      if (seq !== current) return;
      page.forEach(function (h) {
        var d = loaded['doc/' + Math.floor(h.id / meta.chunk)][h.id % meta.chunk];
        var li = node('li', 'search-result');
        var title = node('h3', 'search-result-title');
        var a = node('a');
        a.href = link(d[0]);
        a.setAttribute('data-nav', '');
        marked(a, d[1], state.highlight);
        title.appendChild(a);
        li.appendChild(title);
        var metaLine = node('p', 'search-result-meta');
        var time = node('time', null, d[3]);
        time.setAttribute('datetime', d[2]);
        metaLine.appendChild(time);
        metaLine.appendChild(document.createTextNode(' '));
        metaLine.appendChild(node('span', 'tlp-badge tlp-' + d[5], d[4]));
        li.appendChild(metaLine);
        if (d[7]) {
          var snippet = node('p', 'search-result-snippet');
          snippet.setAttribute('lang', d[6]);
          marked(snippet, d[7], state.highlight, opts.snippetLength);
          li.appendChild(snippet);
        }
        if (typeof opts.renderResult === 'function') opts.renderResult(li, { id: h.id, score: h.score, doc: d });
        resultList.appendChild(li);
      });
      more.hidden = from + opts.perPage >= state.shown.length;
    });
  }

  function showFacets(meta, state) {
    var kinds = facetValues(meta);
    var n = meta.briefings;
    facetGroups.textContent = '';
    var any = false;
    kinds.forEach(function (k) {
      var base = filtered(state.hits, kinds, k.kind, n);
      var inBase = new Uint8Array(n);
      base.forEach(function (h) { inBase[h.id] = 1; });
      var sel = selected[k.kind] || new Set();
      var values = k.values.map(function (v) {
        var c = 0;
        v.ids.forEach(function (id) { c += inBase[id]; });
        return { v: v, count: c };
      }).filter(function (x) { return x.count > 0 || sel.has(x.v.key); });
      if (k.kind !== 'year' && k.kind !== 'tlp') values.sort(function (a, b) { return b.count - a.count; });
      var shownValues = values.filter(function (x, i) { return i < opts.facetValues || sel.has(x.v.key); });
      if (!shownValues.length) return;
      any = true;
      var fs = node('fieldset', 'search-facet');
      fs.appendChild(node('legend', null, t[k.kind] || k.kind));
      var ul = node('ul', 'search-facet-values');
      shownValues.forEach(function (x) {
        var li = node('li');
        var label = node('label');
        var input = node('input');
        input.type = 'checkbox';
        input.checked = sel.has(x.v.key);
        input.setAttribute('data-kind', k.kind);
        input.setAttribute('data-key', x.v.key);
        label.appendChild(input);
        label.appendChild(document.createTextNode(' ' + x.v.label + ' '));
        label.appendChild(node('span', 'count', String(x.count)));
        li.appendChild(label);
        ul.appendChild(li);
      });
      fs.appendChild(ul);
      facetGroups.appendChild(fs);
    });
    facetSection.hidden = !any;
    clear.hidden = !Object.keys(selected).some(function (k) { return selected[k].size > 0; });
  }

  /* ---- the page's state ------------------------------------------------------------------- */
  var current = 0, state = null, timer = 0;

  function run() {
    var seq = ++current;
    var text = box.value.trim();
    var started = performance.now();
    var anyFilter = Object.keys(selected).some(function (k) { return selected[k].size > 0; });
    remember(text);
    if (!text && !anyFilter) {
      resultList.textContent = '';
      entitySection.hidden = true;
      facetSection.hidden = true;
      more.hidden = true;
      status.textContent = '';
      app.setAttribute('data-state', 'idle');
      return Promise.resolve();
    }
    app.setAttribute('data-state', 'busy');
    return query(text).then(function (found) {
      if (seq !== current) return;
      return load('meta').then(function (meta) {
        var facetFiles = meta.facets.map(function (k) { return 'facet/' + k; });
        return (anyFilter ? loadAll(facetFiles) : Promise.resolve()).then(function () {
          if (seq !== current) return;
          var hits = found.hits;
          if (!found.words.length) hits = Array.from({ length: meta.briefings }, function (_, id) { return { id: id, score: 0 }; });
          state = { hits: hits, highlight: found.highlight, shown: filtered(hits, facetValues(meta), null, meta.briefings) };
          resultList.textContent = '';
          showEntities(found.entities);
          return showHits(meta, state, 0, seq).then(function () {
            if (seq !== current) return;
            var n = state.shown.length;
            status.textContent = fill(n === 0 ? t.none : n === 1 ? t.results_one : t.results_many, n, text);
            app.setAttribute('data-query-ms', String(Math.round(performance.now() - started)));
            app.setAttribute('data-state', 'done');
            showFacets(meta, state);
            // Counts for the facets need their files: shown as soon as they are here.
            loadAll(facetFiles).then(function () { if (seq === current) showFacets(meta, state); });
          });
        });
      });
    }).catch(function () {
      if (seq !== current) return;
      status.textContent = t.error;
      app.setAttribute('data-state', 'error');
    });
  }

  function remember(text) {
    var params = new URLSearchParams();
    if (text) params.set('q', text);
    Object.keys(selected).sort().forEach(function (k) { selected[k].forEach(function (v) { params.append('f', k + ':' + v); }); });
    try { history.replaceState(null, '', '?' + params.toString()); } catch (e) { /* file:// may refuse */ }
  }

  box.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, opts.debounce); });
  form.addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); run(); });
  more.addEventListener('click', function () {
    load('meta').then(function (meta) { showHits(meta, state, resultList.children.length, current); });
  });
  facetGroups.addEventListener('change', function (e) {
    var kind = e.target.getAttribute('data-kind'), key = e.target.getAttribute('data-key');
    if (!kind) return;
    selected[kind] = selected[kind] || new Set();
    if (e.target.checked) selected[kind].add(key); else selected[kind].delete(key);
    run();
  });
  clear.addEventListener('click', function () { selected = {}; run(); box.focus(); });

  /* Arrow keys: from the box into the suggestions and results, and between them. */
  app.parentNode.addEventListener('keydown', function (e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    var links = Array.prototype.slice.call(app.querySelectorAll('a[data-nav]')).filter(function (a) { return a.offsetParent !== null; });
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    if (e.target === box) {
      if (e.key !== 'ArrowDown') return;
      e.preventDefault();
      links[0].focus();
    } else if (at >= 0) {
      e.preventDefault();
      if (e.key === 'ArrowDown') links[Math.min(at + 1, links.length - 1)].focus();
      else if (at === 0) box.focus();
      else links[at - 1].focus();
    }
  });

  app.hidden = false;
  var params = new URLSearchParams(location.search);
  box.value = params.get('q') || '';
  params.getAll('f').forEach(function (f) {
    var cut = f.indexOf(':');
    if (cut < 0) return;
    var kind = f.slice(0, cut);
    (selected[kind] = selected[kind] || new Set()).add(f.slice(cut + 1));
  });
  run();
}());
