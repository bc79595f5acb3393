// The zorders jobs dashboard: signs in with client credentials, lists the tenant's jobs
// (GET /zorders/jobs), shows one in detail (GET /zorders/jobs/{id}). No build step.
"use strict";

const TOKEN_KEY = "zorders.dashboard.token";
const PAGE = 25;
const REFRESH_MS = 1000;
const $ = (id) => document.getElementById(id);

const state = { offset: 0, nextOffset: null, selected: null, timer: null, busy: false };

function session() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(TOKEN_KEY) || "null");
    if (saved && saved.expiresAt > Date.now()) return saved;
  } catch (_) { /* ignore a damaged entry */ }
  sessionStorage.removeItem(TOKEN_KEY);
  return null;
}

async function signIn(clientId, clientSecret) {
  const body = new URLSearchParams({
    client_id: clientId, client_secret: clientSecret, grant_type: "client_credentials",
  });
  const response = await fetch("/oauth/token", { method: "POST", body });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(answer.error_description || answer.message || `HTTP ${response.status}`);
  }
  const saved = {
    token: answer.access_token,
    clientId,
    expiresAt: Date.now() + (answer.expires_in - 30) * 1000,
  };
  sessionStorage.setItem(TOKEN_KEY, JSON.stringify(saved));
  return saved;
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  stopLive();
  state.selected = null;
  show();
  if (message) { $("sign-in-error").textContent = message; $("sign-in-error").hidden = false; }
}

class Expired extends Error {}

async function api(path) {
  const saved = session();
  if (!saved) throw new Expired("Your session ended; sign in again.");
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${saved.token}`, Accept: "application/json" },
  });
  if (response.status === 401) throw new Expired("Your session ended; sign in again.");
  const body = await response.json().catch(() => null);
  if (!response.ok || (body && body.success === false)) {
    const reason = body && body.reasons && body.reasons[0];
    throw new Error(reason ? `[${reason.code}] ${reason.message}` : `HTTP ${response.status}`);
  }
  return body;
}

function fail(error, where) {
  if (error instanceof Expired) { signOut(error.message); return; }
  where.textContent = error.message;
  where.hidden = false;
}

function time(iso, short) {
  if (!iso) return "—";
  const d = new Date(iso);
  const ms = `.${String(d.getMilliseconds()).padStart(3, "0")}`;
  const clock = d.toLocaleTimeString(undefined, { hour12: false }) + ms;
  return short ? clock : `${d.toLocaleDateString()} ${clock}`;
}

function runMs(job) {
  return job.runMs === null || job.runMs === undefined ? "" : String(job.runMs);
}

function badge(el, status) {
  el.textContent = status;
  el.className = `badge ${status}`;
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

async function loadJobs() {
  if (state.busy) return;
  state.busy = true;
  const status = $("status-filter").value;
  const query = new URLSearchParams({ limit: PAGE, offset: state.offset });
  if (status) query.set("status", status);
  try {
    const page = await api(`/zorders/jobs?${query}`);
    $("list-error").hidden = true;
    renderJobs(page);
    $("refreshed").textContent = `updated ${new Date().toLocaleTimeString(undefined, { hour12: false })}`;
    if (state.selected) await loadDetail(state.selected, false);
  } catch (error) {
    fail(error, $("list-error"));
  } finally {
    state.busy = false;
  }
}

function renderJobs(page) {
  const rows = $("job-rows");
  rows.replaceChildren();
  for (const job of page.jobs) {
    const row = document.createElement("tr");
    row.dataset.jobId = job.jobId;
    row.dataset.status = job.status;
    if (job.jobId === state.selected) row.classList.add("selected");
    cell(row, job.jobId.slice(0, 12) + "…", "mono").title = job.jobId;
    cell(row, job.jobType.replace("Async", "").replace("Order", " order"));
    const status = document.createElement("span");
    badge(status, job.status);
    cell(row, "").appendChild(status);
    cell(row, job.trackId || "", "mono");
    cell(row, time(job.createdAt, true)).title = job.createdAt;
    cell(row, runMs(job), "num");
    row.addEventListener("click", () => select(job.jobId));
    rows.appendChild(row);
  }
  $("empty").hidden = page.jobs.length > 0;
  state.nextOffset = page.nextOffset;
  $("older").disabled = page.nextOffset === null;
  $("newer").disabled = state.offset === 0;
}

function select(jobId) {
  state.selected = jobId;
  location.hash = `job=${jobId}`;
  for (const row of $("job-rows").children) {
    row.classList.toggle("selected", row.dataset.jobId === jobId);
  }
  $("linked").hidden = true;
  loadDetail(jobId, true);
}

async function loadDetail(jobId, reveal) {
  try {
    const { job } = await api(`/zorders/jobs/${encodeURIComponent(jobId)}`);
    if (state.selected !== jobId) return;
    renderDetail(job);
    if (reveal) { $("detail").hidden = false; $("jobs").querySelector(".split").classList.add("with-detail"); }
  } catch (error) {
    fail(error, $("list-error"));
  }
}

function renderDetail(job) {
  $("d-id").textContent = job.jobId;
  badge($("d-status"), job.status);
  $("d-type").textContent = job.jobType;
  $("d-track").textContent = job.trackId || "—";
  $("d-attempts").textContent = String(job.attempts);
  $("d-created").textContent = time(job.createdAt);
  $("d-started").textContent = time(job.startedAt);
  $("d-finished").textContent = time(job.finishedAt);
  const t = job.timings;
  const ms = (v) => (v === null ? "—" : `${v} ms`);
  $("d-timings").textContent = `queued ${ms(t.queuedMs)} · ran ${ms(t.runMs)} · total ${ms(t.totalMs)}`;
  $("d-idem").textContent = job.idempotencyKey || "—";
  $("d-error").hidden = !job.errors;
  $("d-error").textContent = job.errors || "";
  $("d-response").textContent = JSON.stringify(job.response, null, 2);
  $("d-request").textContent = JSON.stringify(job.request, null, 2);
  const links = $("d-links");
  links.replaceChildren();
  const add = (label, href) => {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    a.dataset.link = label;
    a.addEventListener("click", (event) => { event.preventDefault(); openLinked(label, href); });
    links.appendChild(a);
  };
  if (job.links.order) add(`Order ${job.links.order.split("/").pop()}`, job.links.order);
  for (const href of job.links.subscriptions || []) add(`Subscription ${href.split("/").pop()}`, href);
  if (job.links.account) add(`Account ${job.links.account.split("/").pop()}`, job.links.account);
}

async function openLinked(label, href) {
  // Fetched with the token (a plain link would carry no Authorization header).
  try {
    const body = await api(href);
    $("linked-title").textContent = `${label} — GET ${href}`;
    $("linked-json").textContent = JSON.stringify(body, null, 2);
    $("linked").hidden = false;
  } catch (error) {
    fail(error, $("list-error"));
  }
}

function startLive() {
  stopLive();
  if ($("live").checked) state.timer = setInterval(loadJobs, REFRESH_MS);
}

function stopLive() {
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
}

function show() {
  const saved = session();
  $("sign-in").hidden = !!saved;
  $("jobs").hidden = !saved;
  $("sign-out").hidden = !saved;
  $("who").hidden = !saved;
  if (!saved) return;
  $("who").textContent = `client ${saved.clientId}`;
  const match = /job=([0-9a-zA-Z-]+)/.exec(location.hash);
  if (match) select(match[1]);
  loadJobs();
  startLive();
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("sign-in-error").hidden = true;
  try {
    await signIn($("client-id").value.trim(), $("client-secret").value);
    $("client-secret").value = "";
    show();
  } catch (error) {
    $("sign-in-error").textContent = `Sign-in failed: ${error.message}`;
    $("sign-in-error").hidden = false;
  }
});
$("sign-out").addEventListener("click", () => signOut());
$("status-filter").addEventListener("change", () => { state.offset = 0; loadJobs(); });
$("live").addEventListener("change", startLive);
$("refresh").addEventListener("click", loadJobs);
$("older").addEventListener("click", () => { if (state.nextOffset !== null) { state.offset = state.nextOffset; loadJobs(); } });
$("newer").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadJobs(); });
$("close-detail").addEventListener("click", () => {
  state.selected = null;
  history.replaceState(null, "", location.pathname);
  $("detail").hidden = true;
  $("jobs").querySelector(".split").classList.remove("with-detail");
  for (const row of $("job-rows").children) row.classList.remove("selected");
});
show();
