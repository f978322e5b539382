// Browser check of search: the sample dossier (the repository root) built by the real binary,
// searched in a real Chromium page served under a sub-path by a tiny static server AND opened
// from disk (file://): words, aliases of a person and a country, a facet, the keyboard, the
// withheld amber briefing that must not be found, an untrusted title shown as text, and
// axe-core on the search page.
// Usage: node tests/browser/search.mjs <dossier binary> <repository root> <work folder>
// (needs playwright-core and axe-core, and Debian's chromium at /usr/bin/chromium).
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, cpSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join } from "node:path";

const [bin, repo, work] = process.argv.slice(2);
const require = createRequire(join(process.cwd(), "package.json"));
const axePath = require.resolve("axe-core/axe.min.js");
let passed = 0;
const failures = [];
const check = (ok, msg) => {
  if (ok) { passed++; console.log("ok: " + msg); } else { failures.push(msg); console.error("FAIL: " + msg); }
};

// 1. The sample site, and a copy with a briefing whose title is markup.
const site = join(work, "sample");
execFileSync(bin, ["build", "--root", repo, "--output", site], { stdio: "inherit" });
const hostile = join(work, "hostile");
mkdirSync(join(hostile, "content/briefings"), { recursive: true });
cpSync(join(repo, "site.toml"), join(hostile, "site.toml"));
writeFileSync(join(hostile, "content/briefings/x.md"),
  '---\ntitle: "<img src=x onerror=\\"window.pwned=1\\">Quokka <b>bold</b>"\ndate: 2025-01-01\n---\nQuokka <script>window.pwned=2</script> body.\n');
execFileSync(bin, ["build", "--root", hostile, "--output", join(work, "hostile-out")], { stdio: "inherit" });

// The withheld amber briefing of the sample: its title's words must be nowhere in the index.
const amber = readFileSync(join(repo, "content/briefings/2025/seidenkanal-bewertung-intern.md"), "utf8");
const amberTitle = /^title: "(.*)"$/m.exec(amber)[1];
const files = (dir) => readdirSync(dir).flatMap((f) => statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]);
const leaked = files(join(site, "search")).filter((f) => readFileSync(f, "utf8").includes("Seidenkanal"));
check(leaked.length === 0, `no index file holds the withheld title's word "Seidenkanal" (${leaked.join(", ")})`);

// 2. A static server that serves the output below /sub/dossier/.
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".xml": "application/xml" };
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  const prefix = "/sub/dossier/";
  if (!url.pathname.startsWith(prefix) || url.pathname.includes("..")) { res.writeHead(404); return res.end(); }
  let path = join(site, decodeURIComponent(url.pathname.slice(prefix.length)));
  try {
    if (statSync(path).isDirectory()) path = join(path, "index.html");
    res.writeHead(200, { "content-type": types[extname(path)] || "application/octet-stream" });
    res.end(readFileSync(path));
  } catch { res.writeHead(404); res.end(); }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const httpBase = `http://127.0.0.1:${server.address().port}/sub/dossier/`;
const fileBase = "file://" + site + "/";

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});

const done = (page) => page.waitForFunction(() => ["done", "error"].includes(document.getElementById("search-app")?.dataset.state), null, { timeout: 10000 });
const results = (page) => page.$$eval("#search-results .search-result-title a", (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute("href") })));
const entities = (page) => page.$$eval("#search-entity-list a", (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute("href") })));
async function type(page, text) {
  await page.fill("#search-q", "");
  await page.type("#search-q", text, { delay: 10 });
  await page.waitForFunction((q) => document.getElementById("search-app").dataset.state === "done" && document.getElementById("search-status").textContent.includes(q), text, { timeout: 10000 });
}

try {
  for (const [where, base] of [["served under /sub/dossier/", httpBase], ["opened from file://", fileBase]]) {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const home = base + (base.startsWith("file:") ? "index.html" : "");

    // The header box: `/` focuses it, Enter leads to the search page with the query.
    await page.goto(home);
    await page.keyboard.press("/");
    check(await page.evaluate(() => document.activeElement?.id === "site-search-q"), `${where}: / focuses the header search box`);
    await page.keyboard.type("Kim Jong-un");
    await page.keyboard.press("Enter");
    await page.waitForURL(/search\/(index\.html)?\?q=/);
    await done(page);
    const byName = await results(page);
    check(byName.length >= 5 && byName.some((r) => r.text.includes("Gute Freunde")), `${where}: "Kim Jong-un" finds his briefings (${byName.length})`);
    const kim = await entities(page);
    check(kim[0]?.text === "Kim Jong Un" && /people\/kim-jong-un\//.test(kim[0].href), `${where}: the person is offered first, linked to his page`);
    check(await page.$eval("#search-results", (ol) => ol.querySelectorAll("mark").length > 0), `${where}: matched words are marked`);

    // Every spelling finds the same briefings.
    const same = JSON.stringify(byName.map((r) => r.href).sort());
    for (const alias of ["Kim Jong Un", "김정은", "Kim Dschong Un"]) {
      await type(page, alias);
      check(JSON.stringify((await results(page)).map((r) => r.href).sort()) === same, `${where}: "${alias}" finds the same briefings`);
    }
    const country = {};
    for (const alias of ["Nordkorea", "DVRK", "North Korea", "KP"]) {
      await type(page, alias);
      const e = await entities(page);
      country[alias] = JSON.stringify((await results(page)).map((r) => r.href).sort());
      check(e.some((x) => x.text === "Nordkorea" && /countries\/kp\//.test(x.href)), `${where}: "${alias}" offers the country Nordkorea`);
    }
    check(new Set(Object.values(country)).size === 1 && country.KP.length > 2, `${where}: every name of the country finds the same briefings`);

    // Stemming and folding: other forms of a word, umlauts written out.
    await type(page, "Sanktion");
    check((await results(page)).length > 0, `${where}: "Sanktion" finds "Sanktionen"`);
    await type(page, "Pjoengjang");
    check((await results(page)).length > 0 && await page.$eval("#search-results", (ol) => ol.textContent.includes("Pjöngjang")), `${where}: "Pjoengjang" finds "Pjöngjang"`);

    // The withheld briefing is not found by its title.
    await type(page, amberTitle);
    check((await results(page)).length === 0 || !(await results(page)).some((r) => r.text.includes("Seidenkanal")), `${where}: the withheld title "${amberTitle}" is not found`);
    await type(page, "Seidenkanal");
    check((await results(page)).length === 0, `${where}: "Seidenkanal" finds nothing`);

    // A facet narrows the results to its count.
    await type(page, "Kim");
    const all = (await results(page)).length;
    await page.waitForSelector(".search-facet input");
    // The value with the fewest briefings, so that choosing it narrows the list.
    const facet = await page.$$eval(".search-facet input", (inputs) => inputs
      .map((i, n) => ({ n, label: i.parentElement.textContent.trim(), count: Number(i.parentElement.querySelector(".count").textContent) }))
      .sort((a, b) => a.count - b.count)[0]);
    await page.click(`:nth-match(.search-facet input, ${facet.n + 1})`);
    await page.waitForFunction(() => document.getElementById("search-app").dataset.state === "done" && new URLSearchParams(location.search).has("f"));
    await page.waitForFunction(() => document.getElementById("search-app").dataset.state === "done");
    const narrowed = (await page.$eval("#search-status", (s) => s.textContent)).match(/\d+/);
    check(narrowed && Number(narrowed[0]) === facet.count && facet.count < all && (await results(page)).length === facet.count, `${where}: facet "${facet.label}" gives its count (${facet.count} of ${all})`);
    await page.click("#search-clear");
    await page.waitForFunction(() => document.getElementById("search-app").dataset.state === "done" && !new URLSearchParams(location.search).has("f"));

    // The keyboard: arrows move through suggestions and results, Enter opens one.
    await type(page, "Peking");
    const quick = Number(await page.getAttribute("#search-app", "data-query-ms"));
    check(quick < 100, `${where}: results ${quick} ms after typing, shards loaded`);
    await page.focus("#search-q");
    await page.keyboard.press("ArrowDown");
    const first = await page.evaluate(() => document.activeElement.getAttribute("href"));
    await page.keyboard.press("ArrowDown");
    const second = await page.evaluate(() => document.activeElement.getAttribute("href"));
    await page.keyboard.press("ArrowUp");
    await page.keyboard.press("ArrowUp");
    check(first && second && first !== second && await page.evaluate(() => document.activeElement.id === "search-q"), `${where}: arrow keys move through the results and back to the box`);
    check(await page.$eval("#search-status", (s) => s.getAttribute("role") === "status" && s.textContent.length > 0), `${where}: the result count is announced`);
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => !u.toString().includes("/search/"));
    check(await page.evaluate(() => !!document.querySelector("h1")), `${where}: Enter opens the result (${page.url().replace(base, "")})`);

    // axe-core finds nothing on the search page with results shown.
    await page.goto(base + "search/" + (base.startsWith("file:") ? "index.html" : "") + "?q=Kim");
    await done(page);
    await page.addScriptTag({ path: axePath });
    const axe = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")));
    check(axe.length === 0, `${where}: axe-core finds nothing on the search page ${axe.join("; ")}`);
    check(errors.length === 0, `${where}: no script errors ${errors.join("; ")}`);
    await page.close();
  }

  // Titles and text are untrusted: shown as text, never run.
  const page = await browser.newPage();
  await page.goto("file://" + join(work, "hostile-out") + "/search/index.html?q=Quokka");
  await done(page);
  const shown = await results(page);
  check(shown.length === 1 && shown[0].text.includes("<img") && await page.evaluate(() => window.pwned === undefined && !document.querySelector("#search-results img, #search-results b")),
    "a title with markup is shown as text and runs nothing");
} finally {
  await browser.close();
  server.close();
}
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
