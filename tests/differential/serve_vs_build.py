#!/usr/bin/env python3
"""Differential test: `dossier serve` (incremental) vs `dossier build` (from scratch).

Usage: cargo build --release && python3 tests/differential/serve_vs_build.py [--seeds 1,2,3] [--steps 40]

Environment: DOSSIER_BIN (default target/release/dossier), DOSSIER_SITE (the site to copy,
default the repository's sample dossier), DIFF_WORK (scratch folder, default
/tmp/dossier-diff). Not part of `cargo test`: it takes minutes and depends on timing.

For each seed: fresh copy of the site (site.toml, content/, themes/, static/) into
$DIFF_WORK/site, start the server in its own process group, apply random realistic edits,
wait for the server to report the rebuild, run a fresh `dossier build`, and compare every
built file with what the server serves (minus the injected reload <script>), plus check
that URLs which are no longer built return 404.  Report: $DIFF_WORK/report.txt (+ .json).
"""
import argparse, difflib, hashlib, http.client, json, os, random, re, shutil, signal
import socket, subprocess, sys, threading, time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get('DOSSIER_BIN', os.path.join(REPO, 'target', 'release', 'dossier'))
SRC = os.environ.get('DOSSIER_SITE', REPO)
BASE = os.environ.get('DIFF_WORK', '/tmp/dossier-diff')
os.makedirs(BASE, exist_ok=True)
SITE = BASE + '/site'
OUT = BASE + '/out'
REPRO = BASE + '/repro'

# ---------------------------------------------------------------- utilities

def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); p = s.getsockname()[1]; s.close(); return p

def copy_site(dst):
    if os.path.exists(dst):
        shutil.rmtree(dst)
    os.makedirs(dst)
    shutil.copy(os.path.join(SRC, 'site.toml'), dst)
    for d in ('content', 'static', 'themes', 'templates'):
        if os.path.isdir(os.path.join(SRC, d)):
            shutil.copytree(os.path.join(SRC, d), os.path.join(dst, d))

def snapshot(root):
    snap = {}
    for dp, dn, fn in os.walk(root):
        for f in fn:
            p = os.path.join(dp, f)
            with open(p, 'rb') as fh:
                snap[os.path.relpath(p, root)] = fh.read()
    return snap

def restore_snapshot(root, snap):
    if os.path.exists(root):
        shutil.rmtree(root)
    for rel, data in snap.items():
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as fh:
            fh.write(data)

def udiff(a, b, na='built', nb='served', limit=30):
    al = a.decode('utf-8', 'replace').splitlines(True) if isinstance(a, bytes) else a.splitlines(True)
    bl = b.decode('utf-8', 'replace').splitlines(True) if isinstance(b, bytes) else b.splitlines(True)
    d = list(difflib.unified_diff(al, bl, na, nb, n=2))
    out = ''.join(l if l.endswith('\n') else l + '\n' for l in d[:limit])
    if len(d) > limit:
        out += '... (%d more diff lines)\n' % (len(d) - limit)
    return out

def url_for(rel):
    rel = rel.replace(os.sep, '/')
    if rel == 'index.html':
        return '/'
    if rel.endswith('/index.html'):
        return '/' + rel[:-len('index.html')]
    return '/' + rel

# ---------------------------------------------------------------- server

DONE_RE = re.compile(r'^(re)?built in |^\d+ errors?\b')

class Server:
    def __init__(self, root, port):
        self.root, self.port = root, port
        self.lines = []
        self.lock = threading.Lock()
        self.p = subprocess.Popen([BIN, 'serve', '--root', root, '--port', str(port)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  start_new_session=True)
        for st, name in ((self.p.stdout, 'out'), (self.p.stderr, 'err')):
            threading.Thread(target=self._reader, args=(st, name), daemon=True).start()
        self.conn = None

    def _reader(self, st, name):
        for raw in iter(st.readline, b''):
            with self.lock:
                self.lines.append((time.time(), name, raw.decode('utf-8', 'replace').rstrip('\n')))

    def wait_serving(self, timeout=30):
        t0 = time.time()
        while time.time() - t0 < timeout:
            with self.lock:
                if any(l[2].startswith('serving') for l in self.lines):
                    return True
            if self.p.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError('server did not start: %r' % self.lines)

    def mark(self):
        with self.lock:
            return len(self.lines)

    def since(self, m):
        with self.lock:
            return [l[2] for l in self.lines[m:]]

    def wait_processed(self, m, first_timeout=4.0, quiet=0.6):
        """Wait until a rebuild/err report appears after mark m, then until output is quiet."""
        t0 = time.time()
        got = False
        while time.time() - t0 < first_timeout:
            with self.lock:
                if any(DONE_RE.search(l[2]) for l in self.lines[m:]):
                    got = True
                    break
            time.sleep(0.02)
        while True:
            with self.lock:
                last = self.lines[-1][0] if len(self.lines) > m else t0
            if time.time() - last >= quiet:
                break
            time.sleep(0.05)
        return got

    def get(self, path):
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection('127.0.0.1', self.port, timeout=10)
                self.conn.request('GET', path)
                r = self.conn.getresponse()
                body = r.read()
                return r.status, body, r.getheader('content-type') or ''
            except (http.client.HTTPException, OSError):
                try:
                    self.conn.close()
                except Exception:
                    pass
                self.conn = None
                time.sleep(0.1)
        return -1, b'', ''

    def stop(self):
        try:
            os.killpg(self.p.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()

# ---------------------------------------------------------------- build

def build(root, out):
    if os.path.exists(out):
        shutil.rmtree(out)
    r = subprocess.run([BIN, 'build', '--root', root, '--output', out], capture_output=True)
    files = snapshot(out) if r.returncode == 0 else None
    return r.returncode, r.stderr.decode('utf-8', 'replace'), files

# ---------------------------------------------------------------- front matter editing

KEY_RE = re.compile(r'^([A-Za-z_][A-Za-z0-9_+-]*):(.*)$')

class Doc:
    """Line-based front matter model: list of [key, [lines]] blocks + body."""
    def __init__(self, text):
        self.ok = False
        self.blocks, self.body = [], ''
        if not text.startswith('---\n'):
            return
        end = text.find('\n---\n', 3)
        if end < 0:
            if text.endswith('\n---'):
                end = len(text) - 4
            else:
                return
        fm = text[4:end]
        self.body = text[end + 5:]
        for line in fm.split('\n') if fm else []:
            m = KEY_RE.match(line)
            if m and not line.startswith(' '):
                self.blocks.append([m.group(1), [line]])
            elif self.blocks:
                self.blocks[-1][1].append(line)
            else:
                return
        self.ok = True

    def text(self):
        fm = '\n'.join(l for b in self.blocks for l in b[1])
        return '---\n' + fm + ('\n' if fm else '') + '---\n' + self.body

    def find(self, key):
        for b in self.blocks:
            if b[0] == key:
                return b
        return None

    def get_scalar(self, key):
        b = self.find(key)
        return b[1][0].split(':', 1)[1].strip() if b else None

    def set_scalar(self, key, value, after=None):
        b = self.find(key)
        line = '%s: %s' % (key, value)
        if b:
            b[1] = [line]
            return
        idx = len(self.blocks)
        for i, bb in enumerate(self.blocks):
            if after and bb[0] in after:
                idx = i + 1
        self.blocks.insert(idx, [key, [line]])

    def delete(self, key):
        self.blocks = [b for b in self.blocks if b[0] != key]

    def get_list(self, key):
        """-> (style, items); flow items are raw strings, block items are lists of lines."""
        b = self.find(key)
        if not b:
            return None, []
        first = b[1][0].split(':', 1)[1].strip()
        if first.startswith('['):
            inner = ' '.join([first] + [l.strip() for l in b[1][1:]]).strip()
            assert inner.startswith('[') and inner.endswith(']'), inner
            return 'flow', split_flow(inner[1:-1])
        items = []
        for l in b[1][1:]:
            if l.startswith('  - '):
                items.append([l])
            elif items:
                items[-1].append(l)
        return 'block', items

    def set_list(self, key, style, items, after=None):
        if not items:
            self.delete(key)
            return
        if style == 'flow':
            lines = ['%s: [%s]' % (key, ', '.join(items))]
        else:
            lines = ['%s:' % key] + [l for it in items for l in it]
        b = self.find(key)
        if b:
            b[1] = lines
        else:
            idx = len(self.blocks)
            for i, bb in enumerate(self.blocks):
                if after and bb[0] in after:
                    idx = i + 1
            self.blocks.insert(idx, [key, lines])

def split_flow(s):
    items, cur, depth, q = [], '', 0, None
    for ch in s:
        if q:
            cur += ch
            if ch == q:
                q = None
        elif ch in '"\'':
            q = ch; cur += ch
        elif ch in '[{':
            depth += 1; cur += ch
        elif ch in ']}':
            depth -= 1; cur += ch
        elif ch == ',' and depth == 0:
            items.append(cur.strip()); cur = ''
        else:
            cur += ch
    if cur.strip():
        items.append(cur.strip())
    return items

def q(s):
    return json.dumps(s, ensure_ascii=False)

# ---------------------------------------------------------------- pools

ACTORS = ['xi-jinping', 'Xi Jinping', 'Xi', 'Kim Jong-un', 'Kim Jong Un', 'kim_jong_un', 'Kim Dschong Un',
          'Putin', 'Владимир Путин', 'Donald Trump', 'Trump', '{ref: Ramon Pacheco Pardo, role: Experte}',
          'Ramón Pacheco Pardo', 'kcna', 'NIS', 'Xinhua News Agency', 'WPK', 'kings-college-london',
          '{ref: Kim Yo Jong, role: Schwester Kims}', 'Kim Yo-jong', 'kim yo jong', 'Ri Sol Ju',
          '{ref: Hyon Song Wol, role: Funktionärin}', 'Jang Song Thaek', 'Choe Son Hui', 'Choe Son-hui',
          '{ref: Koreanisches Friedenskomitee, kind: organisation}', '{ref: SIPRI, kind: organisation}',
          '{ref: Shanghaier Organisation für Zusammenarbeit, kind: organisation}', 'China', 'Wang Yi',
          'Kim Ju Ae', 'Kim Il Sung', 'Lee Jae-myung', 'Ölminister Pak Ŭi-chun', 'Mao Zedong',
          '{ref: Testakteur Müller, role: Beobachter}', 'Hu Jintao']
COUNTRIES = ['KP', 'PRK', 'CN', 'China', 'RU', 'RUS', 'Russland', 'JP', 'Japan', 'US', '"United States"',
             'KR', 'Südkorea', 'UA', 'MN', 'Mongolia', 'DE', 'Germany', 'FRA', 'SG', 'VN', 'IR', 'DVRK',
             '"North Korea"', 'Volksrepublik China']
EVENT_DATES = ['2019-06', '1961', '2006~', '"2025-09~"', '2024-10-14', '"2018?"', '"2017-08%"', '2003/2009',
               '1950-06-25', '2025-09-04', '"2019-02-27/2019-02-28"', '"1994"', '2025-09', '"2011-12~"',
               '1945', '2025-09-01']
EVENT_TITLES = ['Grenzübergang Dandong wieder geöffnet', 'Außenministertreffen in Wladiwostok',
                'Raketenstart über das Japanische Meer', 'Handelsabkommen unterzeichnet',
                'Delegation besucht Pjöngjang', 'Sanktionsbericht veröffentlicht', 'Tod Kim Jong Ils',
                'Gipfeltreffen in der Mongolei', 'Testereignis Ω']
TAGS = ['testtag', 'nuklear', 'ölpreis', 'Diplomatie', 'grenze', 'china', 'sanktionen', 'neu-tag',
        'bündnisse', 'mongolei']
PUBLISHERS = ['Reuters', 'Yonhap', 'NK News', '38 North', 'Testverlag Ä', 'KCNA', 'Xinhua']
WORDS = ('Peking Pjöngjang Moskau Washington Abstimmung Lage Bewertung Handel Grenze Sanktionen Gipfel '
         'Delegation Reise Gespräch Quelle Hinweis Entwicklung Risiko Signal Stabilität').split()
PAGE_SLUGS = ['impressum', 'kontakt', 'glossar', 'faq-seite']
FOLDERS = ['2025', 'hintergrund', 'neu', 'neu/tief']
PERSON_REG = {'kim-yo-jong': 'Kim Yo Jong', 'ri-sol-ju': 'Ri Sol Ju', 'wang-yi': 'Wang Yi',
              'choe-son-hui': 'Choe Son Hui'}

def sentence(rng, n=None):
    n = n or rng.randint(6, 14)
    w = [rng.choice(WORDS) for _ in range(n)]
    return ' '.join(w).capitalize() + '.'

# ---------------------------------------------------------------- the editor

class Editor:
    def __init__(self, root, rng):
        self.root, self.rng = root, rng
        self.counter = 0
        self.changes = []      # (rel, old, new) of the current step
        self.trash = {}        # rel -> content of deleted original briefings
        self.created = set()   # rel paths of files we created

    # -- file helpers
    def p(self, rel):
        return os.path.join(self.root, rel)

    def read(self, rel):
        try:
            with open(self.p(rel), encoding='utf-8') as fh:
                return fh.read()
        except FileNotFoundError:
            return None

    def write(self, rel, text, mode=None):
        old = self.read(rel)
        path = self.p(rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = mode or self.rng.choices(['direct', 'atomic', 'truncate'], [6, 3, 1])[0]
        if mode == 'atomic' or old is None and mode == 'truncate':
            tmp = os.path.join(os.path.dirname(path), '.%s.tmp%d' % (os.path.basename(path), self.counter))
            with open(tmp, 'w', encoding='utf-8') as fh:
                fh.write(text)
            os.replace(tmp, path)
        elif mode == 'truncate':   # editor that truncates, then writes a bit later
            with open(path, 'w') as fh:
                fh.flush()
            time.sleep(0.03)
            with open(path, 'w', encoding='utf-8') as fh:
                fh.write(text)
        else:
            with open(path, 'w', encoding='utf-8') as fh:
                fh.write(text)
        self.changes.append((rel, old, text, mode))

    def remove(self, rel):
        old = self.read(rel)
        os.remove(self.p(rel))
        self.changes.append((rel, old, None, 'delete'))

    def rename(self, a, b):
        olda, oldb = self.read(a), self.read(b)
        os.makedirs(os.path.dirname(self.p(b)), exist_ok=True)
        os.rename(self.p(a), self.p(b))
        self.changes.append((a, olda, None, 'rename-from'))
        self.changes.append((b, oldb, olda, 'rename-to'))

    def files(self, sub, ext='.md'):
        res = []
        base = self.p(sub)
        for dp, dn, fn in os.walk(base):
            dn[:] = [d for d in dn if not d.startswith(('.', '_'))]
            for f in fn:
                if f.endswith(ext) and not f.startswith(('.', '_')):
                    res.append(os.path.relpath(os.path.join(dp, f), self.root))
        return sorted(res)

    def briefings(self):
        return self.files('content/briefings')

    def slugs(self):
        out = []
        for rel in self.briefings():
            d = Doc(self.read(rel) or '')
            s = d.get_scalar('slug') if d.ok else None
            out.append(s.strip('"') if s else os.path.splitext(os.path.basename(rel))[0])
        return out

    def doc(self, rel):
        d = Doc(self.read(rel) or '')
        return d if d.ok else None

    def pick_briefing(self):
        bs = self.briefings()
        if not bs:
            return None, None
        rel = self.rng.choice(bs)
        d = self.doc(rel)
        return (rel, d) if d else (None, None)

    # -- briefing ops
    def op_title(self):
        rel, d = self.pick_briefing()
        if not d: return None
        self.counter += 1
        old = (d.get_scalar('title') or '""').strip('"')
        new = re.sub(r' \(Rev \d+\)$', '', old) + ' (Rev %d)' % self.counter
        if self.rng.random() < 0.3:
            new = 'Neuer Titel %d: %s' % (self.counter, self.rng.choice(WORDS) + ' – „Zitat“ & <Test>')
        d.set_scalar('title', q(new))
        self.write(rel, d.text())
        return 'title of %s' % rel

    def op_summary(self):
        rel, d = self.pick_briefing()
        if not d: return None
        r = self.rng.random()
        if r < 0.2 and d.find('summary'):
            d.delete('summary'); what = 'remove'
        else:
            d.set_scalar('summary', q(sentence(self.rng) + ' *Betont* und `Code`.'), after=('date', 'updated'))
            what = 'set'
        self.write(rel, d.text())
        return '%s summary of %s' % (what, rel)

    def op_body(self):
        rel, d = self.pick_briefing()
        if not d: return None
        paras = d.body.split('\n\n')
        r = self.rng.random()
        if r < 0.4:
            paras.insert(self.rng.randint(0, len(paras)), sentence(self.rng)); what = 'insert paragraph'
        elif r < 0.7 and len(paras) > 1:
            i = self.rng.randrange(len(paras))
            if paras[i].startswith('[^') or '[@' in paras[i] and self.rng.random() < 0.5:
                return None
            del paras[i]; what = 'delete paragraph %d' % i
        else:
            i = self.rng.randrange(len(paras))
            paras[i] = paras[i].replace(self.rng.choice(WORDS[:5]), 'Ulan Bator', 1) + ' Ergänzt.'
            what = 'modify paragraph %d' % i
        d.body = '\n\n'.join(paras)
        self.write(rel, d.text())
        return 'body: %s in %s' % (what, rel)

    def _list_add(self, key, value, style_default, after):
        rel, d = self.pick_briefing()
        if not d: return None
        style, items = d.get_list(key)
        style = style or style_default
        if style == 'flow':
            items.insert(self.rng.randint(0, len(items)), value)
        else:
            items.insert(self.rng.randint(0, len(items)), ['  - ' + value])
        d.set_list(key, style, items, after=after)
        self.write(rel, d.text())
        return 'add %s %s to %s' % (key, value, rel)

    def _list_remove(self, key):
        rel, d = self.pick_briefing()
        if not d: return None
        style, items = d.get_list(key)
        if not items: return None
        i = self.rng.randrange(len(items))
        it = items.pop(i)
        if key == 'sources':
            return None
        d.set_list(key, style, items)
        self.write(rel, d.text())
        return 'remove %s %s from %s' % (key, it if isinstance(it, str) else it[0].strip(), rel)

    def op_actor_add(self):
        return self._list_add('actors', self.rng.choice(ACTORS), 'block', ('tags', 'tlp', 'date', 'summary'))

    def op_actor_remove(self):
        return self._list_remove('actors')

    def op_country_add(self):
        return self._list_add('countries', self.rng.choice(COUNTRIES), 'flow', ('actors', 'tags'))

    def op_country_remove(self):
        return self._list_remove('countries')

    def op_tag_add(self):
        return self._list_add('tags', self.rng.choice(TAGS), 'flow', ('tlp', 'date', 'summary'))

    def op_tag_remove(self):
        return self._list_remove('tags')

    def op_related(self):
        if self.rng.random() < 0.5:
            return self._list_remove('related')
        return self._list_add('related', self.rng.choice(self.slugs()), 'flow', ('events', 'sources'))

    def op_event_add(self):
        rng = self.rng
        self.counter += 1
        parts = ['date: ' + rng.choice(EVENT_DATES), 'title: ' + q('%s (%d)' % (rng.choice(EVENT_TITLES), self.counter))]
        if rng.random() < 0.6:
            parts.append('actors: [%s]' % ', '.join(a for a in rng.sample(ACTORS, rng.randint(1, 2)) if not a.startswith('{')))
            if parts[-1] == 'actors: []': parts.pop()
        if rng.random() < 0.7:
            parts.append('countries: [%s]' % ', '.join(rng.sample(COUNTRIES, rng.randint(1, 3))))
        return self._list_add('events', '{' + ', '.join(parts) + '}', 'block', ('countries', 'actors'))

    def op_event_remove(self):
        return self._list_remove('events')

    def op_event_change(self):
        rel, d = self.pick_briefing()
        if not d: return None
        style, items = d.get_list('events')
        if not items: return None
        i = self.rng.randrange(len(items))
        line = items[i][0]
        if self.rng.random() < 0.5:
            new = re.sub(r'date: ("[^"]*"|[^,}]*)', 'date: ' + self.rng.choice(EVENT_DATES), line, count=1)
        else:
            self.counter += 1
            new = re.sub(r'title: ("[^"]*"|[^,}]*)', 'title: ' + q('Geändertes Ereignis %d' % self.counter), line, count=1)
        items[i] = [new] + items[i][1:]
        d.set_list('events', style, items)
        self.write(rel, d.text())
        return 'change event %d of %s: %s' % (i, rel, new.strip())

    def op_source_add(self):
        rel, d = self.pick_briefing()
        if not d: return None
        rng = self.rng
        self.counter += 1
        sid = 'quelle-%d' % self.counter
        item = ['  - id: ' + sid, '    publisher: ' + q(rng.choice(PUBLISHERS)),
                '    title: ' + q('Testquelle %d zu %s' % (self.counter, rng.choice(WORDS))),
                '    url: https://example.org/test/%d' % self.counter]
        if rng.random() < 0.7:
            item.append('    published: ' + rng.choice(['2025-09-01', '2024-05', '2019', '"2025-09~"']))
        if rng.random() < 0.5:
            item += ['    reliability: ' + rng.choice('ABCDEF'), '    credibility: %d' % rng.randint(1, 6)]
        style, items = d.get_list('sources')
        items.append(item)
        d.set_list('sources', 'block', items, after=('events', 'countries', 'actors'))
        if rng.random() < 0.8:
            paras = d.body.rstrip('\n').split('\n\n')
            i = rng.randrange(len(paras))
            paras[i] = paras[i] + ' Laut neuer Quelle [@%s].' % sid
            d.body = '\n\n'.join(paras) + '\n'
        self.write(rel, d.text())
        return 'add source %s (+citation) to %s' % (sid, rel)

    def op_source_remove(self):
        rel, d = self.pick_briefing()
        if not d: return None
        style, items = d.get_list('sources')
        if not items: return None
        fm_text = '\n'.join(l for b in d.blocks if b[0] != 'sources' for l in b[1])
        cands = []
        for i, it in enumerate(items):
            sid = it[0].split('id:', 1)[1].strip().strip('"')
            if re.search(r'\b%s\b' % re.escape(sid), fm_text):
                continue
            body_wo = re.sub(r' ?\[@%s\]' % re.escape(sid), '', d.body)
            if '@' + sid in body_wo:
                continue
            cands.append((i, sid, body_wo))
        if not cands: return None
        i, sid, body_wo = self.rng.choice(cands)
        items.pop(i)
        d.set_list('sources', 'block', items)
        d.body = body_wo
        self.write(rel, d.text())
        return 'remove source %s (+its citations) from %s' % (sid, rel)

    def op_citation_remove(self):
        rel, d = self.pick_briefing()
        if not d: return None
        cites = list(re.finditer(r' ?\[@[^\]]+\]', d.body))
        if not cites: return None
        m = self.rng.choice(cites)
        d.body = d.body[:m.start()] + d.body[m.end():]
        self.write(rel, d.text())
        return 'remove citation %r from %s' % (m.group(0).strip(), rel)

    def op_wikilink_add(self):
        rel, d = self.pick_briefing()
        if not d: return None
        targets = ['[[people/xi-jinping]]', '[[Kim Jong-un|Kim]]', '[[Putin]]', '[[organisations/kcna]]',
                   '[[countries/kp]]', '[[countries/mn]]', '[[Mongolia]]', '[[Südkorea]]', '[[nis]]',
                   '[[Kim Yo Jong]]', '[[people/kim-jong-un|den Machthaber]]', '[[Germany]]']
        slugs = self.slugs()
        for _ in range(3):
            s = self.rng.choice(slugs)
            targets.append(self.rng.choice(['[[%s]]', '[[briefings/%s]]', '[[%s|dieses Briefing]]']) % s)
        t = self.rng.choice(targets)
        paras = d.body.rstrip('\n').split('\n\n')
        i = self.rng.randrange(len(paras))
        paras[i] += ' Siehe auch %s.' % t
        d.body = '\n\n'.join(paras) + '\n'
        self.write(rel, d.text())
        return 'add wikilink %s to %s' % (t, rel)

    def op_wikilink_remove(self):
        rel, d = self.pick_briefing()
        if not d: return None
        links = list(re.finditer(r'\[\[([^\]|]+)(?:\|([^\]]+))?\]\]', d.body))
        if not links: return None
        m = self.rng.choice(links)
        repl = m.group(2) or m.group(1).split('/')[-1]
        d.body = d.body[:m.start()] + repl + d.body[m.end():]
        self.write(rel, d.text())
        return 'remove wikilink %s from %s' % (m.group(0), rel)

    def op_date(self):
        rel, d = self.pick_briefing()
        if not d: return None
        nd = '2025-%02d-%02d' % (self.rng.randint(1, 9), self.rng.randint(1, 28))
        if self.rng.random() < 0.3:
            nd = q(nd)
        d.set_scalar('date', nd)
        if self.rng.random() < 0.3:
            if d.find('updated'): d.delete('updated')
            else: d.set_scalar('updated', '2025-09-30', after=('date',))
        self.write(rel, d.text())
        return 'date of %s -> %s' % (rel, nd)

    def op_tlp(self):
        rel, d = self.pick_briefing()
        if not d: return None
        cur = (d.get_scalar('tlp') or 'clear').strip('"').lower()
        if 'amber' in cur or 'red' in cur:
            if self.rng.random() < 0.5: d.delete('tlp'); nv = '(none)'
            else: nv = self.rng.choice(['clear', 'green', '"TLP:CLEAR"']); d.set_scalar('tlp', nv)
        else:
            nv = self.rng.choice(['amber', 'AMBER', '"TLP:AMBER"', 'red', 'green'])
            d.set_scalar('tlp', nv, after=('date', 'summary'))
        self.write(rel, d.text())
        return 'tlp of %s -> %s' % (rel, nv)

    def op_draft(self):
        rel, d = self.pick_briefing()
        if not d: return None
        cur = d.get_scalar('draft')
        if cur == 'true':
            if self.rng.random() < 0.5: d.delete('draft'); nv = '(removed)'
            else: d.set_scalar('draft', 'false'); nv = 'false'
        else:
            d.set_scalar('draft', 'true', after=('date',)); nv = 'true'
        self.write(rel, d.text())
        return 'draft of %s -> %s' % (rel, nv)

    def op_kj(self):
        rel, d = self.pick_briefing()
        if not d: return None
        style, items = d.get_list('key_judgments')
        if items and self.rng.random() < 0.4:
            items.pop(self.rng.randrange(len(items))); what = 'remove'
        else:
            self.counter += 1
            items.append(['  - text: ' + q('Testbewertung %d: %s' % (self.counter, sentence(self.rng))),
                          '    likelihood: ' + self.rng.choice(['likely', 'unlikely', 'roughly even chance', 'almost certain']),
                          '    confidence: ' + self.rng.choice(['low', 'moderate', 'high'])])
            what = 'add'
        d.set_list('key_judgments', 'block', items, after=('sources', 'events'))
        self.write(rel, d.text())
        return '%s key judgment in %s' % (what, rel)

    def op_slug(self):
        rel, d = self.pick_briefing()
        if not d: return None
        self.counter += 1
        if d.find('slug') and self.rng.random() < 0.5:
            d.delete('slug'); nv = '(removed)'
        else:
            nv = 'slug-test-%d' % self.counter
            d.set_scalar('slug', nv, after=('summary', 'date'))
        self.write(rel, d.text())
        return 'slug of %s -> %s' % (rel, nv)

    # -- file ops
    def new_briefing_text(self):
        rng = self.rng
        self.counter += 1
        acts = rng.sample(ACTORS, rng.randint(1, 4))
        ctry = rng.sample(COUNTRIES, rng.randint(1, 3))
        lines = ['---', 'title: ' + q('Neues Briefing %d: %s in %s' % (self.counter, rng.choice(WORDS), rng.choice(WORDS))),
                 'date: 2025-%02d-%02d' % (rng.randint(1, 9), rng.randint(1, 28)),
                 'summary: ' + q(sentence(rng)),
                 'tags: [%s]' % ', '.join(rng.sample(TAGS, rng.randint(0, 3))),
                 'actors:'] + ['  - ' + a for a in acts] + ['countries: [%s]' % ', '.join(ctry)]
        if rng.random() < 0.7:
            lines += ['events:', '  - {date: %s, title: %s, countries: [%s]}' % (
                rng.choice(EVENT_DATES), q(rng.choice(EVENT_TITLES)), rng.choice(COUNTRIES))]
        lines += ['sources:', '  - id: s1', '    publisher: ' + q(rng.choice(PUBLISHERS)),
                  '    title: ' + q('Quelle für Briefing %d' % self.counter),
                  '    url: https://example.org/neu/%d' % self.counter, '---']
        body = '## Lage\n\n%s [@s1]\n\n%s Siehe [[%s]].\n' % (sentence(rng), sentence(rng),
                                                          rng.choice(['xi-kim-peking', 'Kim Jong Un', 'countries/cn']))
        return '\n'.join(lines) + '\n' + body

    def op_new_briefing(self):
        self.counter += 1
        stem = self.rng.choice(['neues-briefing-%d', 'ölembargo-%d', 'Lage Übersicht %d', 'test_%d'])
        rel = 'content/briefings/%s/%s.md' % (self.rng.choice(FOLDERS), stem % self.counter)
        self.write(rel, self.new_briefing_text())
        self.created.add(rel)
        return 'create briefing %s' % rel

    def op_delete_briefing(self):
        bs = self.briefings()
        mine = [b for b in bs if b in self.created]
        if mine and self.rng.random() < 0.7:
            rel = self.rng.choice(mine)
        else:
            rel = self.rng.choice(bs)
            if rel not in self.created:
                self.trash[rel] = self.read(rel)
        self.remove(rel)
        self.created.discard(rel)
        return 'delete briefing %s' % rel

    def op_restore_briefing(self):
        cands = [r for r in self.trash if self.read(r) is None]
        if not cands: return None
        rel = self.rng.choice(cands)
        self.write(rel, self.trash.pop(rel))
        return 'restore deleted briefing %s' % rel

    def op_rename_briefing(self):
        bs = self.briefings()
        rel = self.rng.choice(bs)
        self.counter += 1
        r = self.rng.random()
        mine = [b for b in bs if b in self.created and b != rel]
        if r < 0.2 and mine:
            dst = self.rng.choice(mine)   # rename over an existing (created) file
        else:
            stem = os.path.splitext(os.path.basename(rel))[0]
            stem = re.sub(r'-umbenannt-\d+$', '', stem) + '-umbenannt-%d' % self.counter
            dst = 'content/briefings/%s/%s.md' % (self.rng.choice(FOLDERS), stem)
        if rel not in self.created:
            self.trash.pop(rel, None)
        self.rename(rel, dst)
        self.created.discard(rel)
        self.created.add(dst)
        return 'rename %s -> %s' % (rel, dst)

    def op_registry(self):
        rng = self.rng
        r = rng.random()
        if r < 0.25:
            # create / delete a registry file for an implicit person
            pid = rng.choice(list(PERSON_REG))
            rel = 'content/people/%s.md' % pid
            if self.read(rel) is not None:
                self.remove(rel)
                return 'delete registry file %s' % rel
            self.write(rel, '---\nname: %s\naliases: [%s]\ncountries: [KP]\nrole: Testrolle\n---\nProfil von %s.\n'
                       % (PERSON_REG[pid], PERSON_REG[pid].replace(' ', '-'), PERSON_REG[pid]))
            return 'create registry file %s' % rel
        rels = self.files('content/people') + self.files('content/organisations')
        rel = rng.choice(rels)
        d = self.doc(rel)
        if not d: return None
        self.counter += 1
        r = rng.random()
        if r < 0.35:
            style, items = d.get_list('aliases')
            items = items or []
            if items and rng.random() < 0.4:
                a = items.pop(rng.randrange(len(items))); what = 'remove alias %s' % a
            else:
                a = rng.choice(['Testalias %d' % self.counter, 'Kim Yo Jong', 'Choe Son Hui', 'Jang Song Thaek',
                                'Genosse %d' % self.counter, 'Wang Yi'])
                items.append(q(a)); what = 'add alias %s' % a
            d.set_list('aliases', 'flow', items, after=('name',))
        elif r < 0.6:
            old = d.get_scalar('name').strip('"')
            new = re.sub(r' \(\d+\)$', '', old) + ' (%d)' % self.counter if rng.random() < 0.7 else old
            d.set_scalar('name', q(new)); what = 'name -> %s' % new
        elif r < 0.8:
            d.set_scalar('role', q('Geänderte Rolle %d' % self.counter)); what = 'role'
        else:
            d.body = d.body.rstrip('\n') + '\n\n' + sentence(rng) + '\n'; what = 'profile body'
        self.write(rel, d.text())
        return 'registry %s: %s' % (rel, what)

    def op_country_override(self):
        rng = self.rng
        self.counter += 1
        if rng.random() < 0.3:
            cc = rng.choice(['mn', 'de', 'sg'])
            rel = 'content/countries/%s.md' % cc
            if self.read(rel) is not None:
                self.remove(rel)
                return 'delete country override %s' % rel
            name = {'mn': 'Mongolei', 'de': 'Deutschland', 'sg': 'Singapur'}[cc]
            self.write(rel, '---\nname: %s\naliases: [%s]\n---\nProfil %s.\n' % (name, name + ' (Staat)', name))
            return 'create country override %s' % rel
        rel = rng.choice(self.files('content/countries'))
        d = self.doc(rel)
        if not d: return None
        r = rng.random()
        if r < 0.4:
            old = (d.get_scalar('name') or '').strip('"')
            new = re.sub(r' \(\d+\)$', '', old) + ' (%d)' % self.counter
            d.set_scalar('name', q(new)); what = 'name -> %s' % new
        elif r < 0.7:
            style, items = d.get_list('aliases')
            items = items or []
            if items and rng.random() < 0.5:
                a = items.pop(rng.randrange(len(items))); what = 'remove alias %s' % a
            else:
                a = 'Landalias %d' % self.counter; items.append(q(a)); what = 'add alias %s' % a
            d.set_list('aliases', 'flow', items, after=('name',))
        else:
            d.body = d.body.rstrip('\n') + '\n\n' + sentence(rng) + '\n'; what = 'profile body'
        self.write(rel, d.text())
        return 'country override %s: %s' % (rel, what)

    def op_page(self):
        rng = self.rng
        self.counter += 1
        slug = rng.choice(PAGE_SLUGS)
        rel = 'content/pages/%s.md' % slug
        cur = self.read(rel)
        r = rng.random()
        if cur is None:
            self.write(rel, '---\ntitle: %s\n---\n## %s\n\n%s\n' % (q('Seite %s %d' % (slug, self.counter)), slug, sentence(rng)))
            return 'create page %s' % rel
        if r < 0.4:
            self.remove(rel)
            return 'delete page %s' % rel
        d = self.doc(rel)
        if not d: return None
        if r < 0.6:
            if d.find('draft'): d.delete('draft'); what = 'undraft'
            else: d.set_scalar('draft', 'true'); what = 'draft'
        else:
            d.set_scalar('title', q('Seite %s %d' % (slug, self.counter))); what = 'title'
        self.write(rel, d.text())
        return 'page %s: %s' % (rel, what)

    def op_static(self):
        rel = 'static/test-%s.txt' % self.rng.choice('ab')
        if self.read(rel) is not None and self.rng.random() < 0.4:
            self.remove(rel)
            return 'delete %s' % rel
        self.counter += 1
        self.write(rel, 'static %d\n' % self.counter)
        return 'write %s' % rel

    # -- deliberately broken edits (always reverted afterwards)
    def op_broken(self):
        rng = self.rng
        rel = rng.choice(self.briefings() + self.files('content/people') + self.files('content/pages'))
        text = self.read(rel)
        kind = rng.choice(['yaml-bracket', 'yaml-indent', 'no-close', 'unknown-key', 'bad-country',
                           'bad-citation', 'bad-wikilink', 'bad-date', 'empty'])
        if kind == 'yaml-bracket':
            new = text.replace('\n', '\ntags: [unclosed, \n', 1) if 'briefings' in rel else text.replace('\n', '\nname: [x\n', 1)
        elif kind == 'yaml-indent':
            new = text.replace('\n', '\n   bad: indent\n  - x\n', 1)
        elif kind == 'no-close':
            new = text.replace('\n---\n', '\n--\n', 1)
        elif kind == 'unknown-key':
            new = text.replace('\n', '\ntitel: Tippfehler\n', 1)
        elif kind == 'bad-country' and 'briefings' in rel:
            new = text.replace('\ntitle:', '\ncountries: [Nordkoria]\ntitle:', 1) if '\ncountries:' not in text else \
                re.sub(r'\ncountries: \[', '\ncountries: [Nordkoria, ', text, count=1)
        elif kind == 'bad-citation':
            new = text.rstrip('\n') + '\n\nUnbekannt [@gibtsnicht].\n'
        elif kind == 'bad-wikilink':
            new = text.rstrip('\n') + '\n\nSiehe [[gibt-es-nicht-briefing]].\n'
        elif kind == 'bad-date' and 'briefings' in rel:
            new = re.sub(r'\ndate: [^\n]*', '\ndate: 2025-13-45', text, count=1)
        else:
            new = ''
            kind = 'empty'
        self.write(rel, new, mode='direct')
        return 'BROKEN (%s) %s' % (kind, rel)

    OPS = [('op_title', 6), ('op_summary', 4), ('op_body', 6), ('op_actor_add', 8), ('op_actor_remove', 5),
           ('op_country_add', 5), ('op_country_remove', 4), ('op_tag_add', 4), ('op_tag_remove', 3),
           ('op_related', 2), ('op_event_add', 5), ('op_event_remove', 3), ('op_event_change', 3),
           ('op_source_add', 4), ('op_source_remove', 3), ('op_citation_remove', 2), ('op_wikilink_add', 6),
           ('op_wikilink_remove', 4), ('op_date', 4), ('op_tlp', 4), ('op_draft', 4), ('op_kj', 2),
           ('op_slug', 1), ('op_new_briefing', 4), ('op_delete_briefing', 3), ('op_restore_briefing', 3),
           ('op_rename_briefing', 3), ('op_registry', 5), ('op_country_override', 4), ('op_page', 3),
           ('op_static', 1)]

    def random_op(self):
        names = [o[0] for o in self.OPS]
        weights = [o[1] for o in self.OPS]
        for _ in range(20):
            name = self.rng.choices(names, weights)[0]
            desc = getattr(self, name)()
            if desc:
                return desc
        return None

# ---------------------------------------------------------------- comparison

class Checker:
    def __init__(self):
        self.script = None
        self.all_urls = set()

    def learn_script(self, srv, built):
        st, body, ct = srv.get('/')
        exp = built['index.html']
        end = body.rfind(b'</body>')
        start = body.rfind(b'<script>', 0, end)
        cand = body[start:end]
        if body.replace(cand, b'', 1) != exp:
            raise RuntimeError('could not identify injected script on /')
        self.script = cand

    def strip(self, body):
        return body.replace(self.script, b'', 1)

    def compare(self, srv, expected):
        """-> list of (url, kind, detail)"""
        bad = []
        exp_urls = {}
        for rel, data in sorted(expected.items()):
            exp_urls[url_for(rel)] = (rel, data)
        for url, (rel, data) in exp_urls.items():
            st, body, ct = srv.get(url)
            if st != 200:
                bad.append((url, 'status %d (expected 200)' % st, ''))
                continue
            if rel.endswith('.html'):
                if self.script not in body and 'html' in ct:
                    bad.append((url, 'no reload script injected', ''))
                body = self.strip(body)
            if body != data:
                bad.append((url, 'content differs', udiff(data, body)))
        for url in sorted(self.all_urls - set(exp_urls)):
            st, body, ct = srv.get(url)
            if st != 404:
                bad.append((url, 'stale URL served (status %d, build has no such file)' % st,
                            body[:300].decode('utf-8', 'replace') if st == 200 else ''))
        self.all_urls |= set(exp_urls)
        # alternative spelling /x/index.html for a few pages
        for url in list(exp_urls)[:5]:
            if url.endswith('/') and url != '/':
                st, body, ct = srv.get(url + 'index.html')
                if st != 200 or self.strip(body) != exp_urls[url][1]:
                    bad.append((url + 'index.html', 'index.html spelling differs (status %d)' % st, ''))
        return bad

# ---------------------------------------------------------------- driver

def err_lines(lines):
    return sorted(set(l for l in lines if ': error: ' in l))

def describe_changes(changes, limit=40):
    out = []
    for rel, old, new, mode in changes:
        if new is None and mode == 'rename-from':
            out.append('  renamed away: %s' % rel)
            continue
        if new is None:
            out.append('  deleted: %s' % rel)
            continue
        if old is None:
            out.append('  created (%s): %s\n' % (mode, rel) + ''.join('    ' + l for l in new.splitlines(True)[:15]))
            continue
        d = udiff(old, new, 'a/' + rel, 'b/' + rel, limit=limit)
        out.append('  %s (%s):\n' % (rel, mode) + ''.join('    ' + l for l in d.splitlines(True)))
    return '\n'.join(out)

def single_step_repro(before, after_changes, checker):
    """Start a fresh server on the `before` state, apply the step's final file states, compare."""
    root = REPRO + '/site'
    restore_snapshot(root, before)
    srv = Server(root, free_port())
    try:
        srv.wait_serving()
        time.sleep(0.3)
        m = srv.mark()
        final = {}
        for rel, old, new, mode in after_changes:
            final[rel] = new
        for rel, new in final.items():
            p = os.path.join(root, rel)
            if new is None:
                if os.path.exists(p): os.remove(p)
            else:
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, 'w', encoding='utf-8') as fh: fh.write(new)
        srv.wait_processed(m)
        rc, stderr, files = build(root, REPRO + '/out')
        if files is None:
            return None
        c = Checker(); c.script = checker.script
        c.all_urls = set(url_for(r) for r in snapshot_out_urls(before, root))
        return c.compare(srv, files)
    finally:
        srv.stop()

def snapshot_out_urls(before, root):
    tmp = REPRO + '/site_before'
    restore_snapshot(tmp, before)
    rc, _, files = build(tmp, REPRO + '/out_before')
    return list(files) if files else []

def run_seed(seed, steps, report, stats, quiet):
    rng = random.Random(seed)
    copy_site(SITE)
    ed = Editor(SITE, rng)
    rc, stderr, last_good = build(SITE, OUT)
    assert rc == 0, stderr
    port = free_port()
    srv = Server(SITE, port)
    srv.wait_serving()
    chk = Checker()
    chk.learn_script(srv, last_good)
    bad = chk.compare(srv, last_good)
    if bad:
        report.append({'seed': seed, 'step': 0, 'edit': 'initial state', 'mismatches': bad[:10]})
    history = []          # step descriptions since the server (re)started
    need_restart = False
    pending = {}          # rel -> content at last good state, for files touched since
    t_seed = time.time()
    try:
        for step in range(1, steps + 1):
            before = snapshot(SITE)
            prefixes = []         # site states after each op of a burst
            ed.changes = []
            m = srv.mark()
            prev_failed = bool(pending) and (history[-1]['failed'] if history else False)
            if prev_failed and (need_restart or rng.random() < 0.7):
                # fix the broken state: restore every file touched since the last good build
                for rel, content in pending.items():
                    if content is None:
                        if ed.read(rel) is not None: ed.remove(rel)
                    else:
                        ed.write(rel, content)
                    if rel in ed.created and content is None:
                        ed.created.discard(rel)
                descs = ['REVERT to last good state (%d files)' % len(pending)]
            elif rng.random() < 0.07:
                # a deliberately broken save, always alone in its step (so "last good" is unambiguous)
                descs = [ed.op_broken()]
            else:
                nops = 1 if rng.random() < 0.75 else rng.randint(2, 3)
                descs = []
                for _ in range(nops):
                    d = ed.random_op()
                    if d: descs.append(d)
                    if nops > 1:
                        prefixes.append((len(descs), snapshot(SITE)))
                    if nops > 1 and rng.random() < 0.5:
                        time.sleep(rng.choice([0.01, 0.05, 0.15]))
            for rel, old, new, mode in ed.changes:
                if rel not in pending:
                    pending[rel] = old
            for d in descs:
                stats[d.split(' ')[0] if not d.startswith(('add', 'remove', 'create', 'delete')) else ' '.join(d.split(' ')[:2])] = \
                    stats.get(d.split(' ')[0] if not d.startswith(('add', 'remove', 'create', 'delete')) else ' '.join(d.split(' ')[:2]), 0) + 1
            got = srv.wait_processed(m, quiet=quiet)
            rc, stderr, files = build(SITE, OUT)
            ok = files is not None
            stats['steps'] = stats.get('steps', 0) + 1
            stats['ok_builds' if ok else 'failed_builds'] = stats.get('ok_builds' if ok else 'failed_builds', 0) + 1
            expected = files if ok else last_good
            bad = chk.compare(srv, expected)
            status = 'ok' if ok else 'build-failed'
            if bad and not ok and len(prefixes) > 1:
                # a burst whose final state is broken: the server may legitimately have
                # published an intermediate good state (after the first k ops)
                for k, snap in reversed(prefixes[:-1]):
                    restore_snapshot(REPRO + '/prefix', snap)
                    prc, _, pfiles = build(REPRO + '/prefix', REPRO + '/prefix_out')
                    if pfiles is None:
                        continue
                    saved_urls = set(chk.all_urls)
                    if not chk.compare(srv, pfiles):
                        status = 'build-failed (server shows intermediate good state after op %d)' % k
                        bad = []
                        expected = pfiles
                        break
                    chk.all_urls = saved_urls
            if bad:
                time.sleep(2.0)
                bad2 = chk.compare(srv, expected)
                persistent = bool(bad2)
                if persistent:
                    bad = bad2
            notes = []
            # the server's final verdict: lines after the last 'rebuilt' line
            # (the last block of output, i.e. lines after the second-to-last 'done' line). The
            # server does not print an unchanged error list again, so the block may be older
            # than this step: look at all its output.
            all_lines = srv.since(0)
            dones = [i for i, l in enumerate(all_lines) if DONE_RE.search(l)]
            tail = all_lines[(dones[-2] + 1 if len(dones) > 1 else 0):]
            if not ok:
                be, se = err_lines(stderr.splitlines()), err_lines(tail)
                if be != se:
                    notes.append('error lines differ: only in build=%r; only in server(final block)=%r' % (
                        sorted(set(be) - set(se))[:5], sorted(set(se) - set(be))[:5]))
            elif err_lines(tail):
                notes.append('server ended with errors but build succeeded: %r' % err_lines(tail)[:5])
            if not got and ed.changes and ok:
                notes.append('server printed no rebuild line within 4 s')
            entry = {'seed': seed, 'step': step, 'status': status, 'edits': descs, 'failed': not ok,
                     'build_errors': stderr.strip().splitlines()[:6] if not ok else []}
            history.append(entry)
            print('seed %d step %3d %-12s %s%s' % (seed, step, status, '; '.join(descs),
                                                  ('  !! %d MISMATCH%s' % (len(bad), '' if not bad or persistent else ' (transient)')) if bad else ''),
                  flush=True)
            if notes:
                report.append({'seed': seed, 'step': step, 'edit': descs, 'notes': notes,
                               'diff': describe_changes(ed.changes), 'mismatches': []})
            if bad:
                rec = {'seed': seed, 'step': step, 'edit': descs, 'status': status,
                       'persistent': persistent, 'diff': describe_changes(ed.changes),
                       'history_since_server_start': [(h['step'], h['edits'], h['status']) for h in history],
                       'build_errors': entry['build_errors'], 'mismatches': bad[:12], 'n_mismatches': len(bad)}
                if persistent and ok:
                    try:
                        rb = single_step_repro(before, ed.changes, chk)
                        rec['single_step_repro'] = (None if rb is None else
                                                    ('REPRODUCES (%d mismatches: %s)' % (len(rb), ', '.join(u for u, _, _ in rb[:6]))
                                                     if rb else 'does not reproduce from a fresh server'))
                        d = '%s/seed%d_step%d' % (REPRO, seed, step)
                        if os.path.exists(d): shutil.rmtree(d)
                        restore_snapshot(d + '/before', before)
                        restore_snapshot(d + '/after', snapshot(SITE))
                        rec['saved'] = d
                    except Exception as e:
                        rec['single_step_repro'] = 'error: %r' % e
                report.append(rec)
                if persistent and not ok:
                    need_restart = True
                elif persistent:
                    # restart the server so that later findings are independent
                    need_restart = False
                    srv.stop()
                    srv = Server(SITE, free_port())
                    srv.wait_serving()
                    history = []
                    time.sleep(0.3)
                    if ok:
                        b3 = chk.compare(srv, expected)
                        if b3:
                            report.append({'seed': seed, 'step': step, 'edit': 'fresh server start after restart',
                                           'mismatches': b3[:10], 'note': 'non-incremental mismatch'})
            if ok and need_restart:
                need_restart = False
                srv.stop()
                srv = Server(SITE, free_port())
                srv.wait_serving()
                history = []
                time.sleep(0.3)
                b3 = chk.compare(srv, files)
                if b3:
                    report.append({'seed': seed, 'step': step, 'edit': 'fresh server start after restart',
                                   'mismatches': b3[:10], 'note': 'non-incremental mismatch'})
            if ok:
                last_good = files
                pending = {}
            elif expected is not last_good:
                last_good = expected
    finally:
        srv.stop()
    print('seed %d done in %.0f s' % (seed, time.time() - t_seed), flush=True)

def write_report(report, stats, path):
    with open(path + '.json', 'w') as fh:
        json.dump({'report': report, 'stats': stats}, fh, indent=1, ensure_ascii=False, default=str)
    with open(path, 'w') as fh:
        for r in report:
            fh.write('=' * 78 + '\n')
            fh.write('seed %s step %s  status=%s persistent=%s\n' % (r['seed'], r['step'], r.get('status'), r.get('persistent')))
            fh.write('edit: %s\n' % (r['edit'],))
            if r.get('notes'):
                fh.write('notes: %s\n' % r['notes'])
            if r.get('build_errors'):
                fh.write('build errors: %s\n' % r['build_errors'])
            if r.get('single_step_repro'):
                fh.write('single-step repro: %s  (saved: %s)\n' % (r['single_step_repro'], r.get('saved')))
            if r.get('history_since_server_start'):
                fh.write('history since server start:\n')
                for h in r['history_since_server_start']:
                    fh.write('   %s %s %s\n' % h)
            if r.get('diff'):
                fh.write('change:\n%s\n' % r['diff'])
            if r.get('mismatches'):
                fh.write('mismatches (%s):\n' % r.get('n_mismatches', len(r['mismatches'])))
                for url, kind, detail in r['mismatches']:
                    fh.write('  URL %s: %s\n' % (url, kind))
                    if detail:
                        fh.write(''.join('     ' + l for l in detail.splitlines(True)) + '\n')
        fh.write('\nstats: %s\n' % json.dumps(stats, ensure_ascii=False, sort_keys=True))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seeds', default='1,2,3,4,5')
    ap.add_argument('--steps', type=int, default=40)
    ap.add_argument('--quiet', type=float, default=0.6)
    ap.add_argument('--report', default=BASE + '/report.txt')
    a = ap.parse_args()
    os.makedirs(REPRO, exist_ok=True)
    report, stats = [], {}
    for s in [int(x) for x in a.seeds.split(',')]:
        run_seed(s, a.steps, report, stats, a.quiet)
        write_report(report, stats, a.report)
    write_report(report, stats, a.report)
    n = sum(1 for r in report if r.get('mismatches'))
    print('done: %d report entries with mismatches, %d with notes; see %s' % (
        n, sum(1 for r in report if r.get('notes')), a.report))

if __name__ == '__main__':
    main()
