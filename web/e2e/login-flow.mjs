// Walks through the UI in headless Chromium against a running stack (`make run`):
// register, order, pay, cancel, an invalid order, a refresh after the access token
// is gone, a failed refresh, logout and a wrong password. Saves a screenshot after each step.
//
//   npm run e2e                      # http://localhost:5173, /usr/bin/chromium
//   REVOCAST_WEB_URL=http://127.0.0.1:5173 npm run e2e
//
// Chromium comes from the system (Debian: apt-get install chromium); playwright-core
// downloads no browser. Every request that leaves the UI's own host is aborted.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const baseUrl = process.env.REVOCAST_WEB_URL ?? "http://localhost:5173";
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const screenshotDir = process.env.REVOCAST_E2E_SCREENSHOTS ?? join(tmpdir(), "revocast-e2e");
const uiHost = new URL(baseUrl).hostname;
// Milliseconds that one step may wait for the page, e.g. for an order to become paid.
const STEP_TIMEOUT_MS = 15_000;

let failures = 0;
let passes = 0;

function check(condition, description) {
  if (condition) {
    passes += 1;
    console.log(`ok    ${description}`);
  } else {
    failures += 1;
    console.log(`FAIL  ${description}`);
  }
}

async function screenshot(page, name) {
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`      screenshot ${path}`);
}

function orderRows(page) {
  return page.locator("section", { hasText: "My orders" }).locator("tbody tr");
}

async function createOrder(page, sku) {
  const before = await orderRows(page).count();
  await page.getByLabel("SKU").fill(sku);
  await page.getByRole("button", { name: "Create order" }).click();
  await orderRows(page).nth(before).waitFor();
  return orderRows(page).filter({ hasText: sku });
}

async function run(browser) {
  mkdirSync(screenshotDir, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  await context.route("**/*", (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === uiHost ? route.continue() : route.abort();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);

  const email = `e2e-${Date.now()}@example.com`;
  const password = "correct horse battery staple";

  await page.goto(baseUrl);
  await page.getByRole("heading", { name: "Log in or register" }).waitFor();
  check(true, `login form shown at ${baseUrl}`);
  await screenshot(page, "1-login-form");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Register and log in" }).click();
  const whoami = page.locator(".whoami");
  try {
    await whoami.waitFor({ timeout: 5_000 });
  } catch {
    const shown = await page.locator("main").innerText();
    check(false, `logged in after registering; the page shows:\n${shown}`);
    await screenshot(page, "2-login-failed");
    return;
  }
  check((await whoami.innerText()).includes(email), "who-am-I shows the email");
  check((await whoami.innerText()).includes("role user"), "who-am-I shows the role");

  const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c]));
  check(cookies.access_token?.httpOnly === true, "access_token cookie is stored and HttpOnly");
  check(cookies.refresh_token?.path === "/auth", "refresh_token cookie has path /auth");
  check(cookies.csrf_token?.httpOnly === false, "csrf_token cookie is readable");
  const scriptCookies = await page.evaluate(() => document.cookie);
  check(scriptCookies.includes("csrf_token="), "document.cookie contains csrf_token");
  check(!scriptCookies.includes("access_token="), "document.cookie hides access_token");

  const paidRow = await createOrder(page, "book-1");
  check((await paidRow.innerText()).includes("pending"), "new order is pending");
  await screenshot(page, "2-pending-order");
  await paidRow.getByRole("button", { name: "Pay" }).click();
  await paidRow.locator(".status-paid").waitFor();
  check(true, "paid order shows status paid");
  const paymentRows = page.locator("section", { hasText: "My payments" }).locator("tbody tr");
  check((await paymentRows.count()) === 1, "payments list shows one payment");
  check((await paymentRows.first().innerText()).includes("succeeded"), "payment succeeded");

  const cancelledRow = await createOrder(page, "pen-2");
  await cancelledRow.getByRole("button", { name: "Cancel" }).click();
  await cancelledRow.locator(".status-cancelled").waitFor();
  check(true, "cancelled order shows status cancelled");
  await screenshot(page, "3-orders-and-payments");

  await page.getByLabel("SKU").fill("not a sku");
  await page.getByRole("button", { name: "Create order" }).click();
  const invalid = page.getByRole("alert");
  await invalid.waitFor();
  check((await invalid.innerText()).includes("sku"), `invalid SKU shows: ${await invalid.innerText()}`);
  await screenshot(page, "3b-invalid-sku");

  // Without the access token, orders responds 401; the UI refreshes and repeats the POST.
  await context.clearCookies({ name: "access_token" });
  const refreshedRow = await createOrder(page, "mug-3");
  check((await refreshedRow.innerText()).includes("pending"), "order created after a refresh");
  const refreshed = (await context.cookies()).some((c) => c.name === "access_token");
  check(refreshed, "refresh set a new access_token cookie");

  // Without any session cookie the refresh fails too, so the UI shows the login form.
  await context.clearCookies({ name: "access_token" });
  await context.clearCookies({ name: "refresh_token" });
  await page.getByRole("button", { name: "Create order" }).click();
  await page.getByText("Your session has ended. Log in again.").waitFor();
  check(true, "a failed refresh shows the login form with a notice");
  await screenshot(page, "4-session-ended");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await whoami.waitFor();
  // The dashboard loads the lists after it appears.
  await orderRows(page).nth(2).waitFor();
  check((await orderRows(page).count()) === 3, "after a new login the three orders are listed");

  await page.getByRole("button", { name: "Log out" }).click();
  await page.getByText("You are logged out.").waitFor();
  check(true, "logout shows the login form");
  const left = (await context.cookies()).map((c) => c.name);
  check(!left.includes("access_token") && !left.includes("refresh_token"), "logout cleared cookies");
  await screenshot(page, "5-logged-out");

  await page.reload();
  await page.getByRole("heading", { name: "Log in or register" }).waitFor();
  check(true, "reload after logout shows the login form");

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  const error = page.getByRole("alert");
  await error.waitFor();
  check((await error.innerText()).length > 0, `wrong password shows: ${await error.innerText()}`);
  await screenshot(page, "6-wrong-password");

  await context.close();
}

const browser = await chromium.launch({
  executablePath,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // Resolves nothing but localhost and 127.0.0.1, so Chromium reaches no other machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
  ],
});
try {
  await run(browser);
} catch (error) {
  failures += 1;
  console.log(`FAIL  ${error instanceof Error ? error.message : error}`);
} finally {
  await browser.close();
}
console.log(`${passes} passed, ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
