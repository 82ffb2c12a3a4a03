// The console's shared pieces: page state, building elements (always as text, never HTML),
// times in two zones, the API call and the plain words for its refusals.

export const state = { config: null, policies: {}, session: null };
export const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
/** Set by the sign-in code: what a 401 from the API does. */
export const hooks = { signOut: async () => {} };

// ------------------------------------------------------------------ helpers

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function setMain(title, ...nodes) {
  const main = document.getElementById("main");
  const heading = h("h1", { tabindex: "-1" }, title);
  main.replaceChildren(heading, ...nodes);
  document.title = `${title} — slamail console`;
  heading.focus();
}

export function say(message) {
  document.getElementById("status").textContent = message;
}

// "2026-11-23 05:05" in a zone: unambiguous in every locale.
export function wallClock(date, zone) {
  const f = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function parts(date, zone, opts) {
  const f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", ...opts });
  return Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
}

function zoneName(date, zone) {
  return parts(date, zone, { timeZoneName: "short" }).timeZoneName;
}

// A time in the policy's zone, with the viewer's beside it.
export function bothZones(iso, zone) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h("span", {}, "unknown");
  return h("span", { class: "when" },
    h("time", { datetime: iso, class: "policy-time" }, `${wallClock(d, zone)} ${zoneName(d, zone)}`),
    h("span", { class: "local-time" }, ` (your time ${wallClock(d, localZone)} ${zoneName(d, localZone)})`));
}

export function timeIn(iso, zone) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h("span", {}, "unknown");
  return h("time", { datetime: iso, "data-zone": zone }, wallClock(d, zone));
}

export function policyOf(org) {
  const p = state.policies[org.policy] || {};
  return {
    name: p.name || org.policy,
    zone: p.zone || "UTC",
    tier: (p.tiers && p.tiers[org.tier]) || org.tier,
  };
}

// Plain words for the API's refusals; the API's own sentence always comes first.
export const HINTS = {
  "limit-reached": "Remove a designation first, or ask your vendor about extra contacts.",
  "not-eligible": "Only verified, named members who are not third parties can be designated; members are verified when they first sign in.",
  "already-designated": "Nothing to do: this person is already a designated contact.",
  "not-designated": "Nothing to do: this person is not a designated contact.",
  "member-exists": "This address is already a member.",
  forbidden: "Your role in this organisation does not allow this.",
  conflict: "Someone changed this at the same time; the page has the latest state now, try again.",
  internal: "The service failed; try again in a minute.",
};

export function refusal(result, hints = {}) {
  const hint = result.code in hints ? hints[result.code] : HINTS[result.code];
  return `Refused: ${result.error}${/[.!?]$/.test(result.error) ? "" : "."}${hint ? ` ${hint}` : ""}`;
}


export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${state.session.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let resp;
  try {
    resp = await fetch(state.config.api + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, code: "network", error: "The console could not reach the API; check your connection" };
  }
  let data = null;
  try { data = await resp.json(); } catch { data = null; }
  if (resp.status === 401) {
    await hooks.signOut("Your session has ended. Sign in again.");
    return { ok: false, status: 401, code: "signed-out", error: "Your session has ended" };
  }
  if (resp.ok) return { ok: true, status: resp.status, data };
  return {
    ok: false, status: resp.status, code: data && data.code,
    error: (data && (data.error || data.message)) || `The API answered ${resp.status}`,
  };
}

export const enc = encodeURIComponent;
