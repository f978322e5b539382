#!/usr/bin/env python3
"""Reload latency of `dossier serve` (and optionally `hugo server`) on a generated corpus.

For each of N edits it appends one line to one briefing and measures the time from the write
until the server's reload message arrives on the WebSocket (dossier), or until the changed
page is served (hugo, which has no WebSocket API we can listen to portably: we poll the page).

Usage: bench/reload.py [--briefings 10000] [--edits 20] [--kind line|actor] [--hugo]
Standard library only. Prints one line per edit and a summary with the median.
"""
import argparse, base64, json, os, random, shutil, socket, statistics, struct, subprocess, sys, time, urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GEN = os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py")


def ws_connect(host, port, path="/__dossier/ws"):
    s = socket.create_connection((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    assert b" 101 " in buf.split(b"\r\n")[0], buf
    return s


def ws_read(s):
    """One text frame from the server (unmasked)."""
    def exact(n):
        b = b""
        while len(b) < n:
            chunk = s.recv(n - len(b))
            if not chunk:
                raise EOFError
            b += chunk
        return b
    h = exact(2)
    n = h[1] & 0x7F
    if n == 126:
        n = struct.unpack(">H", exact(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", exact(8))[0]
    return exact(n).decode()


def drain(s):
    """Discards messages still queued from earlier edits, so each edit waits for its own."""
    s.settimeout(0.05)
    try:
        while True:
            ws_read(s)
    except (socket.timeout, TimeoutError):
        pass
    finally:
        s.settimeout(30)


def gen(flavor, n, out):
    if not os.path.exists(out):
        subprocess.run([sys.executable, GEN, "--flavor", flavor, "--briefings", str(n), out], check=True,
                       stdout=subprocess.DEVNULL)


def edit(path, kind, i):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if kind == "actor":
        text = text.replace("\nactors: [", f"\nactors: [\"Bench Actor {i}\", ", 1)
    else:
        text += f"\nEdit number {i} appended by the benchmark.\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def bench_dossier(site, edits, kind):
    exe = os.path.join(ROOT, "target", "release", "dossier")
    log = open(os.path.join(os.path.dirname(site), "serve.log"), "w")
    proc = subprocess.Popen([exe, "serve", "--port", "0", "--root", site], stdout=subprocess.PIPE,
                            stderr=log, text=True)
    try:
        line = proc.stdout.readline()
        addr = line.split("http://")[1].split("/")[0]
        host, port = addr.split(":")
        s = ws_connect(host, int(port))
        s.settimeout(30)
        files = sorted(os.listdir(os.path.join(site, "content", "briefings")))
        rnd = random.Random(1)
        times = []
        for i in range(edits):
            path = os.path.join(site, "content", "briefings", rnd.choice(files))
            drain(s)
            t0 = time.perf_counter()
            edit(path, kind, i)
            while True:
                msg = json.loads(ws_read(s))
                if msg["type"] == "reload":
                    break
                if msg["type"] == "errors":
                    raise SystemExit(f"errors: {msg['errors'][:3]}")
            ms = (time.perf_counter() - t0) * 1000
            times.append(ms)
            print(f"dossier edit {i:2}: {ms:7.1f} ms", flush=True)
            time.sleep(0.3)
        return times
    finally:
        proc.kill()


def bench_hugo(site, edits, kind):
    port = 1313 + random.randint(1, 500)
    proc = subprocess.Popen(["hugo", "server", "--port", str(port), "--source", site, "--renderToMemory",
                             "--disableFastRender=false"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in proc.stdout:
            if "Web Server is available" in line:
                break
        files = sorted(f for f in os.listdir(os.path.join(site, "content", "briefings")) if f != "_index.md")
        rnd = random.Random(1)
        times = []
        for i in range(edits):
            name = rnd.choice(files)
            path = os.path.join(site, "content", "briefings", name)
            url = f"http://127.0.0.1:{port}/briefings/{name[:-3]}/"
            t0 = time.perf_counter()
            edit(path, kind, i)
            needle = f"Edit number {i} appended" if kind == "line" else f"Bench Actor {i}"
            while needle not in urllib.request.urlopen(url).read().decode():
                time.sleep(0.005)
            ms = (time.perf_counter() - t0) * 1000
            times.append(ms)
            print(f"hugo    edit {i:2}: {ms:7.1f} ms", flush=True)
            time.sleep(0.3)
        return times
    finally:
        proc.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--briefings", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--kind", choices=["line", "actor"], default="line")
    ap.add_argument("--hugo", action="store_true")
    ap.add_argument("--work", default="/tmp/dossier-bench")
    a = ap.parse_args()
    results = {}
    base = os.path.join(a.work, f"dossier-{a.briefings}")
    gen("dossier", a.briefings, base)
    site = os.path.join(a.work, f"dossier-{a.briefings}-{a.kind}")
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(base, site, ignore=shutil.ignore_patterns("public"))
    results["dossier"] = bench_dossier(site, a.edits, a.kind)
    if a.hugo:
        hbase = os.path.join(a.work, f"hugo-{a.briefings}")
        gen("hugo", a.briefings, hbase)
        hsite = hbase + f"-{a.kind}"
        shutil.rmtree(hsite, ignore_errors=True)
        shutil.copytree(hbase, hsite, ignore=shutil.ignore_patterns("public"))
        results["hugo"] = bench_hugo(hsite, a.edits, a.kind)
    for name, t in results.items():
        print(f"{name}: {a.kind} edit, {a.briefings} briefings, {len(t)} edits: median {statistics.median(t):.1f} ms, "
              f"min {min(t):.1f} ms, max {max(t):.1f} ms")


if __name__ == "__main__":
    main()
