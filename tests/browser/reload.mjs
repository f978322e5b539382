// Browser check of `dossier serve`: a real Chromium page reloads by itself after a save, shows
// the error overlay after a broken save, and recovers after the fix.
// Usage: node tests/browser/reload.mjs <dossier binary> <site copy>   (needs playwright-core and
// Debian's chromium at /usr/bin/chromium). Exits non-zero on failure.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [bin, site] = process.argv.slice(2);
const server = spawn(bin, ["serve", "--port", "0", "--root", site], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve, reject) => {
  server.stdout.on("data", (d) => {
    const m = /http:\/\/[^ ]+\//.exec(d.toString());
    if (m) resolve(m[0]);
  });
  setTimeout(() => reject(new Error("server did not start")), 20000);
});
const fail = (msg) => { console.error("FAIL: " + msg); server.kill(); process.exit(1); };
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const page = await browser.newPage();
  const path = join(site, "content/briefings/2025/xi-kim.md");
  const good = readFileSync(path, "utf8");
  await page.goto(url + "briefings/xi-kim/");
  await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("Xi and Kim meet in Beijing"));
  await page.waitForTimeout(500); // the reload socket connects

  // 1. A save reloads the page with the new text, without any action in the browser.
  writeFileSync(path, good.replace("Xi and Kim meet in Beijing", "Xi and Kim meet, live"));
  await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("Xi and Kim meet, live"), null, { timeout: 10000 })
    .catch(() => fail("page did not reload with the new title"));
  console.log("ok: page reloaded with the new title");
  await page.screenshot({ path: join(site, "..", "browser-reloaded.png") });

  // 2. A broken save shows the overlay with the error line; the page stays.
  await page.waitForTimeout(300);
  writeFileSync(path, good.replace("countries: [CN, PRK", "countries: [Atlantis, PRK"));
  await page.waitForSelector("#dossier-errors", { timeout: 10000 }).catch(() => fail("no error overlay"));
  const text = await page.textContent("#dossier-errors");
  if (!text.includes('content/briefings/2025/xi-kim.md:12:13: error: unknown country "Atlantis"')) fail("overlay text: " + text);
  console.log("ok: overlay shows " + text.split("\n").find((l) => l.includes("error:")));
  await page.screenshot({ path: join(site, "..", "browser-overlay.png") });

  // 3. Fixing it removes the overlay and reloads.
  writeFileSync(path, good);
  await page.waitForFunction(() => !document.querySelector("#dossier-errors") && document.querySelector("h1")?.textContent.includes("Xi and Kim meet in Beijing"), null, { timeout: 10000 })
    .catch(() => fail("no recovery after the fix"));
  console.log("ok: fixed save clears the overlay");
  console.log("3 passed, 0 failed");
} finally {
  await browser.close();
  server.kill();
}
