// Drives the embedded Rakkr console in Debian's Chromium with playwright-core.
// Run by test/browser/console_test.go with cwd frontend/ (so playwright-core
// resolves) and these variables: RAKKR_URL, RAKKR_OWNER_EMAIL,
// RAKKR_OWNER_PASSWORD, RAKKR_VIEWER_EMAIL, RAKKR_VIEWER_PASSWORD,
// RAKKR_NODE_ID, RAKKR_ARTIFACTS, CHROMIUM_PATH (default /usr/bin/chromium).
// Exits non-zero with the failed step's name on any failure.
import { createRequire } from "node:module";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(join(process.cwd(), "package.json"));
const { chromium } = require("playwright-core");

function env(name, fallback) {
  const v = process.env[name] ?? fallback;
  if (!v) {
    console.error(`console.spec: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

const BASE = env("RAKKR_URL");
const OWNER = { email: env("RAKKR_OWNER_EMAIL"), password: env("RAKKR_OWNER_PASSWORD") };
const VIEWER = { email: env("RAKKR_VIEWER_EMAIL"), password: env("RAKKR_VIEWER_PASSWORD") };
const NODE_ID = env("RAKKR_NODE_ID");
const ARTIFACTS = env("RAKKR_ARTIFACTS");
const CHROMIUM = env("CHROMIUM_PATH", "/usr/bin/chromium");
const WAIT = 20_000;

mkdirSync(ARTIFACTS, { recursive: true });
rmSync(join(ARTIFACTS, "failure.png"), { force: true });
const t0 = Date.now();
let current = "start";
let activePage = null;

async function step(name, fn) {
  current = name;
  const began = Date.now();
  await fn();
  console.log(`ok   ${name} (${Date.now() - began} ms)`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

async function signIn(page, who) {
  await page.goto(`${BASE}/sign-in`, { waitUntil: "domcontentloaded" });
  await page.getByLabel("Email").fill(who.email, { timeout: WAIT });
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor({ timeout: WAIT });
  await page.getByText(`${who.email}`, { exact: true }).first().waitFor({ timeout: WAIT });
}

// chromium.launch() refuses --user-data-dir; it starts Chromium with a new,
// empty temporary profile of its own (removed on close). Each user below also
// gets a fresh browser context (own cookies and localStorage).
let browser;
let failed = false;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  console.log(`chromium ${browser.version()} launched`);

  // Owner: sign in, live meters, audit chain.
  const ownerCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  ownerCtx.setDefaultTimeout(WAIT);
  const page = await ownerCtx.newPage();
  activePage = page;
  const consoleErrors = [];
  page.on("pageerror", (e) => consoleErrors.push(String(e)));

  await step("owner signs in through the form", async () => {
    await signIn(page, OWNER);
    await shot(page, "01-signed-in");
  });

  await step("dashboard: channel 1 meter shows a non-zero, fresh level", async () => {
    const picker = page.getByLabel("Node", { exact: true });
    await picker.waitFor();
    // Options load asynchronously; wait for the node's option, then pick it.
    await page.locator(`option[value="${NODE_ID}"]`).waitFor({ state: "attached" });
    await picker.selectOption(NODE_ID);
    await page.getByRole("list", { name: "Channel meters" }).waitFor();
    const handle = await page.waitForFunction(
      () => {
        const strip = document.querySelector('ul[aria-label="Channel meters"] > li.meter');
        if (!strip || strip.classList.contains("meter--stale")) return false;
        const meter = strip.querySelector('[role="meter"]');
        const fill = strip.querySelector(".meter__fill");
        const now = Number(meter?.getAttribute("aria-valuenow"));
        const height = parseFloat(fill?.style.height ?? "0");
        if (!(now > -60 && height > 0)) return false;
        return { name: strip.getAttribute("aria-label"), value: meter.getAttribute("aria-valuetext"), height };
      },
      null,
      { timeout: WAIT, polling: 200 },
    );
    const seen = await handle.jsonValue();
    console.log(`     channel 1 strip "${seen.name}": ${seen.value}, bar ${seen.height}%`);
    // Still live a moment later (not a one-off seeded frame).
    await page.getByRole("status").filter({ hasText: "Live" }).first().waitFor();
    await shot(page, "02-dashboard");
  });

  await step("owner: Audit → Verify chain reports OK", async () => {
    await page.goto(`${BASE}/audit`, { waitUntil: "domcontentloaded" });
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await page.getByRole("button", { name: "Verify chain" }).click();
    await page.getByText(/Chain OK — \d+ rows checked\./).waitFor();
    await shot(page, "03-audit");
  });

  if (consoleErrors.length) throw new Error(`uncaught page errors: ${consoleErrors.join("; ")}`);
  await ownerCtx.close();

  // Viewer: a fresh context (own storage), so nothing of the owner's session leaks.
  const viewerCtx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  viewerCtx.setDefaultTimeout(WAIT);
  const vpage = await viewerCtx.newPage();
  activePage = vpage;

  await step("viewer signs in", async () => {
    await signIn(vpage, VIEWER);
  });

  await step("viewer: Nodes page offers no usable Enroll node control", async () => {
    await vpage.goto(`${BASE}/nodes`, { waitUntil: "domcontentloaded" });
    await vpage.getByRole("heading", { name: "Nodes", level: 1 }).waitFor();
    // Wait until the list has loaded (the pager shows "a–b of n"); which nodes a
    // viewer sees depends on its grants, so the count is not asserted.
    await vpage.getByText(/^\d+–\d+ of \d+$/).first().waitFor();
    const enroll = vpage.getByRole("button", { name: "Enroll node" });
    const count = await enroll.count();
    if (count > 0) {
      // The console's permission helper renders the control disabled with the reason.
      if (await enroll.first().isEnabled()) throw new Error("the viewer sees an enabled Enroll node button");
      const title = (await enroll.first().getAttribute("title")) ?? "";
      console.log(`     Enroll node is shown disabled to the viewer (title: "${title}")`);
    } else {
      console.log("     Enroll node is hidden from the viewer");
    }
    await shot(vpage, "04-viewer-nodes");
  });

  await step("viewer: direct POST /api/v1/nodes/enroll gets 403 naming node:manage", async () => {
    const res = await vpage.evaluate(async () => {
      const token = localStorage.getItem("rakkr.token");
      const r = await fetch("/api/v1/nodes/enroll", {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({ alias: "sneaky" }),
      });
      return { status: r.status, body: await r.text(), hadToken: !!token };
    });
    if (!res.hadToken) throw new Error("no session token in localStorage (rakkr.token)");
    if (res.status !== 403) throw new Error(`expected 403, got ${res.status}: ${res.body}`);
    let message = "";
    try {
      message = JSON.parse(res.body)?.error?.message ?? "";
    } catch {
      throw new Error(`403 body is not JSON: ${res.body}`);
    }
    if (!message.includes("node:manage")) throw new Error(`403 message does not name node:manage: ${res.body}`);
    console.log(`     403: ${message}`);
  });

  await viewerCtx.close();
} catch (err) {
  failed = true;
  console.error(`FAIL ${current}: ${err?.stack ?? err}`);
  try {
    if (activePage && !activePage.isClosed()) {
      await activePage.screenshot({ path: join(ARTIFACTS, "failure.png"), fullPage: true, timeout: 5_000 });
      console.error(`     page at failure: ${activePage.url()} (screenshot failure.png)`);
    }
  } catch {}
} finally {
  try {
    await browser?.close();
  } catch {}
}
console.log(`${failed ? "failed" : "passed"} in ${Date.now() - t0} ms; screenshots in ${ARTIFACTS}`);
process.exit(failed ? 1 : 0);
