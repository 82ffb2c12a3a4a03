// The agents' pages: their queues, a queue sorted by the next due instant with a live
// countdown, and a case (conversation, clock, actions). The business-time arithmetic is the
// product's own: the API gives each countdown at `as_of` (counted seconds left, whether the
// clock runs, the next instant it stops or starts); the page only counts the seconds between
// those instants, measured on the browser's monotonic clock from when the answer arrived (so a
// wrong clock in the browser changes nothing), and asks again when the clock changes.

import { state, localZone, h, setMain, say, parts, bothZones, refusal, api, enc } from "./ui.js";

const REFRESH_MS = 60_000;

// Plain words for the agents API's refusals (the API's own sentence comes first).
const AGENT_HINTS = {
  forbidden: "Only the staff of a case's support policy act on its cases.",
  "not-an-agent": "Ask for the agents group in your identity provider.",
  "not-found": "Check the case id.",
  invalid: "Check what you typed and try again.",
  busy: "Someone changed the case at the same moment; try again.",
  "mail-not-sent": "Nothing was recorded; try again in a minute.",
  refused: "",
};
let ticker = null;

export function isAgent(session) {
  const group = (state.config && state.config.agents_group) || "slamail-agents";
  return !!(session && session.groups && session.groups.includes(group));
}

export function stopTicking() {
  if (ticker) clearInterval(ticker);
  ticker = null;
}

// -------------------------------------------------------------- times and the countdown

// "Mon 08:00 PST"; with the date when it is not within six days of `from` (the API's as_of).
function shortWhen(date, zone, from) {
  const near = Math.abs(date - from) < 6 * 86400_000;
  const p = parts(date, zone, {
    weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });
  return near ? `${p.weekday} ${p.hour}:${p.minute} ${p.timeZoneName}`
    : `${p.weekday} ${p.day} ${p.month} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

function duration(seconds) {
  const s = Math.abs(Math.trunc(seconds));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return `${hh}h ${mm}m ${ss}s`;
}

const STANDING = {
  "on-track": { icon: "\u25CF", word: "On track" },
  warning: { icon: "\u26A0", word: "Warning" },
  breached: { icon: "\u2716", word: "BREACHED" },
};

// The countdown now: `received` is performance.now() when the API's answer arrived.
function liveState(cd, received) {
  const elapsed = (performance.now() - received) / 1000;
  const until = cd.changes_at ? (Date.parse(cd.changes_at) - Date.parse(cd.as_of)) / 1000 : Infinity;
  const left = cd.remaining_seconds - (cd.running ? Math.floor(Math.min(elapsed, until)) : 0);
  // The instant now, as the API's clock reads it: as_of plus the monotonic time since.
  const now = Date.parse(cd.as_of) + elapsed * 1000;
  let standing = "on-track";
  if (cd.standing === "breached" || left < 0) standing = "breached";
  // Warning from the instant the SLA watch sends its first warning (the API's warning_at).
  else if (cd.standing === "warning" || (cd.warning_at && now >= Date.parse(cd.warning_at))) standing = "warning";
  return { left, standing, stale: elapsed >= until };
}

function fillCountdown(el, cd, received) {
  const { left, standing } = liveState(cd, received);
  const s = STANDING[standing];
  const kind = cd.business_time ? "business time" : "elapsed time, around the clock";
  const change = cd.changes_at ? new Date(cd.changes_at) : null;
  const from = Date.parse(cd.as_of);
  const when = (d) => `${shortWhen(d, cd.zone, from)} (your time ${shortWhen(d, localZone, from)})`;
  let clock;
  if (cd.running) {
    clock = change ? `counting; stops ${when(change)}` : "counting";
  } else {
    clock = change ? `clock paused until ${when(change)}` : "clock paused";
  }
  el.className = `countdown standing-${standing}`;
  el.dataset.standing = standing;
  el.replaceChildren(
    h("span", { class: "standing" }, h("span", { "aria-hidden": "true" }, `${s.icon} `), s.word),
    " ",
    h("span", { class: "left" }, left < 0 ? `overdue by ${duration(left)}` : `${duration(left)} left`),
    h("span", { class: "kind" }, ` (${kind})`),
    h("span", { class: "clock" }, clock));
}

// Ticks every countdown on the page each second; calls `refresh` when a clock changes (or
// every minute) so that the next stretch comes from the API again.
function tick(items, refresh) {
  stopTicking();
  let last = performance.now();
  const run = () => {
    let stale = performance.now() - last > REFRESH_MS;
    for (const it of items) {
      if (!it.el.isConnected) continue;
      fillCountdown(it.el, it.cd, it.received);
      if (liveState(it.cd, it.received).stale) stale = true;
    }
    if (stale) { last = performance.now(); stopTicking(); refresh(); }
  };
  run();
  ticker = setInterval(run, 1000);
}

function metricWords(m) {
  return m === "first-response" ? "first response" : m === "update" ? "update" : m;
}

// ------------------------------------------------------------------------- queues

async function renderQueues() {
  const r = await api("GET", "/queues");
  if (!r.ok) return setMain("Queues", h("p", { class: "error", role: "alert" }, refusal(r, AGENT_HINTS)));
  const qs = r.data.queues;
  setMain("Queues",
    qs.length
      ? h("ul", { id: "queues" }, qs.map((q) => h("li", {},
        h("a", { href: `#/agents/queues/${enc(q.policy)}/${enc(q.queue)}` }, `${q.policy_name}: ${q.queue}`))))
      : h("p", {}, `${state.session.email} is not staff of any support policy this deployment serves, so no queue is yours.`));
}

// The first `pages` pages of a queue, each going on from the previous page's `next`.
async function queueRows(policy, queue, pages) {
  const cases = [];
  let next = null;
  for (let i = 0; i < pages; i++) {
    const size = (state.config && state.config.queue_page) || 100;
    const r = await api("GET", `/queues/${enc(policy)}/${enc(queue)}?limit=${size}${next ? `&after=${enc(next)}` : ""}`);
    if (!r.ok) return r;
    cases.push(...r.data.cases);
    next = r.data.next;
    if (!next) break;
  }
  return { ok: true, data: { cases, next } };
}

function queueBody(data, zone) {
  const received = performance.now();
  const items = [];
  const rows = data.cases.map((c) => {
    const cd = c.countdown;
    const el = h("div", { class: "countdown" });
    if (cd) items.push({ el, cd, received });
    else el.textContent = "Nothing due from us now (answered or waiting).";
    return h("tr", { "data-case": c.case_id },
      h("td", {}, h("a", { href: `#/agents/cases/${enc(c.case_id)}`, "data-key": `case:${c.case_id}` }, c.case_id)),
      h("td", {}, c.subject || "(no subject)"),
      h("td", {}, c.requester || "(none)", c.organisation_name ? ` (${c.organisation_name})` : ""),
      h("td", {}, `${c.tier} / ${c.severity}`),
      h("td", {}, cd ? `${metricWords(cd.metric)}, ${cd.target}` : c.target),
      h("td", {}, cd ? bothZones(cd.due, zone) : ""),
      h("td", { class: "time-left" }, el));
  });
  return { rows, items };
}

async function renderQueue(policy, queue) {
  const zone = (state.policies[policy] && state.policies[policy].zone) || "UTC";
  const name = (state.policies[policy] && state.policies[policy].name) || policy;
  let pages = 1;
  const r = await queueRows(policy, queue, pages);
  if (!r.ok) return setMain(`Queue ${queue}`, h("p", { class: "error", role: "alert", id: "queue-error" }, refusal(r, AGENT_HINTS)));
  const tbody = h("tbody", {});
  const more = h("button", { type: "button", id: "queue-more", hidden: "" }, "Show more cases");
  const moreError = h("p", { class: "error", role: "alert", id: "queue-more-error" });
  const fill = (data) => {
    const { rows, items } = queueBody(data, zone);
    const focused = document.activeElement && document.activeElement.dataset.key;
    tbody.replaceChildren(...rows);
    more.hidden = !data.next;
    if (focused) { const again = tbody.querySelector(`[data-key="${CSS.escape(focused)}"]`); if (again) again.focus(); }
    tick(items, reload);
  };
  // Every page shown so far, fetched again: the order moves as cases are answered.
  async function reload() {
    const again = await queueRows(policy, queue, pages);
    if (again.ok) { moreError.textContent = ""; fill(again.data); } else moreError.textContent = refusal(again, AGENT_HINTS);
  }
  more.addEventListener("click", async () => { pages += 1; await reload(); });
  setMain(`Queue ${queue} (${name})`,
    h("p", { class: "meta" }, `Open cases by the next instant a response is due, soonest first. Times in the policy's zone (${zone}) with yours (${localZone}) beside them. The countdown counts only while the clock runs.`),
    h("p", {}, h("a", { href: "#/agents" }, "All queues")),
    queueTable(tbody), more, moreError);
  if (!r.data.cases.length) {
    tbody.replaceChildren(h("tr", {}, h("td", { colspan: "7" }, "Nothing is due from us in this queue.")));
    return;
  }
  fill(r.data);
}

function queueTable(tbody) {
  return h("table", { id: "queue" },
    h("caption", {}, "Cases"),
    h("thead", {}, h("tr", {}, ["Case", "Subject", "Requester", "Tier / severity", "Due from us", "Due", "Time left"].map((t) => h("th", { scope: "col" }, t)))),
    tbody);
}

export function renderAgents(rest) {
  if (rest[0] === "queues" && rest[1] && rest[2]) return renderQueue(rest[1], rest[2]);
  if (rest[0] === "cases" && rest[1]) return renderCase(rest[1]);
  return renderQueues();
}

// --------------------------------------------------------------------------- a case

const KINDS = {
  opening: "Customer (opened the case)",
  customer: "Customer",
  "agent-public": "Agent mail to the requester",
  "agent-note": "Internal note (not mailed)",
  "agent-reply": "Agent reply (mailed)",
  automated: "Automatic mail (out-of-office or similar; no effect)",
  unverified: "UNVERIFIED sender: not a verified participant; no effect on the clock, never answered",
  bounce: "Bounce of our mail",
  notice: "Notice mailed to the requester",
};

function conversation(shown, zone) {
  const items = shown.messages.map((m) => ({ at: m.at, order: 0, m }));
  if (shown.case.reply && shown.case.reply.status === "sent") {
    items.push({ at: shown.case.reply.at, order: 1, auto: true });
  }
  items.sort((a, b) => (Date.parse(a.at) - Date.parse(b.at)) || (a.order - b.order));
  return h("ol", { id: "conversation", class: "conversation" }, items.map((it) => {
    if (it.auto) {
      return h("li", { class: "msg msg-auto" }, h("p", { class: "msg-head" }, h("strong", {}, "Auto-reply sent to the requester"), " — ", bothZones(it.at, zone)));
    }
    const m = it.m;
    const kind = m.kind || "message";
    return h("li", { class: `msg msg-${kind}`, "data-kind": kind },
      h("p", { class: "msg-head" },
        h("strong", { class: "msg-kind" }, KINDS[kind] || kind), " — ",
        m.from || "(no sender)", " — ", bothZones(m.at, zone)),
      m.subject ? h("p", { class: "msg-subject" }, `Subject: ${m.subject}`) : null,
      m.text ? h("p", { class: "msg-text" }, m.text) : null,
      m.note ? h("p", { class: "hint" }, m.note) : null);
  }));
}

function cyclesTable(cycles, zone) {
  return h("table", { id: "cycles" },
    h("caption", {}, "Response targets"),
    h("thead", {}, h("tr", {}, ["What", "Target", "Counted from", "Due", "Outcome"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, cycles.map((c) => {
      let outcome;
      if (c.ended) {
        const { how, at } = c.ended;
        outcome = [how === "fulfilled" ? `Fulfilled${c.breached ? " late (BREACHED)" : " (met)"} at ` : `Closed${c.breached ? " after the due time (BREACHED)" : ""} at `, bothZones(at, zone)];
      } else if (c.waiting) {
        outcome = "Waiting on the customer (paused)";
      } else {
        outcome = c.breached ? "Running, BREACHED" : "Running";
      }
      return h("tr", { "data-metric": c.metric },
        h("td", {}, metricWords(c.metric)), h("td", {}, c.target),
        h("td", {}, bothZones(c.started, zone)),
        h("td", {}, c.due ? bothZones(c.due, zone) : "no due time"),
        h("td", { class: "outcome" }, outcome));
    })));
}

// One action: a form with its own refusal line, which keeps the focus on its button.
function actionForm(key, legend, fields, button, hint, run) {
  const err = h("p", { class: "error", id: `err-${key}`, role: "alert" });
  const submit = h("button", { type: "submit", class: "primary", "data-key": key, id: `do-${key}`, "aria-describedby": `err-${key}` }, button);
  return h("form", { class: "card action", id: `action-${key}`, onsubmit: async (ev) => {
    ev.preventDefault();
    err.textContent = "";
    submit.disabled = true;
    const r = await run();
    submit.disabled = false;
    if (!r.ok) {
      err.textContent = refusal(r, AGENT_HINTS) + (r.code === "refused" && hint ? ` ${hint}` : "");
      submit.focus();
    }
  } }, h("fieldset", {}, h("legend", {}, legend), ...fields, submit, err));
}

function field(id, label, control) {
  return [h("label", { for: id }, label), control];
}

async function renderCase(caseId, focusKey) {
  const [shown, explain] = await Promise.all([
    api("GET", `/cases/${enc(caseId)}`), api("GET", `/cases/${enc(caseId)}/explain`)]);
  if (!shown.ok) return setMain(`Case ${caseId}`, h("p", { class: "error", role: "alert", id: "case-error" }, refusal(shown, AGENT_HINTS)));
  const d = shown.data;
  const c = d.case;
  const policy = state.policies[c.policy] || {};
  const zone = policy.zone || "UTC";
  const path = `/cases/${enc(caseId)}`;
  const again = (key, message) => { say(message); renderCase(caseId, key); };

  const act = (key, what, body, done) => async () => {
    const r = await api("POST", `${path}/${what}`, body());
    if (r.ok) again(key, done(r.data));
    return r;
  };
  const textArea = (id) => h("textarea", { id, name: id, rows: "4", required: true });
  const reason = (id) => h("input", { id, name: id, type: "text", required: true });

  const replyText = textArea("reply-text");
  const noteText = textArea("note-text");
  const sev = h("select", { id: "priority-severity", name: "severity" },
    (policy.severities || []).map((s) => h("option", { value: s.id, selected: s.id === c.severity }, s.label)));
  const sevReason = reason("priority-reason");
  const waitReason = reason("wait-reason");
  const closeReason = reason("close-reason");
  const reopenReason = reason("reopen-reason");

  const actions = h("section", { id: "actions", "aria-labelledby": "actions-h" },
    h("h2", { id: "actions-h" }, "Actions"),
    actionForm("reply", "Reply to the requester", field("reply-text", `Message to ${c.requester || "the requester"} (mailed from the support address)`, replyText),
      "Send reply", "",
      act("reply", "reply", () => ({ text: replyText.value }), () => "The reply was mailed and recorded.")),
    actionForm("note", "Internal note", field("note-text", "Note (never mailed; no effect on the clock)", noteText),
      "Add note", "",
      act("note", "notes", () => ({ text: noteText.value }), () => "The note was added.")),
    actionForm("priority", "Change the priority", [...field("priority-severity", "New severity", sev), ...field("priority-reason", "Reason (told to the requester)", sevReason)],
      "Change priority", "Pick a severity the case's tier covers, other than the current one.",
      act("priority", "priority", () => ({ severity: sev.value, reason: sevReason.value }), (x) => `The priority was changed; ${x.notice || ""}.`)),
    actionForm("wait", "Wait on the customer", field("wait-reason", "Reason (the clock pauses until their next message)", waitReason),
      "Wait on the customer", "Only an open case that is not already waiting can wait.",
      act("wait", "wait", () => ({ reason: waitReason.value }), () => "The case waits on the customer; the clock is paused.")),
    actionForm("close", "Close the case", field("close-reason", "Reason", closeReason),
      "Close case", "A closed case has to be reopened before anything else.",
      act("close", "close", () => ({ reason: closeReason.value }), () => "The case was closed.")),
    actionForm("reopen", "Reopen the case", field("reopen-reason", "Reason (starts a new first-response target)", reopenReason),
      "Reopen case", "Only a closed case can be reopened.",
      act("reopen", "reopen", () => ({ reason: reopenReason.value }), () => "The case was reopened.")));

  const cd = d.countdown;
  const countdownEl = h("div", { class: "countdown", id: "case-countdown" });
  let dueLine;
  if (cd) {
    dueLine = h("section", { class: "card due" }, h("h2", {}, `Due from us: ${metricWords(cd.metric)} (${cd.target})`),
      h("p", {}, "Due ", bothZones(cd.due, zone)), countdownEl);
  } else {
    const why = c.status === "closed" ? "the case is closed"
      : c.status === "waiting" ? "the case waits on the customer (the clock is paused)"
        : "nothing is due from us now";
    dueLine = h("section", { class: "card due" }, h("h2", {}, "Due from us: nothing"), h("p", { id: "case-countdown" }, `Nothing is due: ${why}.`));
  }

  setMain(`Case ${c.case_id}: ${c.subject || "(no subject)"}`,
    h("p", { class: "meta", id: "case-meta" },
      `Status: ${c.status}. ${policy.name || c.policy}, ${c.tier} tier, severity ${c.severity}, queue ${c.queue}. Requester: ${c.requester || "(none)"}${c.organisation_name ? ` (${c.organisation_name})` : ""}.`),
    h("p", {}, h("a", { href: `#/agents/queues/${enc(c.policy)}/${enc(c.queue)}` }, `Back to queue ${c.queue}`)),
    dueLine,
    d.cycles ? cyclesTable(d.cycles, zone) : h("p", {}, "This case has no clock (opened before conversations)."),
    h("h2", {}, "Conversation"),
    h("p", { class: "hint" }, `Times in the policy's zone (${zone}), yours (${localZone}) beside them. Customers' message bodies stay in the raw mail; the texts shown are the ones written here.`),
    conversation(d, zone),
    actions,
    h("h2", {}, "Clock ledger"),
    explain.ok ? h("pre", { id: "explain", class: "explain", tabindex: "0" }, explain.data.explain)
      : h("p", { class: "error", role: "alert" }, refusal(explain, AGENT_HINTS)));
  // Only the countdown is refreshed: the forms keep what is being typed.
  const live = (x) => tick([{ el: countdownEl, cd: x, received: performance.now() }], async () => {
    const r = await api("GET", path);
    if (r.ok && r.data.countdown) live(r.data.countdown);
    else if (r.ok) countdownEl.replaceChildren("Nothing is due from us now; reload the page for the latest state.");
  });
  if (cd) live(cd);
  if (focusKey) {
    const el = document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
    if (el) el.focus();
  }
}
