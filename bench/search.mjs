// Bytes a query downloads and time to results, dossier's search against Pagefind's on the same
// built site. Each query runs in a fresh browser context (empty cache); "first answer" is every
// file loaded until the result list is shown (dossier: the page's `data-state="done"`;
// Pagefind: `search()` plus the first 20 results' `data()`), "with facets" adds the facet
// files dossier loads right after. Then the query is typed again with the shards loaded and
// the time to results read from the page (`data-query-ms`).
// Usage: node bench/search.mjs <built site> [<pagefind output folder>] -- query...
// (playwright-core, Debian's chromium; the Pagefind folder from `python -m pagefind --site
// <built site> --glob "briefings/*/index.html" --output-path <folder>`).
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";

const args = process.argv.slice(2);
const cut = args.indexOf("--");
const [site, pagefind] = args.slice(0, cut);
const queries = args.slice(cut + 1);
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json" };
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  const [root, rel] = url.pathname.startsWith("/pagefind/") ? [pagefind, url.pathname.slice(10)] : [site, url.pathname.slice(1)];
  let path = join(root, decodeURIComponent(rel));
  try {
    if (statSync(path).isDirectory()) path = join(path, "index.html");
    res.writeHead(200, { "content-type": types[extname(path)] || "application/octet-stream" });
    res.end(readFileSync(path));
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] });

async function measure(run) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Requests as they are made, sized by the files on disk (response bodies arrive later).
  const seen = new Set();
  let bytes = 0, files = 0;
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (!/^\/(search|pagefind)\/./.test(url.pathname) || url.pathname === "/search/" || seen.has(url.pathname)) return;
    seen.add(url.pathname);
    const [root, rel] = url.pathname.startsWith("/pagefind/") ? [pagefind, url.pathname.slice(10)] : [site, url.pathname.slice(1)];
    try { bytes += statSync(join(root, decodeURIComponent(rel))).size; files++; } catch { /* not there */ }
  });
  const out = await run(page, () => ({ bytes, files }));
  await context.close();
  return out;
}

const kb = (b) => (b / 1024).toFixed(1) + " KB";
console.log("| query | dossier first answer | dossier with facets | ms, shards loaded | Pagefind first 20 results |");
console.log("|---|---:|---:|---:|---:|");
for (const q of queries) {
  const ours = await measure(async (page, count) => {
    await page.goto(base + "search/?q=" + encodeURIComponent(q));
    await page.waitForFunction(() => document.getElementById("search-app").dataset.state === "done", null, { timeout: 60000 });
    const first = count();
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(300);
    const all = count();
    await page.fill("#search-q", q + " ");
    await page.waitForFunction(() => document.getElementById("search-app").dataset.state === "done", null, { timeout: 60000 });
    await page.waitForTimeout(200);
    const ms = await page.getAttribute("#search-app", "data-query-ms");
    const hits = await page.textContent("#search-status");
    return { first, all, ms, hits };
  });
  let theirs = "–";
  if (pagefind) {
    theirs = await measure(async (page, count) => {
      await page.goto(base + "search/");
      const n = await page.evaluate(async (q) => {
        const pf = await import("/pagefind/pagefind.js");
        await pf.init();
        const r = await pf.search(q);
        await Promise.all(r.results.slice(0, 20).map((x) => x.data()));
        return r.results.length;
      }, q);
      await page.waitForTimeout(300);
      const c = count();
      return `${kb(c.bytes)} (${c.files} files, ${n} hits)`;
    });
  }
  console.log(`| ${q} | ${kb(ours.first.bytes)} (${ours.first.files} files) | ${kb(ours.all.bytes)} | ${ours.ms} | ${theirs} |  <!-- ${ours.hits} -->`);
}
await browser.close();
server.close();
