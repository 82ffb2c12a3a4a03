// slamail console: organisation administrators manage their members and designated contacts;
// members see their own standing; agents work their queues (agents.js). No framework and no
// build step. Everything that comes from the API is put into the page as text (textContent),
// never as HTML.

import { state, localZone, hooks, h, setMain, say, timeIn, policyOf, refusal, api, enc } from "./ui.js";
import { renderAgents, isAgent, stopTicking } from "./agents.js";
import { renderReport } from "./report.js";

const SESSION_KEY = "slamail.session";
const PKCE_KEY = "slamail.pkce";

// ---------------------------------------------------------------- session

function loadSession() {
  try {
    const s = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
    if (s && s.exp && Date.now() / 1000 > s.exp) return null;
    return s;
  } catch {
    return null;
  }
}

function saveSession(s) {
  state.session = s;
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}

async function signOut(message) {
  const s = state.session;
  saveSession(null);
  if (s && state.config.mode === "development") {
    await fetch("/dev/sign-out", { method: "POST", headers: { Authorization: `Bearer ${s.token}` } }).catch(() => {});
  }
  // replaceState: no hashchange, whose handler would clear the message.
  history.replaceState(null, "", `${location.pathname}#/`);
  say(message || "Signed out.");
  render();
}


hooks.signOut = signOut;

// ---------------------------------------------------------------- sign-in

function b64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function jwtClaims(token) {
  const part = token.split(".")[1] || "";
  const bin = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
}

function groupsOf(claims) {
  const g = claims["cognito:groups"] || claims.groups || [];
  return Array.isArray(g) ? g.map(String) : String(g).split(/[\s,]+/).filter(Boolean);
}

const redirectUri = () => location.origin + location.pathname;

async function startOidc() {
  const c = state.config;
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  const nonce = b64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state: nonce, back: location.hash }));
  const url = new URL(c.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code", client_id: c.client_id, redirect_uri: redirectUri(), scope: c.scope,
    state: nonce, code_challenge: b64url(new Uint8Array(digest)), code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

async function finishOidc(params) {
  const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || "null");
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, "", location.pathname + ((saved && saved.back) || ""));
  if (params.get("error")) {
    throw new Error(`The identity provider refused the sign-in: ${params.get("error_description") || params.get("error")}`);
  }
  if (!saved || saved.state !== params.get("state")) {
    throw new Error("This sign-in answer was not asked for by this browser tab; sign in again");
  }
  const c = state.config;
  const resp = await fetch(c.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code", code: params.get("code"), redirect_uri: redirectUri(),
      client_id: c.client_id, code_verifier: saved.verifier,
    }),
  });
  const tokens = await resp.json().catch(() => ({}));
  // The API reads the caller's address from the ID token's email claims.
  if (!resp.ok || !tokens.id_token) {
    throw new Error(`The identity provider did not issue a token (${tokens.error || resp.status})`);
  }
  const claims = jwtClaims(tokens.id_token);
  saveSession({ token: tokens.id_token, email: claims.email, groups: groupsOf(claims), exp: claims.exp });
}

function renderSignIn(problem) {
  const error = h("p", { class: "error", id: "signin-error", role: "alert" }, problem || "");
  if (state.config.mode === "development") {
    const email = h("input", { id: "dev-email", name: "email", type: "email", required: true, autocomplete: "off", "aria-describedby": "signin-error" });
    const groups = h("input", { id: "dev-groups", name: "groups", type: "text", "aria-describedby": "groups-hint signin-error" });
    const agentGroup = state.config.agents_group || "slamail-agents";
    const asAgent = h("input", { id: "dev-agent", name: "agent", type: "checkbox" });
    const form = h("form", { class: "card", id: "dev-signin", onsubmit: async (ev) => {
      ev.preventDefault();
      error.textContent = "";
      const resp = await fetch("/dev/sign-in", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          email: email.value,
          groups: groups.value.split(/[\s,]+/).filter(Boolean).concat(asAgent.checked ? [agentGroup] : []),
        }),
      });
      const data = await resp.json().catch(() => ({}));
      if (!resp.ok) { error.textContent = `Refused: ${data.error || resp.status}`; return; }
      saveSession({ token: data.token, email: data.email, groups: data.groups, dev: true });
      say(`Signed in as ${data.email}.`);
      render();
    } },
      h("fieldset", {},
        h("legend", {}, "DEVELOPMENT SIGN-IN — not for production"),
        h("p", { class: "hint" }, "Anyone can be anyone here. This form exists only in \u201cslamail console serve\u201d against a local emulator; a deployed console signs in through your identity provider."),
        h("label", { for: "dev-email" }, "Email address"), email,
        h("label", { for: "dev-groups" }, "Groups (optional, comma separated)"), groups,
        h("p", { class: "hint", id: "groups-hint" }, `e.g. ${agentGroup}, slamail-operators`),
        h("p", { class: "check" }, asAgent, " ", h("label", { for: "dev-agent" }, `Agent: add the agents group (${agentGroup})`)),
        h("button", { type: "submit", class: "primary", id: "dev-signin-submit" }, "Sign in (development)"),
        error));
    setMain("Sign in", form);
  } else {
    setMain("Sign in",
      h("p", {}, "Sign in with the account your organisation uses for support."),
      h("button", { type: "button", class: "primary", id: "oidc-signin", onclick: () => startOidc().catch((e) => { error.textContent = `Error: ${e.message}.`; }) }, "Sign in"),
      error);
  }
}

// ---------------------------------------------------------------- chrome

function renderChrome(parts) {
  const s = state.session;
  const nav = document.getElementById("nav");
  const who = document.getElementById("who");
  if (!s) { nav.replaceChildren(); who.replaceChildren(); return; }
  const link = (href, text, current) => h("li", {}, h("a", { href, "aria-current": current ? "page" : false }, text));
  nav.replaceChildren(h("ul", {},
    link("#/", "Organisations", parts[0] !== "agents"),
    // For the agents group only; the agents API checks the group (and the policy) again.
    isAgent(s) ? link("#/agents", "Queue", parts[0] === "agents") : null));
  who.replaceChildren(
    h("span", { id: "signed-in-as" }, `Signed in as ${s.email}`),
    h("button", { type: "button", id: "sign-out", onclick: () => signOut() }, "Sign out"));
}

// ---------------------------------------------------------------- pages

async function renderHome() {
  const me = await api("GET", "/me");
  if (!me.ok) return setMain("Organisations", h("p", { class: "error", role: "alert" }, refusal(me)));
  const list = me.data.memberships.map((m) => {
    const p = policyOf(m);
    return h("li", {},
      h("a", { href: `#/orgs/${enc(m.org)}` }, m.org_name || m.org),
      ` — ${p.name}, ${p.tier} tier. ${m.designated ? "You are a designated contact." : "You are not a designated contact."}`);
  });
  const orgInput = h("input", { id: "open-org", name: "org", required: true });
  setMain("Organisations",
    list.length ? h("ul", { id: "memberships" }, list)
      : h("p", {}, `${me.data.email} is not a member of any organisation.`),
    h("form", { class: "card", onsubmit: (ev) => { ev.preventDefault(); location.hash = `#/orgs/${enc(orgInput.value.trim())}`; } },
      h("label", { for: "open-org" }, "Open an organisation by its id"), orgInput, " ",
      h("button", { type: "submit" }, "Open")));
}

async function renderOrg(orgId, view, arg) {
  // The report's address is answered by the API itself: a member who types it sees the API's
  // refusal in plain words (their navigation never offers it).
  if (view === "report") return ORG_VIEWS.report(orgId, arg);
  const me = await api("GET", `/orgs/${enc(orgId)}/members/me`);
  if (!me.ok) return setMain(orgId, h("p", { class: "error", role: "alert", id: "org-error" }, refusal(me)));
  // Operators have no record of their own in an organisation and manage it like its admins.
  if (me.data.role === "admin" || me.data.member === false) {
    return ORG_VIEWS[view] ? ORG_VIEWS[view](orgId, arg) : renderAdmin(orgId);
  }
  return renderStanding(orgId, me.data);
}

async function renderStanding(orgId, own) {
  const all = await api("GET", "/me");
  const m = (all.ok && all.data.memberships.find((x) => x.org === orgId)) || { org: orgId, org_name: orgId };
  const p = policyOf(m);
  const name = m.org_name || orgId;
  setMain(`Your standing in ${name}`,
    h("dl", { class: "standing", id: "standing" },
      h("dt", {}, "Your address"), h("dd", {}, own.email),
      h("dt", {}, "Your role"), h("dd", {}, own.role),
      h("dt", {}, "Address verified"), h("dd", {}, own.verified ? "Yes" : "No"),
      h("dt", {}, "Designated contact"), h("dd", { id: "own-designated" }, own.designated ? "Yes" : "No"),
      h("dt", {}, "Support terms"), h("dd", {}, `${p.name}, ${p.tier} tier`)),
    h("p", {}, own.designated
      ? `Mail you send from ${own.email} gets ${name}'s ${p.tier} tier when it passes sender authentication (DMARC).`
      : `Your mail gets the policy's default tier. Only ${name}'s administrators can make you a designated contact.`));
}

// The organisation's views besides its members, for its administrators (and operators): the
// audit trail and the SLA report (report.js, GET /orgs/{org}/report?month=YYYY-MM).
const ORG_VIEWS = {
  audit: (orgId) => renderAudit(orgId),
  report: (orgId, month) => renderReport(orgId, month, subnav),
};

// Only the admin views draw this navigation, so a member never sees the report's entry.
function subnav(orgId, current) {
  const item = (href, text, key, id) => h("li", { id }, h("a", { href, "aria-current": current === key ? "page" : false }, text));
  return h("nav", { class: "subnav", "aria-label": "Organisation" }, h("ul", {},
    item(`#/orgs/${enc(orgId)}`, "Members and contacts", "members"),
    item(`#/orgs/${enc(orgId)}/audit`, "Audit trail", "audit"),
    item(`#/orgs/${enc(orgId)}/report`, "SLA report", "report", "nav-report")));
}

function countText(used, limit) {
  return limit === null || limit === undefined
    ? `${used} designated contacts (limit unknown: the organisation's tier is not in the loaded policies)`
    : `${used} of ${limit} designated contacts used`;
}

async function renderAdmin(orgId, focusKey) {
  const [org, members] = await Promise.all([api("GET", `/orgs/${enc(orgId)}`), api("GET", `/orgs/${enc(orgId)}/members`)]);
  if (!org.ok || !members.ok) {
    return setMain(orgId, h("p", { class: "error", role: "alert", id: "org-error" }, refusal(org.ok ? members : org)));
  }
  const o = org.data;
  const p = policyOf(o);
  const reload = (key) => renderAdmin(orgId, key);

  const rows = members.data.members.map((m, i) => {
    const err = h("p", { class: "error", id: `err-${i}`, role: "alert" });
    const act = (label, key, run) => h("button", {
      type: "button", "data-key": key, "aria-describedby": `err-${i}`,
      onclick: async (ev) => {
        const b = ev.currentTarget;
        b.disabled = true;
        err.textContent = "";
        const r = await run();
        b.disabled = false;
        if (r === null) return;
        if (!r.ok) { err.textContent = refusal(r); b.focus(); return; }
        reload(key);
      },
    }, label);
    const who = m.name || m.email;
    const designate = m.designated
      ? act("Remove designation", `toggle:${m.email}`, async () => {
        const r = await api("DELETE", `/orgs/${enc(orgId)}/contacts/${enc(m.email)}`);
        if (r.ok) say(`${who} is no longer a designated contact.`);
        return r;
      })
      : act("Designate", `toggle:${m.email}`, async () => {
        const r = await api("PUT", `/orgs/${enc(orgId)}/contacts/${enc(m.email)}`);
        if (r.ok) say(`${who} is now a designated contact.`);
        return r;
      });
    const remove = act("Remove member", `remove:${m.email}`, async () => {
      if (!window.confirm(`Remove ${who} (${m.email}) from ${o.name}?`)) return null;
      const r = await api("DELETE", `/orgs/${enc(orgId)}/members/${enc(m.email)}`);
      if (r.ok) say(`${who} was removed from ${o.name}.`);
      return r;
    });
    return h("tr", { "data-email": m.email },
      h("td", {}, m.name || "(no name)"), h("td", {}, m.email), h("td", {}, m.role),
      h("td", {}, m.verified ? "Verified" : "Not verified"),
      h("td", { class: "designated" }, m.designated ? "Designated" : "No"),
      h("td", { class: "actions" }, designate, remove, err));
  });

  const addError = h("p", { class: "error", id: "add-error", role: "alert" });
  const email = h("input", { id: "add-email", name: "email", type: "email", required: true, "aria-describedby": "add-error" });
  const name = h("input", { id: "add-name", name: "name", type: "text" });
  const role = h("select", { id: "add-role", name: "role" },
    h("option", { value: "member" }, "member"), h("option", { value: "admin" }, "admin"),
    h("option", { value: "third-party" }, "third-party (can never be designated)"));
  const add = h("form", { class: "card", id: "add-member", onsubmit: async (ev) => {
    ev.preventDefault();
    addError.textContent = "";
    const body = { email: email.value.trim(), role: role.value };
    if (name.value.trim()) body.name = name.value.trim();
    const r = await api("POST", `/orgs/${enc(orgId)}/members`, body);
    if (!r.ok) { addError.textContent = refusal(r); email.focus(); return; }
    say(`${r.data.email} was added to ${o.name}. They are verified when they first sign in.`);
    reload("add");
  } },
  h("fieldset", {}, h("legend", {}, "Add a member"),
    h("label", { for: "add-email" }, "Email address"), email,
    h("label", { for: "add-name" }, "Name (needed before they can be designated)"), name,
    h("label", { for: "add-role" }, "Role"), role, " ",
    h("button", { type: "submit", class: "primary", id: "add-submit", "data-key": "add" }, "Add member"),
    addError));

  setMain(o.name,
    h("p", { class: "meta" }, `${p.name}, ${p.tier} tier. Organisation id ${o.id}.`),
    subnav(orgId, "members"),
    h("p", { class: "count", id: "contact-count" }, countText(o.contacts.used, o.contacts.limit)),
    h("table", { id: "members" },
      h("caption", {}, "Members"),
      h("thead", {}, h("tr", {}, ["Name", "Email", "Role", "Verified", "Designated contact", "Actions"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)),
    add);
  if (focusKey) {
    const again = document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
    if (again) again.focus();
  }
}

const ACTIONS = {
  "org.create": "created the organisation", "org.update": "changed the organisation",
  "member.add": "added a member", "member.update": "changed a member",
  "member.verify": "verified by signing in", "member.remove": "removed a member",
  "contact.designate": "designated a contact", "contact.remove": "removed a designation",
};

function actorText(actor) {
  if (actor.startsWith("user:")) return actor.slice(5);
  if (actor.startsWith("operator:")) return `${actor.slice(9)} (vendor operator)`;
  return actor;
}

async function renderAudit(orgId) {
  const [org, audit] = await Promise.all([api("GET", `/orgs/${enc(orgId)}`), api("GET", `/orgs/${enc(orgId)}/audit`)]);
  if (!org.ok || !audit.ok) {
    return setMain(orgId, h("p", { class: "error", role: "alert", id: "org-error" }, refusal(org.ok ? audit : org)));
  }
  const p = policyOf(org.data);
  const rows = audit.data.entries.slice().reverse().map((e) => h("tr", {},
    h("td", { class: "local" }, timeIn(e.at, localZone)),
    h("td", { class: "policy" }, timeIn(e.at, p.zone)),
    h("td", {}, actorText(e.actor)),
    h("td", {}, ACTIONS[e.action] || e.action),
    h("td", {}, e.target || "")));
  setMain(`${org.data.name}: audit trail`,
    h("p", { class: "meta" }, `Newest first. Times are shown in your time zone (${localZone}) and in the support policy's (${p.zone}).`),
    subnav(orgId, "audit"),
    h("table", { id: "audit" },
      h("caption", {}, "Audit trail"),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, `Your time (${localZone})`),
        h("th", { scope: "col" }, `Policy time (${p.zone})`),
        ["Who", "What", "Member"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)));
}

// ---------------------------------------------------------------- routing

async function render() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  stopTicking();
  renderChrome(parts);
  if (!state.session) return renderSignIn();
  if (parts[0] === "orgs" && parts[1]) return renderOrg(parts[1], parts[2], parts[3]);
  if (parts[0] === "agents") return renderAgents(parts.slice(1));
  return renderHome();
}

async function boot() {
  document.getElementById("skip").addEventListener("click", (ev) => {
    ev.preventDefault();
    document.getElementById("main").focus();
  });
  const [config, policies] = await Promise.all([
    fetch("config.json").then((r) => r.json()),
    fetch("policies.json").then((r) => r.json()).catch(() => ({})),
  ]);
  state.config = config;
  state.policies = policies;
  document.getElementById("dev-banner").hidden = config.mode !== "development";
  state.session = loadSession();
  const params = new URLSearchParams(location.search);
  if (config.mode === "oidc" && (params.has("code") || params.has("error"))) {
    try {
      await finishOidc(params);
    } catch (e) {
      renderChrome([]);
      return renderSignIn(`Error: ${e.message}.`);
    }
  }
  window.addEventListener("hashchange", () => { say(""); render(); });
  render();
}

boot().catch((e) => {
  document.getElementById("main").replaceChildren(
    h("p", { class: "error", role: "alert" }, `Error: the console could not start (${e.message}).`));
});
