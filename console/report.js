// The organisation's SLA report: a month of attainment, per severity, from the admin API's
// GET /orgs/{org}/report?month=YYYY-MM (docs/watch.md has its JSON shape). The figures are the
// API's own (computed from the clock ledgers); the page only lays them out, in words as well as
// numbers, with instants in the policy's zone and the viewer's beside them.

import { state, h, setMain, parts, bothZones, policyOf, refusal, api, enc } from "./ui.js";

const MONTH = /^\d{4}-\d{2}$/;

// Plain words for the report's refusals (the API's own sentence comes first).
const REPORT_HINTS = {
  forbidden: "Only the organisation's administrators see its SLA report.",
  "bad-request": "Write the month as YYYY-MM, e.g. 2026-11.",
  "reports-unavailable": "This deployment does not keep attainment reports yet; ask your vendor.",
  "cases-unavailable": "Try again in a minute.",
  "policy-not-loaded": "Ask your vendor: the organisation's support policy is not served here.",
};

/** The current month where the policy keeps its hours. */
export function currentMonth(zone) {
  const p = parts(new Date(), zone, { year: "numeric", month: "2-digit" });
  return `${p.year}-${p.month}`;
}

function shiftMonth(month, by) {
  const [y, m] = month.split("-").map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

function monthWords(month) {
  const [y, m] = month.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, 1)));
}

function minutesText(n) {
  if (n === null || n === undefined) return "none measured";
  const hm = n >= 60 ? ` (${Math.floor(n / 60)} h ${String(n % 60).padStart(2, "0")} min)` : "";
  return `${n} min${hm}`;
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

// The cycles a row counts besides met and missed, in words.
function otherCycles(a) {
  const out = [];
  if (a.pending) out.push(`${a.pending} running, not yet due`);
  if (a.closed_unanswered) out.push(`${a.closed_unanswered} closed before due without an answer`);
  if (a.no_commitment) out.push(`${a.no_commitment} without a commitment`);
  return out;
}

function severityLabel(policyId, id) {
  const p = state.policies[policyId];
  const s = p && p.severities && p.severities.find((x) => x.id === id);
  return s ? s.label : id;
}

function metricWords(m) {
  return m === "first-response" ? "First response" : m === "update" ? "Update" : m;
}

function dayText(date, zone) {
  // A closed day is a date in the calendar's zone: shown as the date and its weekday.
  const [y, m, d] = date.split("-").map(Number);
  const weekday = new Intl.DateTimeFormat("en-GB", { weekday: "long", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
  return `${weekday} ${date} (${zone})`;
}

function rowsTable(report, policyId) {
  const cell = (key, value) => h("td", { "data-figure": key }, value);
  const rows = report.rows.map((r) => {
    const other = [...otherCycles(r.first_response).map((t) => `first response: ${t}`),
      ...otherCycles(r.update).map((t) => `update: ${t}`)];
    return h("tr", { "data-severity": r.severity },
      h("th", { scope: "row" }, severityLabel(policyId, r.severity)),
      cell("cases", r.cases),
      cell("first-met", r.first_response.met),
      cell("first-missed", r.first_response.missed),
      cell("update-met", r.update.met),
      cell("update-missed", r.update.missed),
      cell("median", minutesText(r.first_response_minutes.median)),
      cell("p90", minutesText(r.first_response_minutes.p90)),
      cell("pauses", `${plural(r.pauses, "pause", "pauses")}, ${r.paused_minutes} min paused`),
      cell("other", other.length ? other.join("; ") : "none"));
  });
  const col = (t) => h("th", { scope: "col" }, t);
  return h("table", { id: "report-rows" },
    h("caption", {}, "Attainment per severity"),
    h("thead", {}, h("tr", {},
      col("Severity"), col("Cases"),
      col("First responses met"), col("First responses missed"),
      col("Update targets met"), col("Update targets missed"),
      col("Median time to first response"), col("90th percentile"),
      col("Pauses"), col("Other cycles"))),
    h("tbody", {}, rows));
}

function breachesTable(report, policyId, zone) {
  if (!report.breaches.length) {
    return h("p", { id: "report-breaches" }, "No breaches: every due instant of the month was met or is still ahead.");
  }
  const col = (t) => h("th", { scope: "col" }, t);
  return h("table", { id: "report-breaches" },
    h("caption", {}, `Breaches (${report.breaches.length})`),
    h("thead", {}, h("tr", {}, col("Case"), col("Severity"), col("Target"), col("Due"), col("Answered"), col("Minutes over"))),
    h("tbody", {}, report.breaches.map((b) => h("tr", { "data-case": b.case_id },
      h("th", { scope: "row" }, b.case_id),
      h("td", {}, severityLabel(policyId, b.severity)),
      h("td", {}, metricWords(b.metric)),
      h("td", {}, bothZones(b.due, zone)),
      h("td", {}, b.answered ? bothZones(b.answered, zone) : "Not answered yet"),
      h("td", { "data-figure": "over" }, `${b.minutes_over} min over`)))));
}

function holidaysList(report) {
  if (!report.holidays.length) {
    return h("p", { id: "report-holidays" }, "No holiday or closure fell inside this month's response times.");
  }
  return h("ul", { id: "report-holidays" }, report.holidays.map((d) => {
    const p = state.policies[report.policy];
    const zone = (p && p.zone) || "UTC";
    return h("li", {}, `${d.name}: ${dayText(d.date, zone)}, not counted (calendar ${d.calendar})`);
  }));
}

/** `#/orgs/<id>/report[/<YYYY-MM>]`. `subnav` is the organisation's navigation. */
export async function renderReport(orgId, monthArg, subnav) {
  const org = await api("GET", `/orgs/${enc(orgId)}`);
  // A member is refused the organisation itself; the report's own refusal is the one to show.
  const p = org.ok ? policyOf(org.data) : { zone: "UTC", name: "", tier: "" };
  const name = org.ok ? org.data.name : orgId;
  const month = monthArg && MONTH.test(monthArg) ? monthArg : currentMonth(p.zone);
  const go = (m) => { location.hash = `#/orgs/${enc(orgId)}/report/${m}`; };

  const input = h("input", {
    id: "report-month", name: "month", type: "text", inputmode: "numeric", required: true,
    pattern: "\\d{4}-\\d{2}", value: month, "aria-describedby": "report-month-hint report-error",
  });
  const error = h("p", { class: "error", id: "report-error", role: "alert" });
  const picker = h("form", { class: "month-picker", id: "report-picker", onsubmit: (ev) => {
    ev.preventDefault();
    const m = input.value.trim();
    if (!MONTH.test(m)) { error.textContent = `Refused: ${JSON.stringify(m)} is not a month. ${REPORT_HINTS["bad-request"]}`; input.focus(); return; }
    go(m);
  } },
  h("p", {}, h("label", { for: "report-month" }, "Month"), input),
  h("p", {},
    h("button", { type: "submit", class: "primary", id: "report-show" }, "Show report"),
    h("button", { type: "button", id: "report-prev", onclick: () => go(shiftMonth(month, -1)) }, `\u2190 ${monthWords(shiftMonth(month, -1))}`),
    h("button", { type: "button", id: "report-next", onclick: () => go(shiftMonth(month, 1)) }, `${monthWords(shiftMonth(month, 1))} \u2192`)),
  h("p", { class: "hint", id: "report-month-hint" }, `YYYY-MM; months begin and end at midnight in ${p.zone}.`),
  error);

  const r = await api("GET", `/orgs/${enc(orgId)}/report?month=${enc(month)}`);
  const title = `${name}: SLA report, ${monthWords(month)}`;
  if (!r.ok) {
    // The refusal in plain words; the navigation only for those the organisation answers.
    return setMain(title, org.ok ? subnav(orgId, "report") : "",
      h("p", { class: "error", role: "alert", id: "org-error" }, refusal(r, REPORT_HINTS)),
      org.ok ? picker : "");
  }
  const rep = r.data;
  const total = rep.rows.reduce((a, x) => ({
    met: a.met + x.first_response.met, missed: a.missed + x.first_response.missed,
    breaches: a.breaches + x.breaches,
  }), { met: 0, missed: 0, breaches: 0 });
  const summary = rep.cases
    ? `${plural(rep.cases, "case", "cases")} opened in ${monthWords(month)}. First responses: ${total.met} met, ${total.missed} missed. ${plural(rep.breaches.length, "breach", "breaches")} in all.`
    : `No case was opened in ${monthWords(month)}.`;
  setMain(title,
    h("p", { class: "meta" }, `${p.name}, ${p.tier} tier. Cases opened in the month in the policy's zone (${p.zone}); minutes are business minutes on each target's own calendar (elapsed minutes for round-the-clock targets), pauses left out. Read as of `, bothZones(rep.as_of, p.zone), "."),
    subnav(orgId, "report"),
    picker,
    h("p", { class: "count", id: "report-summary" }, summary),
    rep.rows.length ? rowsTable(rep, rep.policy) : "",
    h("h2", {}, "Breaches"),
    breachesTable(rep, rep.policy, p.zone),
    h("h2", {}, "Holidays applied"),
    holidaysList(rep),
    rep.unreadable.length ? h("section", {}, h("h2", {}, "Cases not counted"),
      h("ul", { id: "report-unreadable" }, rep.unreadable.map((u) => h("li", {}, u)))) : "");
}
