#!/usr/bin/env node
"use strict";
/**
 * Take docs/workflow.png: the personalized-video example workflow on the canvas of a REAL n8n 2.41.1
 * editor (headless Chromium via playwright-core), with this package installed as a community package.
 *
 *   node scripts/screenshot.js [--workflow=examples/personalized-videos.json] [--out=docs/workflow.png]
 *                              [--skip-build] [--keep] [--debug] [--clip=canvas]
 *
 * Steps: `npm run build` → `npm pack` → scratch N8N_USER_FOLDER under /tmp → install the tarball like
 * n8n's community-package installer → import demo credentials (ids/names/types as referenced by the
 * workflow's nodes, dummy secrets pointing at 127.0.0.1:1, so nodes show no credential warnings) →
 * import the workflow → `n8n start` on free ports → owner setup + login over REST → hand the `n8n-auth`
 * cookie to a Chromium context → open /workflow/<id> → wait for all nodes and their icons → dismiss
 * popups → zoom to fit → screenshot of the editor window (--clip=canvas: canvas area only).
 *
 * Needs Chromium at /usr/bin/chromium (Debian: `apt-get install -y chromium`; override with
 * CHROMIUM_PATH) and playwright-core (a dev dependency). No browser download, no network besides localhost.
 * Everything it starts (n8n process group, browser) is stopped again, also on failure or Ctrl-C; the
 * scratch folder is removed unless --keep.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { createCleanupStack } = require("./lib/cleanup-stack");
const inst = require("./lib/n8n-instance");
const { ensureN8n } = require("./lib/n8n-install");

const ROOT = path.resolve(__dirname, "..");
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = a.match(/^--([^=]+)(?:=(.*))?$/);
    if (!m) throw new Error(`unknown argument ${a}`);
    return [m[1], m[2] === undefined ? true : m[2]];
  }),
);
const DEBUG = !!args.debug || !!process.env.SCREENSHOT_DEBUG;
const OUT = path.resolve(ROOT, args.out || "docs/workflow.png");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const VIEWPORT = { width: 1600, height: 900 };
const WORKFLOW_ID = "heygenDocsShot01";

const t0 = Date.now();
const log = (l) =>
  console.log(`[screenshot +${((Date.now() - t0) / 1000).toFixed(1)}s] ${l}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let stopping = false; // set on SIGINT/SIGTERM/SIGHUP: the signal handler decides the exit code

function pickWorkflowFile() {
  if (args.workflow) return path.resolve(ROOT, args.workflow);
  for (const f of [
    "examples/personalized-videos.json",
    "test/workflows/birthday.json",
  ]) {
    const p = path.join(ROOT, f);
    if (fs.existsSync(p)) return p;
  }
  throw new Error("no workflow file found (pass --workflow=…)");
}

/** Dummy credential data per type: valid-looking, never reachable. */
const DEMO_CREDENTIAL_DATA = {
  heyGenTemplatesApi: { apiKey: "demo", baseUrl: "http://127.0.0.1:1" },
  openAiApi: { apiKey: "demo", url: "http://127.0.0.1:1/v1" },
};

function credentialsOf(workflow) {
  const byId = new Map();
  let n = 0;
  for (const node of workflow.nodes || []) {
    for (const [type, ref] of Object.entries(node.credentials || {})) {
      const id = (ref && ref.id) || `demoCred${String(++n).padStart(8, "0")}`;
      if (ref && !ref.id) ref.id = id;
      if (byId.has(id)) continue;
      if (!DEMO_CREDENTIAL_DATA[type])
        log(
          `warning: no demo data for credential type ${type}; importing it empty`,
        );
      byId.set(id, {
        id,
        name: (ref && ref.name) || type,
        type,
        data: DEMO_CREDENTIAL_DATA[type] || {},
      });
    }
  }
  return [...byId.values()];
}

async function main() {
  const cleanups = createCleanupStack(log); // one shared run: signal handler + finally
  const cleanup = () => cleanups.run();
  // Ctrl-C / SIGTERM: run our cleanup (browser, n8n, scratch folder), then exit. Registered with `on`
  // (not `once`) so n8n-instance's own signal handler sees a listener left and does not exit early.
  let browser;
  const onSignal = (sig) => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: cleaning up`);
    cleanup().finally(() => process.exit(sig === "SIGINT" ? 130 : 143));
  };
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(sig, onSignal);
  process.on("exit", () => {
    // Last resort (synchronous): kill the browser process if still alive.
    try {
      const p = browser && browser.process && browser.process();
      if (p && p.exitCode === null) process.kill(p.pid, "SIGKILL");
    } catch {
      /* gone */
    }
  });

  try {
    // 1. Build + pack.
    if (!args["skip-build"]) {
      log("npm run build");
      execFileSync(
        process.platform === "win32" ? "npm.cmd" : "npm",
        ["run", "build"],
        {
          cwd: ROOT,
          stdio: DEBUG ? "inherit" : "pipe",
        },
      );
    }
    const scratch = fs.mkdtempSync(
      path.join(os.tmpdir(), "heygen-screenshot-"),
    );
    if (!args.keep)
      cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));
    else log(`keeping scratch folder ${scratch}`);
    const tgz = inst.packPackage({ dir: ROOT, outDir: scratch });
    log(`packed ${path.basename(tgz)}`);

    // 2. Scratch n8n user folder with the package, credentials and workflow.
    const n8n = await ensureN8n({ log });
    const userFolder = path.join(scratch, "n8n");
    inst.installPackageTarball({ userFolder, tarball: tgz, log, n8n });

    const wfFile = pickWorkflowFile();
    log(`workflow ${path.relative(ROOT, wfFile)}`);
    const workflow = JSON.parse(fs.readFileSync(wfFile, "utf8"));
    workflow.id = workflow.id || WORKFLOW_ID;
    workflow.active = false;
    const creds = credentialsOf(workflow);
    const wfCopy = path.join(scratch, "workflow.json");
    fs.writeFileSync(wfCopy, JSON.stringify(workflow, null, 2));
    if (creds.length) {
      log(
        `importing credentials: ${creds.map((c) => `${c.type} "${c.name}"`).join(", ")}`,
      );
      await inst.importCredentials({ userFolder, list: creds, log, n8n });
    }
    await inst.importWorkflows({
      userFolder,
      files: [wfCopy],
      publish: false,
      log,
      n8n,
    });

    // 3. Start n8n (free ports for HTTP and the task-runner broker).
    const port = await inst.freePort();
    let brokerPort = await inst.freePort();
    while (brokerPort === port) brokerPort = await inst.freePort();
    const instance = await inst.startN8n({
      userFolder,
      n8n,
      log,
      port,
      brokerPort,
      env: { N8N_PERSONALIZATION_ENABLED: "false", N8N_AI_ENABLED: "false" },
    });
    cleanups.push(() => instance.stop({ timeoutMs: 10000 }));
    const rest = await instance.rest();
    const chk = await inst.checkNodesLoaded({
      instance,
      rest,
      throwOnError: false,
    });
    if (!chk.ok)
      log(
        `warning: package check: ${JSON.stringify({ missing: chk.missing, logProblems: chk.logProblems })}`,
      );
    else log(`package loaded: ${chk.nodes.map((n) => n.name).join(", ")}`);

    // 4. Browser.
    const { chromium } = require("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Playwright's own handlers would process.exit(130) before our cleanup (n8n, scratch) ran.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
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
    cleanups.push(() => browser.close());
    const context = await browser.newContext({
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      colorScheme: "light",
      locale: "en-US",
      timezoneId: "UTC",
    });
    const cookie = rest.cookie.match(/^n8n-auth=(.*)$/);
    if (!cookie) throw new Error("no n8n-auth cookie after login");
    await context.addCookies([
      {
        name: "n8n-auth",
        value: cookie[1],
        url: instance.url,
        httpOnly: true,
        sameSite: "Lax",
      },
    ]);
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    // Block anything not served by this n8n (offline machine: external requests only hang).
    await context.route("**/*", (route) => {
      const u = route.request().url();
      if (
        u.startsWith(instance.url) ||
        u.startsWith("data:") ||
        u.startsWith("blob:")
      )
        return route.continue();
      return route.abort();
    });

    log(`open ${instance.url}/workflow/${workflow.id}`);
    await page.goto(`${instance.url}/workflow/${workflow.id}`, {
      waitUntil: "domcontentloaded",
    });
    // Every node (incl. sticky notes) is a .vue-flow__node; [data-test-id="canvas-node"] are the
    // non-sticky ones (they carry the icons and issue badges).
    const nodeSel = '[data-test-id="canvas-node"]';
    try {
      await page.waitForFunction(
        (n) => document.querySelectorAll(".vue-flow__node").length >= n,
        workflow.nodes.length,
        { timeout: 60000 },
      );
    } catch (e) {
      await page
        .screenshot({ path: path.join(os.tmpdir(), "screenshot-failed.png") })
        .catch(() => {});
      const seen = await page
        .locator(".vue-flow__node")
        .count()
        .catch(() => -1);
      throw new Error(
        `canvas shows ${seen} of ${workflow.nodes.length} nodes (see ${path.join(os.tmpdir(), "screenshot-failed.png")}): ${e.message}`,
      );
    }
    log(`${await page.locator(".vue-flow__node").count()} nodes on the canvas`);
    await page.waitForLoadState("networkidle").catch(() => {});

    if (DEBUG)
      await page.screenshot({
        path: path.join(os.tmpdir(), "screenshot-debug-1.png"),
      });
    await dismissPopups(page);
    await fitView(page);
    await waitForIcons(page, nodeSel);
    await dismissPopups(page);
    await page.mouse.move(VIEWPORT.width - 5, VIEWPORT.height - 5); // no hover toolbars
    await sleep(800); // fit-view animation

    const problems = await page.evaluate((sel) => {
      const out = [];
      for (const n of document.querySelectorAll(sel)) {
        const name =
          n.getAttribute("data-node-name") || n.textContent.trim().slice(0, 40);
        if (
          n.querySelector(
            '[data-test-id="node-issues"], [data-test-id="canvas-node-group-status-issues"]',
          )
        )
          out.push(`${name}: issues badge`);
        if (n.querySelector('[data-test-id="canvas-node-status-warning"]'))
          out.push(`${name}: warning badge`);
        if (
          n.querySelector(
            '[data-icon="node-validation-error"], [data-icon="key-round"]',
          )
        )
          out.push(`${name}: validation/credential error icon`);
      }
      return out;
    }, nodeSel);
    if (problems.length) log(`WARNING node badges: ${problems.join("; ")}`);
    const icons = await page.evaluate(
      (sel) =>
        [...document.querySelectorAll(sel)].map((n) => {
          const img = n.querySelector("img");
          return `${n.getAttribute("data-node-name") || "?"} → ${img ? `img ${img.getAttribute("src")} ${img.naturalWidth}x${img.naturalHeight}` : n.querySelector("svg") ? "inline svg" : "no icon"}`;
        }),
      nodeSel,
    );
    log(`node icons:\n  ${icons.join("\n  ")}`);

    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    // Default: the whole editor window (header with the workflow name, canvas, controls).
    // --clip=canvas: only the canvas area below the header.
    let clip;
    if (args.clip === "canvas") {
      const box = await page.locator(".vue-flow").first().boundingBox();
      const header = await page
        .locator("#header, header")
        .first()
        .boundingBox()
        .catch(() => null);
      if (box) {
        const top = Math.max(box.y, header ? header.y + header.height : 0);
        clip = {
          x: box.x,
          y: top,
          width: box.width,
          height: box.y + box.height - top,
        };
      }
    }
    await page.screenshot({ path: OUT, clip, animations: "disabled" });
    const size = clip
      ? `${Math.round(clip.width)}x${Math.round(clip.height)}`
      : `${VIEWPORT.width}x${VIEWPORT.height}`;
    log(
      `wrote ${path.relative(ROOT, OUT)} (${fs.statSync(OUT).size} bytes, ${size})`,
    );
    if (DEBUG) {
      await page.screenshot({
        path: path.join(os.tmpdir(), "screenshot-debug-full.png"),
      });
      if (pageErrors.length)
        log(`page errors:\n  ${pageErrors.slice(0, 20).join("\n  ")}`);
    }
  } finally {
    await cleanup();
  }
}

/** Close modals, toasts, banners and side panels that n8n 2.41 may show on first load. */
async function dismissPopups(page) {
  for (let round = 0; round < 3; round++) {
    const closed = await page.evaluate(() => {
      const hits = [];
      const visible = (el) => el && el.offsetParent !== null;
      const click = (el, what) => {
        if (visible(el)) {
          el.click();
          hits.push(what);
        }
      };
      // Element-Plus dialogs/modals (What's new, surveys, …)
      document
        .querySelectorAll(
          '.el-dialog__headerbtn, .el-message-box__headerbtn, [data-test-id="close-modal"], .modal-close',
        )
        .forEach((b) => click(b, "modal"));
      // Toasts / notifications
      document
        .querySelectorAll(".el-notification__closeBtn")
        .forEach((b) => click(b, "toast"));
      // Banners (v1 banners stack)
      document
        .querySelectorAll(
          '[data-test-id="banner-close"], [data-test-id$="-banner"] button[aria-label="Close"]',
        )
        .forEach((b) => click(b, "banner"));
      return hits;
    });
    if (closed.length) log(`dismissed: ${closed.join(", ")}`);
    else break;
    await sleep(400);
  }
  await page.keyboard.press("Escape").catch(() => {});
}

async function fitView(page) {
  const btn = page.locator('[data-test-id="zoom-to-fit"]');
  if (await btn.count()) {
    await btn.first().click();
    await page.evaluate(
      () => document.activeElement && document.activeElement.blur(),
    );
    log("zoom to fit (button)");
  } else {
    await page
      .locator(".vue-flow__pane, #canvas")
      .first()
      .click({ position: { x: 5, y: 5 } })
      .catch(() => {});
    await page.keyboard.press("1");
    log("zoom to fit (key 1)");
  }
}

async function waitForIcons(page, nodeSel) {
  await page.waitForFunction(
    (sel) => {
      const imgs = [...document.querySelectorAll(`${sel} img`)];
      return imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    nodeSel,
    { timeout: 30000 },
  );
  const broken = await page.evaluate((sel) => {
    const out = [];
    for (const n of document.querySelectorAll(sel)) {
      const icon = n.querySelector("img, svg");
      if (!icon)
        out.push(
          n.getAttribute("data-node-name") || n.textContent.trim().slice(0, 40),
        );
    }
    return out;
  }, nodeSel);
  if (broken.length) log(`WARNING nodes without icon: ${broken.join(", ")}`);
}

main().then(
  () => stopping || process.exit(0),
  (e) => {
    if (stopping) return; // interrupted: the signal handler exits after cleanup
    console.error(`[screenshot] FAILED: ${e.stack || e.message}`);
    process.exit(1);
  },
);
