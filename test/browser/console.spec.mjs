// Drives the embedded Rakkr console in Debian's Chromium with playwright-core.
// Run by test/browser/console_test.go with cwd frontend/ (so playwright-core
// resolves) and these variables: RAKKR_URL, RAKKR_OWNER_EMAIL,
// RAKKR_OWNER_PASSWORD, RAKKR_VIEWER_EMAIL, RAKKR_VIEWER_PASSWORD,
// RAKKR_NODE_ID, RAKKR_INTERFACE_ID (the JACK-backed capture interface),
// RAKKR_ARTIFACTS, CHROMIUM_PATH (default /usr/bin/chromium).
// Exits non-zero with the failed step's name on any failure.
import { createRequire } from "node:module";
import { mkdirSync, rmSync, statSync } from "node:fs";
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
const IFACE_ID = env("RAKKR_INTERFACE_ID");
const ARTIFACTS = env("RAKKR_ARTIFACTS");
const CHROMIUM = env("CHROMIUM_PATH", "/usr/bin/chromium");
const WAIT = 20_000;
const SLOW = 90_000;
const TAKE = `browser-take-${Date.now()}`;
const TERMINAL = /^(completed|uploaded|cached|partial)$/;

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
      "--autoplay-policy=no-user-gesture-required",
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

  await step("owner: Record dialog starts a recording on the JACK device", async () => {
    await page.getByRole("button", { name: "Record", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "New recording" });
    await dialog.waitFor();
    await dialog.locator(`option[value="${NODE_ID}"]`).waitFor({ state: "attached" });
    await dialog.getByLabel("Node", { exact: true }).selectOption(NODE_ID);
    await dialog.locator(`option[value="${IFACE_ID}"]`).waitFor({ state: "attached" });
    await dialog.getByLabel("Interface", { exact: true }).selectOption(IFACE_ID);
    const boxes = dialog.getByRole("group", { name: "Channels" }).getByRole("checkbox");
    await boxes.first().waitFor();
    const n = await boxes.count();
    for (let i = 0; i < n; i++) await boxes.nth(i).setChecked(i < 2);
    await dialog.getByLabel("Name", { exact: true }).fill(TAKE);
    await dialog.getByLabel("Folder", { exact: true }).fill("browser-tests");
    await dialog.getByLabel("Tags", { exact: true }).fill("e2e, chromium");
    await shot(page, "05-record-dialog");
    await dialog.getByRole("button", { name: "Start recording" }).click();
    // Either the dialog closes or it shows the server's error (fail with it).
    const closed = dialog.waitFor({ state: "detached" }).then(() => null);
    const alert = dialog.getByRole("alert").waitFor().then(async () => await dialog.getByRole("alert").textContent());
    const err = await Promise.race([closed, alert]);
    if (err) throw new Error(`the server refused the recording: ${err}`);
    const row = page.getByRole("table", { name: "Active recordings" }).getByRole("row").filter({ hasText: TAKE });
    await row.getByText("recording", { exact: true }).waitFor({ timeout: SLOW });
    // Let it capture a few seconds.
    await page.waitForFunction(
      (take) => {
        const tr = [...document.querySelectorAll('table[aria-label="Active recordings"] tr')].find((r) => r.textContent.includes(take));
        const cell = tr?.querySelector(".mono");
        const [m, s] = (cell?.textContent ?? "0:00").split(":").map(Number);
        return m * 60 + s >= 4;
      },
      TAKE,
      { timeout: WAIT, polling: 250 },
    );
    await shot(page, "06-recording-active");
  });

  await step("owner: Stop asks for confirmation and stops the recording", async () => {
    await page.getByRole("button", { name: `Stop ${TAKE}` }).click();
    const dialog = page.getByRole("dialog", { name: "Stop recording" });
    await dialog.getByRole("button", { name: "Stop recording" }).click();
    await dialog.waitFor({ state: "detached" });
    await page
      .getByRole("table", { name: "Active recordings" })
      .getByRole("row")
      .filter({ hasText: TAKE })
      .waitFor({ state: "detached", timeout: SLOW });
  });

  let recordingUrl = "";
  // The player streams from a ticket URL (no bearer header, no Blob): the
  // server answers the element's Range requests with 206. Listen before the
  // detail page opens, so the element's first request is seen too.
  const ranges = [];
  const onResponse = (res) => {
    if (/\/api\/v1\/recordings\/[^/]+\/stream\?/.test(res.url()) && res.status() === 206) {
      ranges.push(res.headers()["content-range"] ?? "");
    }
  };
  await step("owner: the library finds the stopped recording", async () => {
    await page.goto(`${BASE}/recordings`, { waitUntil: "domcontentloaded" });
    await page.getByRole("heading", { name: "Recordings", level: 1 }).waitFor();
    await page.getByRole("search", { name: "Filter recordings" }).getByLabel("Search").fill(TAKE);
    const row = page.getByRole("table", { name: "Recordings" }).getByRole("row").filter({ hasText: TAKE });
    await row.waitFor();
    // Wait for the upload to finish (the list refreshes on pushes and polls).
    const deadline = Date.now() + SLOW;
    for (let tries = 1; ; tries++) {
      const status = ((await row.locator(".badge").first().textContent()) ?? "").trim();
      if (TERMINAL.test(status)) {
        console.log(`     ${TAKE}: ${status}`);
        break;
      }
      if (status === "failed") throw new Error(`the recording failed: ${await row.textContent()}`);
      if (Date.now() > deadline) throw new Error(`the recording is still ${status}`);
      await page.waitForTimeout(1000);
      if (tries % 10 === 0) await page.reload({ waitUntil: "domcontentloaded" });
    }
    await shot(page, "07-library");
    page.on("response", onResponse);
    await row.getByRole("link", { name: TAKE }).click();
    await page.getByRole("heading", { name: "Recording", level: 1 }).waitFor();
    recordingUrl = page.url();
  });

  await step("owner: the recording streams in the <audio> player and seeks with HTTP Range", async () => {
    await page.getByRole("table", { name: "Chunks" }).waitFor();
    const audio = page.locator("audio");
    await audio.waitFor({ timeout: SLOW });
    const src = await audio.getAttribute("src");
    if (!/\/stream\?ticket=[0-9a-f]{64}$/.test(src ?? "")) throw new Error(`audio src is not a ticket URL: ${src}`);
    if ((await audio.getAttribute("preload")) !== "metadata") throw new Error("the player does not preload metadata only");
    const t = await page.waitForFunction(
      () => {
        const a = document.querySelector("audio");
        if (!a) return false;
        if (a.error) return { error: a.error.message || `media error ${a.error.code}` };
        if (window.__playError) return { error: window.__playError };
        if (a.paused && !window.__playing) {
          window.__playing = true;
          a.play().catch((e) => {
            window.__playError = String(e);
          });
        }
        return a.currentTime > 0 ? { currentTime: a.currentTime, duration: a.duration } : false;
      },
      null,
      { timeout: WAIT, polling: 250 },
    );
    const seen = await t.jsonValue();
    if (seen.error) throw new Error(`audio element: ${seen.error}`);
    console.log(`     playing: currentTime ${seen.currentTime.toFixed(2)} s of ${seen.duration.toFixed(2)} s`);
    // Seek past what the first request would have loaded and check that it plays on from there.
    const target = Math.min(3, seen.duration - 1);
    await page.evaluate((to) => {
      const a = document.querySelector("audio");
      a.currentTime = to;
      if (a.paused) void a.play();
    }, target);
    const s2 = await page.waitForFunction(
      (to) => {
        const a = document.querySelector("audio");
        if (a.error) return { error: a.error.message || `media error ${a.error.code}` };
        return !a.seeking && a.currentTime >= to && (a.currentTime > to + 0.1 || a.ended)
          ? { currentTime: a.currentTime, ended: a.ended }
          : false;
      },
      target,
      { timeout: WAIT, polling: 100 },
    );
    const after = await s2.jsonValue();
    if (after.error) throw new Error(`audio element after seeking: ${after.error}`);
    page.off("response", onResponse);
    if (ranges.length === 0) throw new Error("the server answered no Range request (206) on the stream");
    console.log(`     seeked to ${target.toFixed(2)} s, now at ${after.currentTime.toFixed(2)} s; 206 responses: ${ranges.join(", ")}`);
    await page.evaluate(() => document.querySelector("audio")?.pause());
    await shot(page, "08-recording-detail");
  });

  await step("owner: Download saves a non-empty file", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: SLOW }),
      page.getByRole("button", { name: "Download", exact: true }).click(),
    ]);
    if (!/\/file\?ticket=[0-9a-f]{64}$/.test(download.url())) throw new Error(`download URL is not a ticket URL: ${download.url()}`);
    const path = await download.path();
    const size = statSync(path).size;
    if (!(size > 0)) throw new Error(`downloaded ${download.suggestedFilename()} is empty`);
    console.log(`     downloaded ${download.suggestedFilename()}: ${size} bytes`);
  });

  await step("owner: Jobs and Settings pages render", async () => {
    await page.goto(`${BASE}/recordings/jobs`, { waitUntil: "domcontentloaded" });
    await page.getByRole("table", { name: "Jobs" }).waitFor();
    await shot(page, "09-jobs");
    await page.goto(`${BASE}/settings`, { waitUntil: "domcontentloaded" });
    await page.getByRole("heading", { name: "Recording profiles" }).waitFor();
    await page.getByRole("heading", { name: "Channel-map templates" }).waitFor();
    // Create a profile through the form; it joins the list (built-ins stay read-only).
    await page.getByRole("button", { name: "New profile" }).click();
    const dialog = page.getByRole("dialog", { name: "New recording profile" });
    await dialog.getByLabel("Profile name").fill("Browser FLAC 16");
    await dialog.getByLabel("Bit depth").selectOption("16");
    await dialog.getByRole("button", { name: "Save profile" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByRole("table", { name: "Recording profiles" }).getByRole("row").filter({ hasText: "Browser FLAC 16" }).waitFor();
    await shot(page, "10-settings");
  });

  await step("owner: Audit shows the recording's events", async () => {
    await page.goto(`${BASE}/audit`, { waitUntil: "domcontentloaded" });
    await page.getByRole("heading", { name: "Audit", level: 1 }).waitFor();
    await page.getByLabel("Action (prefix)").fill("recordings.");
    // The create event names the recording; stop and the agent's chunk store follow.
    const rows = page.getByRole("row");
    await rows.filter({ hasText: "recordings.create.succeeded" }).filter({ hasText: TAKE }).first().waitFor();
    for (const action of ["recordings.stop.succeeded", "recordings.jobs.claim.succeeded", "recordings.chunk.store.succeeded"]) {
      await rows.filter({ hasText: action }).first().waitFor();
    }
    await rows.filter({ hasText: "recordings.download.allowed" }).first().waitFor();
    await shot(page, "11-audit-recordings");
    console.log(`     recording page was ${recordingUrl}`);
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

  await step("viewer: no Record button on the dashboard or the library", async () => {
    await vpage.getByRole("heading", { name: /^Active recordings/ }).waitFor();
    if (await vpage.getByRole("button", { name: "Record", exact: true }).count())
      throw new Error("the viewer sees a Record button on the dashboard");
    await shot(vpage, "12-viewer-dashboard");
    await vpage.goto(`${BASE}/recordings`, { waitUntil: "domcontentloaded" });
    await vpage.getByRole("heading", { name: "Recordings", level: 1 }).waitFor();
    await vpage.getByText(/^\d+–\d+ of \d+$|^No recordings match\.$/).first().waitFor();
    if (await vpage.getByRole("button", { name: "Record", exact: true }).count())
      throw new Error("the viewer sees a Record button in the library");
    await shot(vpage, "13-viewer-recordings");
  });

  await step("viewer: direct POST /api/v1/recordings gets the server's 403 naming recording:create", async () => {
    const res = await vpage.evaluate(
      async ([nodeId, interfaceId]) => {
        const token = localStorage.getItem("rakkr.token");
        const r = await fetch("/api/v1/recordings", {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
          body: JSON.stringify({ nodeId, interfaceId, channels: [1, 2], channelMode: "stereo", name: "sneaky" }),
        });
        return { status: r.status, body: await r.text() };
      },
      [NODE_ID, IFACE_ID],
    );
    if (res.status !== 403) throw new Error(`expected 403, got ${res.status}: ${res.body}`);
    const message = JSON.parse(res.body)?.error?.message ?? "";
    if (!message.includes("recording:create")) throw new Error(`403 message does not name recording:create: ${res.body}`);
    console.log(`     403: ${message}`);
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
