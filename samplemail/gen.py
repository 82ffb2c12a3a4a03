#!/usr/bin/env python3
"""Generate slamail's sample inbound mail: one .eml and one SES Lambda-action event per scenario,
two S3 object-created events, and scenarios.toml with the expected outcome of each message.

Python 3.11 standard library only. Run from anywhere: `python3 samplemail/gen.py`.
Output is deterministic (ids, hashes and placeholders are derived from the scenario names), so a
re-run produces byte-identical files; the committed outputs are what the product and tests use.

The expected deadlines in SCENARIOS are written by hand (with the arithmetic in a comment); the
small business-calendar model at the bottom recomputes each one independently and the script
refuses to write anything if the two disagree.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import sys
import tomllib
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
PT = ZoneInfo("America/Los_Angeles")
ET = ZoneInfo("America/New_York")
UTC = dt.timezone.utc

REGION = "us-east-1"
ACCOUNT = "111122223333"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:slamail-intake"
BUCKET = "slamail-demo-raw-mail"
PREFIX = "inbound/"
CRLF = "\r\n"


# ---------------------------------------------------------------------------------------------
# Small deterministic helpers
# ---------------------------------------------------------------------------------------------

def h(seed: str, n: int = 32) -> bytes:
    """Deterministic pseudo-random bytes."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}#{i}".encode()).digest()
        i += 1
    return out[:n]


def ses_id(name: str) -> str:
    """A 40-character SES-style message id ([0-9a-v], like real SES inbound ids)."""
    return base64.b32hexencode(h("ses-id:" + name, 30)).decode().lower()[:40]


def b64(seed: str, n: int) -> str:
    return base64.b64encode(h(seed, n)).decode()


def hexs(seed: str, n: int) -> str:
    return h(seed, n).hex()


def rfc2822(t: dt.datetime) -> str:
    """'Mon, 30 Nov 2026 14:09:52 -0800' in t's own offset."""
    off = t.utcoffset()
    assert off is not None
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    mins = abs(mins)
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return (f"{days[t.weekday()]}, {t.day} {months[t.month - 1]} {t.year} "
            f"{t:%H:%M:%S} {sign}{mins // 60:02d}{mins % 60:02d}")


def iso_z(t: dt.datetime) -> str:
    u = t.astimezone(UTC)
    return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{u.microsecond // 1000:03d}Z"


def rfc3339(t: dt.datetime) -> str:
    return t.isoformat()


def crlf(text: str) -> str:
    """Normalise a Python literal to CRLF line endings."""
    return text.replace("\r\n", "\n").replace("\n", CRLF)


def fold(value: str, width: int = 76) -> str:
    """Fold a long structured header value at '; ' / ' ' boundaries with CRLF + TAB."""
    if len(value) <= width:
        return value
    parts = value.split(" ")
    lines, cur = [], ""
    for p in parts:
        if cur and len(cur) + 1 + len(p) > width:
            lines.append(cur)
            cur = p
        else:
            cur = f"{cur} {p}" if cur else p
    lines.append(cur)
    return (CRLF + "\t").join(lines)


def unfold(value: str) -> str:
    """Unfolded header value as SES reports it (folding whitespace kept as one space)."""
    return value.replace(CRLF + "\t", " ").replace(CRLF, "")


def addr_only(v: str) -> str:
    v = v.strip()
    if "<" in v and ">" in v:
        return v[v.index("<") + 1:v.index(">")]
    return v


def qp(text: str) -> str:
    """Quoted-printable for UTF-8/ASCII text bodies with CRLF lines (soft breaks at 76)."""
    import quopri
    data = crlf(text).encode("utf-8")
    return quopri.encodestring(data).decode("ascii").replace("\r\n", "\n").replace("\n", CRLF)


# ---------------------------------------------------------------------------------------------
# Sender infrastructure (all invented; reserved documentation IP ranges and .example domains)
# ---------------------------------------------------------------------------------------------

ACME = dict(domain="acme.example", helo="mail.acme.example", ip="198.51.100.23",
            mta="mail.acme.example (Postfix)")
GLOBEX = dict(domain="globex.example", helo="mx-out.globex.example", ip="203.0.113.45",
              mta="mx-out.globex.example (Exim 4.98)")
INITECH = dict(domain="initech.example", helo="outbound.initech.example", ip="192.0.2.61",
               mta="outbound.initech.example (Postfix)")
HOOLI = dict(domain="hooli.example", helo="smtp-out-3.hooli.example", ip="198.51.100.140",
             mta="smtp-out-3.hooli.example (Postfix)")


def authres(spf: str, spf_domain: str, ip: str, env_from: str, helo: str,
            dkim: str, dkim_domain: str | None, dmarc: str, from_domain: str | None) -> tuple[str, str]:
    """(Received-SPF value, Authentication-Results value) as SES writes them, consistent with
    the verdicts. GRAY = no record / no signature / no DMARC policy."""
    if spf == "PASS":
        spf_word, spf_why = "pass", f"domain of {spf_domain} designates {ip} as permitted sender"
    elif spf == "FAIL":
        spf_word, spf_why = "fail", f"domain of {spf_domain} does not designate {ip} as permitted sender"
    else:
        spf_word, spf_why = "none", f"{ip} is neither permitted nor denied by domain of {spf_domain}"
    spf_tail = f"client-ip={ip}; envelope-from={env_from}; helo={helo};"
    received_spf = f"{spf_word} (spfCheck: {spf_why}) {spf_tail}"
    parts = [f"amazonses.com; spf={spf_word} (spfCheck: {spf_why}) {spf_tail}"]
    if dkim == "PASS":
        parts.append(f"dkim=pass header.i=@{dkim_domain};")
    elif dkim == "FAIL":
        parts.append(f"dkim=fail header.i=@{dkim_domain};")
    else:
        parts.append("dkim=none;")
    if from_domain:
        word = {"PASS": "pass", "FAIL": "fail"}.get(dmarc, "none")
        parts.append(f"dmarc={word} header.from={from_domain};")
    else:
        parts.append("dmarc=none;")
    return received_spf, " ".join(parts)


def dkim_sig(domain: str, selector: str, t: dt.datetime, hdrs: str, body: bytes, seed: str) -> str:
    bh = base64.b64encode(hashlib.sha256(body).digest()).decode()
    return (f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s={selector}; "
            f"t={int(t.timestamp())}; h={hdrs}; bh={bh}; b={b64('sig:' + seed, 128)}")


# ---------------------------------------------------------------------------------------------
# Message bodies (written for these samples)
# ---------------------------------------------------------------------------------------------

BODY_01_TEXT = """\
Hi ActiveState Support,

Severity: Critical

Since about 13:40 PST today every build of our production project
acme/platform-runtime fails at the "Resolve dependencies" step. This blocks
all of our release pipelines: nothing can be deployed until it is fixed.

What we see:
- Platform project: acme/platform-runtime, commit 5e1c2a9 (unchanged since
  last Thursday, and it built fine this morning at 09:15)
- Runtime: Python 3.11, linux-glibc-x86_64 and windows-x86_64
- Error, identical on every attempt:

    Solver error: no candidate satisfies requirement "openssl>=3.0.15"
    for platform linux-glibc-x86_64 (ingredient catalog timestamp
    2026-11-30T21:32:05Z)

- Re-running with the previous catalog timestamp (2026-11-27) succeeds, so
  this looks like a catalog change rather than anything on our side.

Impact: 14 CI pipelines and two customer-facing deployments are blocked. We
have a release window tomorrow at 07:00 PST.

Could you confirm whether something changed in the catalog this afternoon,
and whether pinning the catalog timestamp is a safe workaround until it is
fixed?

Build logs are available in the Platform under the project's build history;
I can attach the full solver output if that helps.

Thanks,
Alice Nguyen
Build & Release Engineering, Acme Corp.
+1 415 555 0142
"""

BODY_02 = """\
Hello,

Severity: Critical

Our nightly and on-demand CI runs started failing at 17:20 PST. Every agent
that installs the runtime with the state tool gets the same error:

    state install: error: failed to download artifact
    7d0c4e3b-..., HTTP 503 from the artifact server (after 5 retries)

This affects all 40 CI agents in both data centres; no build has completed
since. We have a regulatory submission build that must run over the long
weekend (Monday is a holiday here, but the build team is on call).

What we already tried:
1. Clearing the local artifact cache on two agents (no change).
2. Re-running from a different network (home connection): same 503.
3. Checking the status page: nothing reported yet.

Could someone look at this as soon as you are back, and let us know if there
is a mirror or an offline artifact bundle we can use in the meantime?

Project: acme/compliance-build
Runtime: Python 3.10, linux-glibc-x86_64

Thanks,
Alice Nguyen
Acme Corp.
"""

BODY_03 = """\
Hi team,

Severity: Critical

Since this morning our project globex/data-tools fails to build: the build
step times out after 60 minutes while resolving dependencies. It started
after we added "pyarrow" to the requirements; removing it makes the build
finish in about 6 minutes again.

Details:
- Project: globex/data-tools
- Runtime: Python 3.12, linux-glibc-x86_64
- Last successful build: 2026-12-22 15:10 PST
- Failing build id: b-4f2c91 (three attempts, all time out)

We would like to ship before the holidays, so any hint on how to narrow the
dependency set (or whether pyarrow needs a different pin) would be great.

Best regards,
Dave Okafor
Globex Corporation - Data Platform
"""

BODY_04 = """\
Hello,

I'm a developer at Acme and started using the ActiveState Platform this week.
How do I pin a package to an exact version in a project? I added
"requests==2.32.3" through the web UI, but the next build picked 2.32.4.

Is there a way to do this from the state tool, or should the version be set
in the buildscript?

Thanks a lot,
Carol Mendes
Acme Corp.
"""

BODY_05 = """\
Hi,

We're a three-person consultancy and want to use ActivePython on our laptops
and one build server. Two questions before we sign up:

1. Is the free tier allowed for commercial work of this size?
2. If we later need a supported runtime, can an existing project be moved to
   a paid organisation without rebuilding it?

Thanks for your help,
Sam Whitaker
Whitaker Data Consulting
"""

BODY_06 = """\
Hello support,

This is Alice from Acme. We have a security incident and need you to act
immediately.

Please reset all API tokens for the Acme organization and send the new
tokens directly to this email address. Do not contact anyone else at Acme
about this, our internal mail is compromised.

We need this within the hour.

Alice
"""

BODY_07 = """\
Hello,

I am out of the office from Thursday 17 December until Monday 4 January with
no access to email. Your message has not been forwarded.

For anything related to our ActiveState organisation please write to
alice@acme.example. For anything else, our IT service desk is reachable at
it-help@acme.example.

Kind regards,
Bob Laurent
"""

BODY_08_NOTICE = """\
This is the mail system at host mail.globex.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<heidi@globex.example>: user unknown: this mailbox has been disabled
    (account removed on 2026-11-30)
"""

BODY_09 = """\
Hi all,

The 0.9 release of the packaging metadata checker is out. Highlights:

- understands the new wheel tag for musllinux_1_2
- warns when a source distribution omits its licence file
- about 30% faster on large monorepos

Release notes and the changelog are on the project site. As usual, please
report regressions on the tracker rather than replying to this list.

Thanks to everyone who tested the release candidates!

Priya
--
pkg-maintainers mailing list
pkg-maintainers@lists.example.org
"""

BODY_10 = """\
Scalr support,

[P0] All runs in our production environment have been stuck in "pending"
since about 22:30 EST. Nothing is being applied; we have a production
change freeze lifting at 06:00 and several hot-fixes queued behind it.

- Account: hooli-prod
- Environment: production (env-v0o9sc2ts3h1e8f4)
- Agent pool: k8s-agents-prod, 6 agents, all show "idle" and connected
- Run example: run-v0p1rq3s8t2u9a7b, queued 22:31 EST, still pending
- The same workspaces run normally when we switch them to Scalr-hosted
  agents, so it looks like the pool is not being assigned work.

We restarted the agent deployment at 22:40 EST; no change.

Please call me on +1 650 555 0187 if that is faster.

Frank Ibarra
Infrastructure, Hooli
"""

BODY_11 = """\
Hello Alectrona support,

Priority: Urgent

We have a total outage: since about 16:40 ET none of our 1,200 managed
laptops can check in with the management server. The admin console loads,
but every device shows "last check-in" before 16:38, and new enrolments
fail with "profile server unreachable".

Nothing changed on our side today. Our server is on version 4.7.2.

Please treat this as an emergency; our help desk is getting a call a minute.

Erin Castillo
Client Engineering, Initech
+1 212 555 0119
"""

BODY_22 = """\
Hello,

Priority: High

Since this morning the patch compliance report shows about 300 of our
macOS devices as missing the November updates, although the devices
themselves report the updates as installed. Our auditors rely on this
report, so we need it to be accurate again before Friday.

The server is on version 4.7.2. I can send the device export if useful.

Ivan Petrov
Endpoint Team, Initech
"""

BODY_23 = """\
Hello ActiveState Enterprise Support,

Since Saturday every nightly build of our acme/runtime project fails at
dependency resolution ("no solution found for requests==2.32.3 on
linux-x86_64"). Daytime builds of the same commit succeed about half of
the time. Our release for Thursday depends on these builds.

The last good nightly build was on Friday 11 December.

Alice Nguyen
Platform Engineering, Acme Corporation
"""

BODY_12 = """\
Hello,

We would like to add a second build project (acme/edge-agent) to our
enterprise plan and have it share the existing private package mirror. Is
that covered by our current agreement, or does it need an amendment?

Also, who should we talk to about moving the billing contact to our
procurement team?

No rush on this one.

Thanks,
Alice Nguyen
Acme Corp.
"""

BODY_13 = """\
Hola,

Desde ayer no puedo instalar el entorno de ActivePython en mi portátil con
Windows 11. El instalador se detiene al 40 % con el mensaje
«No se pudo descargar el catálogo de paquetes».

He probado también desde otra red (la del móvil) y ocurre lo mismo. ¿Hay
algún problema conocido con el catálogo o necesito configurar un proxy?

Muchas gracias y un saludo,
José Peña Ibáñez
Sevilla, España
"""

BODY_15 = """\
Hello,

Priority: High

We use Alectrona to manage about 40 Macs at our dental practice. Since last
week the enrolment profile does not apply to the three new MacBooks we
received: they finish setup but never appear in the console, and the Wi-Fi
profile is missing.

The older Macs still check in normally. Could you tell us what we should
check, and whether this needs a support agreement?

Thanks,
Marcus Bell
Riverside Dental Group
"""

BODY_16 = """\
Hi,

[P1] Since this afternoon every run in our workspace "network-core" fails
during init with:

    Error: Failed to install provider
    the local package for registry.example.org/acme/netbox 4.1.0 doesn't
    match any of the checksums previously recorded in the dependency lock
    file

We did not change the lock file. Is the provider cache on the Scalr side
stale? We are on the free plan.

Thanks,
Lena Kowalski
Tinkerlab
"""

BODY_17 = """\
Hello,

Severity: Severe

Since about 13:30 PST our private package mirror
(pkg-mirror.acme.activestate.example) answers roughly 30% of requests with
HTTP 502 Bad Gateway. Builds retry and eventually pass, but build times have
tripled and two release pipelines timed out this afternoon.

- Organisation: acme
- Affected: all projects using the private mirror
- First error seen: 2026-11-25 13:28 PST
- Sample request id from the 502 response: 9c1d7e40a2f3b851

We would appreciate an update before the long weekend if at all possible.

Thanks,
Bob Laurent
Platform Operations, Acme Corp.
"""

BODY_18 = """\
Hello,

A quick question about our team plan: when a build fails because the source
archive of a package is unavailable upstream, is there a way to see which
mirror the Platform tried? The build log only shows "source fetch failed".

This happened for build b-7a11e0 in globex/data-tools this afternoon; a
retry an hour later worked, so it is not blocking us.

Thanks,
Dave Okafor
Globex Corporation - Data Platform
"""

BODY_19_TEXT = """\
Dear customer,

Our records show that invoice 88213 is overdue. Please open the attached
document to review the outstanding amount and payment instructions.

Failure to pay within 48 hours will result in suspension of your services.

Accounts Payable
"""

BODY_20 = """\
Hello,

We will perform planned maintenance on the ActiveState Platform build farm
on Saturday 12 December 2026 from 06:00 to 08:00 PST. During this window
new builds will be queued and start once maintenance is complete; existing
runtimes and installed packages are not affected.

No action is needed on your side.

ActiveState Support
support@activestate.com
"""

BODY_21 = """\
Hi,

Could you confirm that our team plan includes the Windows ARM64 runtimes?
We would like to start a pilot in January and want to make sure builds for
windows-arm64 are available to our organisation. The pilot would start
with two developers and one build agent; if it goes well we would move the
whole data-tools project over in the spring.

Thanks,
Dave Okafor
Globex Corporation
"""


def html_01() -> str:
    return """\
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>
<body><p>Hi ActiveState Support,</p>
<p><b>Severity: Critical</b></p>
<p>Since about 13:40 PST today every build of our production project <code>acme/platform-runtime</code>
fails at the &quot;Resolve dependencies&quot; step. This blocks all of our release pipelines:
nothing can be deployed until it is fixed.</p>
<ul>
<li>Platform project: acme/platform-runtime, commit 5e1c2a9 (unchanged since last Thursday, and it built fine this morning at 09:15)</li>
<li>Runtime: Python 3.11, linux-glibc-x86_64 and windows-x86_64</li>
<li>Error, identical on every attempt:<br><pre>Solver error: no candidate satisfies requirement &quot;openssl&gt;=3.0.15&quot;
for platform linux-glibc-x86_64 (ingredient catalog timestamp
2026-11-30T21:32:05Z)</pre></li>
<li>Re-running with the previous catalog timestamp (2026-11-27) succeeds, so this looks like a catalog change rather than anything on our side.</li>
</ul>
<p>Impact: 14 CI pipelines and two customer-facing deployments are blocked. We have a release window tomorrow at 07:00 PST.</p>
<p>Could you confirm whether something changed in the catalog this afternoon, and whether pinning the catalog timestamp is a safe workaround until it is fixed?</p>
<p>Thanks,<br>Alice Nguyen<br>Build &amp; Release Engineering, Acme Corp.<br>+1 415 555 0142</p>
</body></html>
"""


def zip_attachment() -> bytes:
    """A harmless stand-in for the malicious attachment (SES's verdict is what matters)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("Invoice_88213.pdf.js", date_time=(2026, 12, 11, 5, 40, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, "// slamail sample: inert placeholder for a malicious script.\n"
                         "// The SES virus verdict in the event is FAIL; this file does nothing.\n")
    return buf.getvalue()


def b64_lines(data: bytes) -> str:
    s = base64.b64encode(data).decode()
    return CRLF.join(s[i:i + 76] for i in range(0, len(s), 76)) + CRLF


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------
# Each scenario: message facts (headers, body, envelope, verdicts) and the expected outcome.
# `deadline` is written by hand; `check_deadline` below recomputes it.

def T(y, mo, d, hh, mm, tz) -> dt.datetime:
    return dt.datetime(y, mo, d, hh, mm, 0, tzinfo=tz)


SCENARIOS: list[dict] = [
    dict(
        n=1, slug="enterprise-critical", policy="activestate",
        description="Designated Enterprise contact reports a Level 1 outage on a Monday afternoon (DMARC PASS).",
        received=T(2026, 11, 30, 14, 10, PT), org=ACME,
        from_="Alice Nguyen <alice@acme.example>", to=["ActiveState Support <support@activestate.com>"],
        cc=["Bob Laurent <bob@acme.example>"],
        subject="[Level 1] Production builds failing for all runtimes since 13:40 PST",
        envelope="alice@acme.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body_kind="alternative", body=BODY_01_TEXT, html=html_01(),
        expect=dict(tier="enterprise", tier_reason="designated-contact", severity_asked="critical",
                    severity="critical", clamped=False, deadline=T(2026, 11, 30, 16, 10, PT),
                    queue="enterprise-urgent", reply="sent", target=("bh", 2)),
        arithmetic="Mon 2026-11-30 14:10 PST is inside 08:00-17:00; +2 business hours = Mon 2026-11-30 16:10 PST (before 17:00 close).",
    ),
    dict(
        n=2, slug="enterprise-critical-holiday-weekend", policy="activestate",
        description="The same kind of Level 1 outage on a Friday evening before MLK Day: clock starts Tuesday 08:00.",
        received=T(2027, 1, 15, 18, 0, PT), org=ACME,
        from_="Alice Nguyen <alice@acme.example>", to=["support@activestate.com"], cc=[],
        subject="[Level 1] Runtime installs failing on all CI agents (HTTP 503)",
        envelope="alice@acme.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_02,
        expect=dict(tier="enterprise", tier_reason="designated-contact", severity_asked="critical",
                    severity="critical", clamped=False, deadline=T(2027, 1, 19, 10, 0, PT),
                    queue="enterprise-urgent", reply="sent", target=("bh", 2)),
        arithmetic="Fri 2027-01-15 18:00 PST is after 17:00 close; Sat 01-16 and Sun 01-17 closed; Mon 2027-01-18 is MLK Day (3rd Monday of January: 4, 11, 18) closed; clock starts Tue 2027-01-19 08:00; +2 business hours = Tue 2027-01-19 10:00 PST.",
    ),
    dict(
        n=3, slug="team-critical-clamped", policy="activestate",
        description="Team designated contact asks for Critical; Team covers Minor only, so it is clamped to Minor (2 business days, over Christmas). globex.example publishes no DMARC: verified by DKIM aligned with the From domain.",
        received=T(2026, 12, 23, 9, 45, PT), org=GLOBEX,
        from_="Dave Okafor <dave@globex.example>", to=["support@activestate.com"], cc=[],
        subject="Build step times out when resolving dependencies",
        envelope="dave@globex.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="GRAY"),
        body=BODY_03,
        expect=dict(tier="team", tier_reason="designated-contact", severity_asked="critical",
                    severity="minor", clamped=True, deadline=T(2026, 12, 28, 9, 45, PT),
                    queue="team", reply="sent", target=("bd", 2)),
        arithmetic="Wed 2026-12-23 09:45 PST is inside hours, clock starts then; business day 1 = Thu 2026-12-24 (open: not a federal holiday), Fri 2026-12-25 Christmas closed, Sat/Sun closed, business day 2 = Mon 2026-12-28; same clock time -> Mon 2026-12-28 09:45 PST.",
    ),
    dict(
        n=4, slug="not-designated-colleague", policy="activestate",
        description="A verified member of the Enterprise customer who is not a designated contact gets the Free tier; the reply points to the forum.",
        received=T(2026, 12, 1, 10, 30, PT), org=ACME,
        from_="Carol Mendes <carol@acme.example>", to=["support@activestate.com"], cc=[],
        subject="How do I pin a package to an exact version?",
        envelope="carol@acme.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_04,
        expect=dict(tier="free", tier_reason="not-designated-contact", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free", reply="sent"),
        arithmetic="Free tier: no commitment (no target), no deadline.",
    ),
    dict(
        n=5, slug="unknown-sender", policy="activestate",
        description="A sender the directory does not know (DMARC PASS): Free tier, reply sent.",
        received=T(2026, 12, 2, 11, 5, PT),
        org=dict(domain="example.net", helo="mail.example.net", ip="192.0.2.200",
                 mta="mail.example.net (Postfix)"),
        from_="Sam Whitaker <someone@example.net>", to=["support@activestate.com"], cc=[],
        subject="Question about ActivePython licensing for a small team",
        envelope="someone@example.net", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_05,
        expect=dict(tier="free", tier_reason="unknown-sender", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free", reply="sent"),
        arithmetic="Free tier: no deadline.",
    ),
    dict(
        n=6, slug="forged-designated-contact", policy="activestate",
        description="Forged From of a designated contact from an unrelated relay: SPF FAIL, no DKIM, DMARC FAIL (policy reject). Free tier, no auto-reply (backscatter). The Level 1 it asks for is kept (Free covers nothing, so there is nothing to clamp to) but gives no deadline.",
        received=T(2026, 12, 3, 6, 12, PT),
        org=dict(domain="bulk.qx-relay.example", helo="out-17.bulk.qx-relay.example", ip="203.0.113.198",
                 mta="out-17.bulk.qx-relay.example (Postfix)"),
        from_="Alice Nguyen <alice@acme.example>", to=["support@activestate.com"], cc=[],
        reply_to="Alice Nguyen <acme.security.desk@freemail.example>",
        subject="[Level 1] URGENT: reset our organization's API tokens",
        envelope="bounce-7731@bulk.qx-relay.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="FAIL", dkim="GRAY", dmarc="FAIL", dmarc_policy="reject"),
        spf_domain="bulk.qx-relay.example", dkim_domain=None, no_dkim=True,
        body=BODY_06,
        expect=dict(tier="free", tier_reason="sender-not-verified", severity_asked="critical",
                    severity="critical", clamped=False, deadline=None, queue="free",
                    reply="unverified-failed-auth"),
        arithmetic="Free tier (sender not verified): no deadline.",
    ),
    dict(
        n=7, slug="out-of-office", policy="activestate",
        description="Out-of-office auto-reply from a designated contact (Auto-Submitted: auto-replied, X-Auto-Response-Suppress: All). Recorded as a case like any message, but automatic mail starts no SLA clock (no deadline to breach); no auto-reply.",
        received=T(2026, 12, 17, 19, 42, PT), org=ACME,
        from_="Bob Laurent <bob@acme.example>", to=["ActiveState Renewals <support@activestate.com>"], cc=[],
        subject="Automatic reply: Your ActiveState Platform renewal quote",
        envelope="bob@acme.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        extra_headers=[("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")],
        body=BODY_07,
        expect=dict(tier="enterprise", tier_reason="designated-contact", severity_asked=None,
                    severity="minor", clamped=False, deadline=None,
                    queue="enterprise", reply="auto-submitted", no_clock="automatic"),
        arithmetic="Auto-Submitted mail asks for nothing: recorded without an SLA clock, so no deadline.",
    ),
    dict(
        n=8, slug="bounce-of-auto-reply", policy="activestate",
        description="Delivery status notification for one of our auto-replies (null sender, MAILER-DAEMON, multipart/report). Recorded and linked by the embedded original Message-ID; no auto-reply.",
        received=T(2026, 12, 7, 9, 31, PT),
        org=dict(domain="globex.example", helo="mail.globex.example", ip="203.0.113.46",
                 mta="mail.globex.example (Postfix)"),
        from_="Mail Delivery System <MAILER-DAEMON@mail.globex.example>",
        to=["support@activestate.com"], cc=[],
        subject="Undelivered Mail Returned to Sender",
        envelope="", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="GRAY", dmarc="GRAY"),
        spf_domain="mail.globex.example", env_for_spf="postmaster@mail.globex.example",
        dkim_domain=None, no_dkim=True, body_kind="bounce", sent_before=9,
        hop="by mail.globex.example (Postfix) id {id}; {date}",
        message_id="<20261207173051.4R2mL02XyZ7Qq@mail.globex.example>",
        expect=dict(tier="free", tier_reason="unknown-sender", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free", reply="bounce",
                    no_clock="automatic"),
        arithmetic="A delivery report is automatic mail: no SLA clock, no deadline.",
    ),
    dict(
        n=9, slug="mailing-list", policy="activestate",
        description="A mailing-list post delivered to support@ because it is subscribed (List-Id, List-Unsubscribe, Precedence: list). Precedence is checked before List-*; no auto-reply.",
        received=T(2026, 12, 8, 7, 20, PT),
        org=dict(domain="example.org", helo="lists.example.org", ip="192.0.2.77",
                 mta="lists.example.org (Postfix)"),
        from_="Priya Raman <priya.raman@example.org>",
        to=["pkg-maintainers@lists.example.org"], cc=[],
        subject="ANN: metadata checker 0.9 released",
        envelope="pkg-maintainers-bounces+support=activestate.com@lists.example.org",
        recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        spf_domain="lists.example.org",
        hop="from mail.example.org (mail.example.org [192.0.2.76]) by lists.example.org (Postfix) with ESMTPS id {id} for <pkg-maintainers@lists.example.org>; {date}",
        extra_headers=[
            ("List-Id", "Package maintainers discussion <pkg-maintainers.lists.example.org>"),
            ("List-Unsubscribe", "<mailto:pkg-maintainers-leave@lists.example.org>, <https://lists.example.org/unsubscribe/pkg-maintainers>"),
            ("List-Post", "<mailto:pkg-maintainers@lists.example.org>"),
            ("List-Archive", "<https://lists.example.org/archives/pkg-maintainers>"),
            ("Precedence", "list"),
            ("Sender", "pkg-maintainers-bounces@lists.example.org"),
        ],
        body=BODY_09,
        expect=dict(tier="free", tier_reason="unknown-sender", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free", reply="precedence"),
        arithmetic="Free tier: no deadline.",
    ),
    dict(
        n=10, slug="scalr-p0-weekend", policy="scalr",
        description="Scalr Business technical contact emails a P0 on a Saturday night. Scalr's requests are opened in its web portal, so the email is recorded and queued (blocker) without an SLA clock; the reply points to the portal and states the P0 response time (2 hours, 24x7) as applying to portal tickets.",
        received=T(2026, 12, 5, 22, 50, ET), org=HOOLI,
        from_="Frank Ibarra <frank@hooli.example>", to=["Scalr Support <support@scalr.com>"], cc=[],
        subject="[P0] Runs stuck in pending, production blocked",
        envelope="frank@hooli.example", recipients=["support@scalr.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_10,
        expect=dict(tier="business", tier_reason="designated-contact", severity_asked="p0",
                    severity="p0", clamped=False, deadline=None,
                    queue="blocker", reply="sent", no_clock="email-not-covered"),
        arithmetic="Email intake is not covered by Scalr's policy ([email_intake] covered = false): no deadline.",
    ),
    dict(
        n=11, slug="alectrona-urgent", policy="alectrona",
        description="Alectrona Standard customer reports a total outage at 17:00 ET: 1 business hour, 30 minutes on Monday and 30 on Tuesday.",
        received=T(2026, 11, 23, 17, 0, ET), org=INITECH,
        from_="Erin Castillo <erin@initech.example>", to=["support@alectrona.com"], cc=[],
        subject="URGENT: total outage, no devices checking in",
        envelope="erin@initech.example", recipients=["support@alectrona.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_11,
        expect=dict(tier="standard", tier_reason="organisation-member", severity_asked="urgent",
                    severity="urgent", clamped=False, deadline=T(2026, 11, 24, 9, 30, ET),
                    queue="urgent", reply="sent", target=("bh", 1)),
        arithmetic="Mon 2026-11-23 17:00 EST is inside 09:00-17:30; 30 min used until close; remaining 30 min from Tue 2026-11-24 09:00 -> Tue 2026-11-24 09:30 EST.",
    ),
    dict(
        n=12, slug="bcc-only", policy="activestate",
        description="Bcc-only message: 'To: undisclosed-recipients:;', no Cc; the support address is only in receipt.recipients and commonHeaders has no 'to' key. Policy found via the envelope.",
        received=T(2026, 12, 10, 13, 25, PT), org=ACME,
        from_="Alice Nguyen <alice@acme.example>", to_raw="undisclosed-recipients:;", to=[], cc=[],
        subject="Adding a second build project to our enterprise plan",
        envelope="alice@acme.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_12,
        expect=dict(tier="enterprise", tier_reason="designated-contact", severity_asked=None,
                    severity="minor", clamped=False, deadline=T(2026, 12, 11, 13, 25, PT),
                    queue="enterprise", reply="sent", target=("bd", 1)),
        arithmetic="Thu 2026-12-10 13:25 PST inside hours; 1 business day -> Fri 2026-12-11 13:25 PST.",
    ),
    dict(
        n=13, slug="latin1-subject", policy="activestate",
        description="ISO-8859-1 RFC 2047 Q-encoded subject and an 8-bit Latin-1 body from an unknown sender.",
        received=T(2026, 12, 14, 3, 10, PT),
        org=dict(domain="example.es", helo="smtp.example.es", ip="192.0.2.145",
                 mta="smtp.example.es (Postfix)"),
        from_="=?iso-8859-1?Q?Jos=E9_Pe=F1a?= <jose@example.es>", from_decoded="José Peña <jose@example.es>",
        to=["support@activestate.com"], cc=[],
        subject_raw="=?iso-8859-1?Q?Error_de_instalaci=F3n=3A_el_cat=E1logo_no_se_descarga?=",
        subject="Error de instalación: el catálogo no se descarga",
        envelope="jose@example.es", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body_kind="latin1", body=BODY_13,
        expect=dict(tier="free", tier_reason="unknown-sender", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free", reply="sent"),
        arithmetic="Free tier: no deadline.",
    ),
    dict(
        n=14, slug="malformed-no-from", policy="activestate",
        description="Malformed message: the SES-added headers, then truncated junk with bare LF line endings, no From, no Message-ID and no blank line before the end. Recorded with no sender; no auto-reply.",
        received=T(2026, 12, 15, 2, 47, PT),
        org=dict(domain="dyn.example.net", helo="203-0-113-77.dyn.example.net", ip="203.0.113.77", mta=None),
        envelope="x7k2@203-0-113-77.dyn.example.net", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="GRAY", dkim="GRAY", dmarc="GRAY"),
        spf_domain="203-0-113-77.dyn.example.net", dkim_domain=None, no_dkim=True,
        body_kind="malformed",
        expect=dict(tier="free", tier_reason="unknown-sender", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free",
                    reply="no-sender-address"),
        arithmetic="Free tier: no deadline.",
    ),
    dict(
        n=15, slug="alectrona-unknown-high", policy="alectrona",
        description="Unknown sender to Alectrona asking 'Priority: High': default tier none, which covers nothing, so the severity is kept (not clamped) but there is no deadline; queue unentitled.",
        received=T(2026, 12, 9, 10, 15, ET),
        org=dict(domain="riverside-dental.example", helo="mail.riverside-dental.example", ip="198.51.100.88",
                 mta="mail.riverside-dental.example (Postfix)"),
        from_="Marcus Bell <it-help@riverside-dental.example>", to=["support@alectrona.com"], cc=[],
        subject="Enrollment profile not applying to new MacBooks",
        envelope="it-help@riverside-dental.example", recipients=["support@alectrona.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_15,
        expect=dict(tier="none", tier_reason="unknown-sender", severity_asked="high",
                    severity="high", clamped=False, deadline=None, queue="unentitled", reply="sent"),
        arithmetic="Tier none has no targets: no deadline.",
    ),
    dict(
        n=16, slug="scalr-free-p1", policy="scalr",
        description="Unknown sender to Scalr asking [P1]: Free tier covers only P4, so it is clamped to P4; the reply points to the portal and quotes the Free tier's aim (same business day, not guaranteed); no deadline; queue community.",
        received=T(2026, 12, 10, 14, 30, ET),
        org=dict(domain="tinkerlab.example", helo="mx1.tinkerlab.example", ip="192.0.2.31",
                 mta="mx1.tinkerlab.example (Postfix)"),
        from_="Lena Kowalski <ops@tinkerlab.example>", to=["support@scalr.com"], cc=[],
        subject="[P1] Workspace runs fail with provider checksum mismatch",
        envelope="ops@tinkerlab.example", recipients=["support@scalr.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_16,
        expect=dict(tier="free", tier_reason="unknown-sender", severity_asked="p1",
                    severity="p4", clamped=True, deadline=None, queue="community", reply="sent",
                    no_clock="email-not-covered"),
        arithmetic="Email intake is not covered by Scalr's policy, and Free/P4 is 'best effort': no deadline.",
    ),
    dict(
        n=17, slug="enterprise-severe-thanksgiving", policy="activestate",
        description="Enterprise designated contact writes to enterprise-support@ with 'Severity: Severe' on the Wednesday before Thanksgiving: 4 business hours skip Thursday.",
        received=T(2026, 11, 25, 15, 0, PT), org=ACME,
        from_="Bob Laurent <bob@acme.example>", to=["ActiveState Enterprise Support <enterprise-support@activestate.com>"],
        cc=["Alice Nguyen <alice@acme.example>"],
        subject="Private package mirror returning 502 for ~30% of requests",
        envelope="bob@acme.example", recipients=["enterprise-support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_17,
        expect=dict(tier="enterprise", tier_reason="designated-contact", severity_asked="severe",
                    severity="severe", clamped=False, deadline=T(2026, 11, 27, 10, 0, PT),
                    queue="enterprise-urgent", reply="sent", target=("bh", 4)),
        arithmetic="Wed 2026-11-25 15:00 PST: 2 h until 17:00 close (2 h left); Thu 2026-11-26 Thanksgiving (4th Thursday) closed; Fri 2026-11-27 08:00 + 2 h = Fri 2026-11-27 10:00 PST.",
    ),
    dict(
        n=18, slug="dmarc-gray-dkim-aligned", policy="activestate",
        description="DMARC GRAY (globex.example publishes no DMARC) but DKIM passed for the From domain itself (topmost Authentication-Results: dkim=pass header.i=@globex.example): verified, Team tier. A lower Authentication-Results from globex's own submission server is ignored.",
        received=T(2026, 12, 14, 16, 45, PT), org=GLOBEX,
        from_="Dave Okafor <dave@globex.example>", to=["support@activestate.com"], cc=[],
        subject="Which mirror does a source fetch use?",
        envelope="dave@globex.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="GRAY"),
        lower_authres="mx-out.globex.example; auth=pass smtp.auth=dave@globex.example",
        body=BODY_18,
        expect=dict(tier="team", tier_reason="designated-contact", severity_asked=None,
                    severity="minor", clamped=False, deadline=T(2026, 12, 16, 16, 45, PT),
                    queue="team", reply="sent", target=("bd", 2)),
        arithmetic="Mon 2026-12-14 16:45 PST inside hours; business day 1 = Tue 2026-12-15, day 2 = Wed 2026-12-16 -> Wed 2026-12-16 16:45 PST.",
    ),
    dict(
        n=19, slug="virus", policy="activestate",
        description="SES virus verdict FAIL (zip attachment) from an unknown sender: recorded with a quarantine flag, no auto-reply.",
        received=T(2026, 12, 11, 5, 58, PT),
        org=dict(domain="invoice-desk.example", helo="smtp.invoice-desk.example", ip="203.0.113.201",
                 mta="smtp.invoice-desk.example (Postfix)"),
        from_="Accounts Payable <ap-notices@invoice-desk.example>", to=["support@activestate.com"], cc=[],
        subject="Overdue invoice 88213 - payment required",
        envelope="ap-notices@invoice-desk.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="FAIL", spf="PASS", dkim="PASS", dmarc="PASS"),
        body_kind="virus", body=BODY_19_TEXT,
        expect=dict(tier="free", tier_reason="unknown-sender", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free", reply="virus"),
        arithmetic="Free tier: no deadline.",
    ),
    dict(
        n=20, slug="own-mail", policy="activestate",
        description="A message From our own reply address (a staff notice misrouted to support@), without Auto-Submitted or our loop header: own-mail suppresses the reply.",
        received=T(2026, 12, 8, 12, 0, PT),
        org=dict(domain="activestate.com", helo="a8-41.smtp-out.amazonses.com", ip="54.240.8.41", mta=None),
        from_="ActiveState Support <support@activestate.com>", to=["support@activestate.com"], cc=[],
        subject="Planned maintenance: Platform build farm, Sat 12 Dec 2026 06:00-08:00 PST",
        envelope="0100019a9c3f7e21-4b0d6a5e-8f13-4c2a-9e77-2d5b1c8a0f34-000000@amazonses.com",
        recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        spf_domain="amazonses.com", dkim_domain="activestate.com", ses_sent=True,
        body=BODY_20,
        expect=dict(tier="free", tier_reason="unknown-sender", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free", reply="own-mail"),
        arithmetic="Free tier (the address is not a contact): no deadline.",
    ),
    dict(
        n=21, slug="dmarc-gray-dkim-unaligned", policy="activestate",
        description="Extra: a designated contact's address with DMARC GRAY where DKIM passed only for a third-party sending service (header.i=@mailer.example, not globex.example): not verified, but nothing failed, so the Free-tier reply is sent and says the tier could not be confirmed.",
        received=T(2026, 12, 16, 9, 5, PT),
        org=dict(domain="mailer.example", helo="o12.mailer.example", ip="192.0.2.12",
                 mta="o12.mailer.example (Postfix)"),
        from_="Dave Okafor <dave@globex.example>", to=["support@activestate.com"], cc=[],
        subject="Windows ARM64 runtimes on the team plan?",
        envelope="bounces+4418272-dave=globex.example@em.mailer.example", recipients=["support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="GRAY"),
        spf_domain="em.mailer.example", dkim_domain="mailer.example",
        hop="from app-web-07.mailer.example (app-web-07.mailer.example [10.8.3.7]) by o12.mailer.example (Postfix) with ESMTP id {id} for <support@activestate.com>; {date}",
        body=BODY_21,
        expect=dict(tier="free", tier_reason="sender-not-verified", severity_asked=None,
                    severity="minor", clamped=False, deadline=None, queue="free", reply="sent"),
        arithmetic="Free tier (sender not verified): no deadline.",
    ),
    dict(
        n=22, slug="alectrona-colleague", policy="alectrona",
        description="A member of Alectrona customer Initech who is not on any contact list: Alectrona's policy lets any Customer submit a case (entitlement organisation-members), so Standard applies; the priority asked is recorded as requested, for Alectrona to confirm.",
        received=T(2026, 12, 9, 10, 15, ET), org=INITECH,
        from_="Ivan Petrov <ivan@initech.example>", to=["support@alectrona.com"], cc=[],
        subject="Patch reports show devices as missing updates",
        envelope="ivan@initech.example", recipients=["support@alectrona.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_22,
        expect=dict(tier="standard", tier_reason="organisation-member", severity_asked="high",
                    severity="high", clamped=False, deadline=T(2026, 12, 9, 12, 15, ET),
                    queue="urgent", reply="sent", target=("bh", 2)),
        arithmetic="Wed 2026-12-09 10:15 EST inside 09:00-17:30; +2 business hours = Wed 2026-12-09 12:15 EST.",
    ),
    dict(
        n=23, slug="enterprise-support-address", policy="activestate",
        description="Designated Enterprise contact writes to enterprise-support@activestate.com (Exhibit B's Enterprise address) with Severity Level 2: 4 business hours; the reply comes from enterprise-support@ and names the faster Enterprise channels.",
        received=T(2026, 12, 14, 9, 5, PT), org=ACME,
        from_="Alice Nguyen <alice@acme.example>", to=["ActiveState Enterprise Support <enterprise-support@activestate.com>"], cc=[],
        subject="Severity Level 2: nightly builds of acme/runtime fail to resolve",
        envelope="alice@acme.example", recipients=["enterprise-support@activestate.com"],
        verdicts=dict(spam="PASS", virus="PASS", spf="PASS", dkim="PASS", dmarc="PASS"),
        body=BODY_23,
        expect=dict(tier="enterprise", tier_reason="designated-contact", severity_asked="severe",
                    severity="severe", clamped=False, deadline=T(2026, 12, 14, 13, 5, PT),
                    queue="enterprise-urgent", reply="sent", target=("bh", 4)),
        arithmetic="Mon 2026-12-14 09:05 PST inside 08:00-17:00; +4 business hours = Mon 2026-12-14 13:05 PST.",
    ),
]

POLICY_ZONE = {"activestate": PT, "alectrona": ET, "scalr": ET}


# ---------------------------------------------------------------------------------------------
# Building one message
# ---------------------------------------------------------------------------------------------

def build(s: dict) -> tuple[bytes, dict]:
    name = f"{s['n']:02d}-{s['slug']}"
    sid = ses_id(name)
    r: dt.datetime = s["received"]
    v = s["verdicts"]
    org = s["org"]
    env = s["envelope"]
    rcpt = s["recipients"]
    from_domain = addr_only(s["from_"]).split("@")[1] if s.get("from_") else None
    spf_domain = s.get("spf_domain") or (env.split("@")[1] if env else org["helo"])
    env_for_spf = s.get("env_for_spf") or env
    dkim_domain = s.get("dkim_domain", from_domain)
    sent = r - dt.timedelta(seconds=s.get("sent_before", 3 + int(h("sent:" + name, 1)[0]) % 40))
    sent_local = sent.astimezone(s["received"].tzinfo)

    # ---- body -----------------------------------------------------------------------------
    kind = s.get("body_kind", "plain")
    content_headers: list[tuple[str, str]] = []
    if kind == "plain":
        body = crlf(s["body"]).encode("ascii")
        content_headers = [("Content-Type", "text/plain; charset=us-ascii; format=flowed"),
                           ("Content-Transfer-Encoding", "7bit")]
    elif kind == "alternative":
        bnd = "00000000000" + hexs("bnd:" + name, 8)
        body = crlf(
            f"--{bnd}\n"
            "Content-Type: text/plain; charset=\"UTF-8\"\n"
            "Content-Transfer-Encoding: 7bit\n\n"
        ).encode() + crlf(s["body"]).encode("ascii") + crlf(
            f"\n--{bnd}\n"
            "Content-Type: text/html; charset=\"UTF-8\"\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
        ).encode() + qp(s["html"]).encode("ascii") + crlf(f"\n--{bnd}--\n").encode()
        content_headers = [("Content-Type", f"multipart/alternative; boundary=\"{bnd}\"")]
    elif kind == "latin1":
        body = crlf(s["body"]).encode("iso-8859-1")
        content_headers = [("Content-Type", "text/plain; charset=iso-8859-1"),
                           ("Content-Transfer-Encoding", "8bit")]
    elif kind == "virus":
        bnd = "----=_Part_" + hexs("bnd:" + name, 6)
        body = crlf(
            "This is a multi-part message in MIME format.\n\n"
            f"--{bnd}\n"
            "Content-Type: text/plain; charset=us-ascii\n"
            "Content-Transfer-Encoding: 7bit\n\n"
        ).encode() + crlf(s["body"]).encode() + crlf(
            f"\n--{bnd}\n"
            "Content-Type: application/zip; name=\"Invoice_88213.zip\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"Invoice_88213.zip\"\n\n"
        ).encode() + b64_lines(zip_attachment()).encode() + crlf(f"\n--{bnd}--\n").encode()
        content_headers = [("Content-Type", f"multipart/mixed; boundary=\"{bnd}\"")]
    elif kind == "bounce":
        body, content_headers = bounce_body(s, name, sent_local)
    elif kind == "malformed":
        body = b""
    else:
        raise ValueError(kind)

    # ---- sender-side headers -----------------------------------------------------------------
    msgid = s.get("message_id") or f"<{hexs('mid:' + name, 10).upper()}.{hexs('mid2:' + name, 4)}@{org['helo']}>"
    orig: list[tuple[str, str]] = []
    if kind == "malformed":
        pass
    else:
        if s.get("ses_sent"):
            orig.append(("DKIM-Signature", fold(dkim_sig("activestate.com", "as2026", sent, "From:To:Subject:MIME-Version:Content-Type:Content-Transfer-Encoding:Date:Message-ID", body, name))))
            orig.append(("DKIM-Signature", fold(dkim_sig("amazonses.com", "6gbrjpgwjskckoa6a5zn6fwqkn67xbtw", sent, "From:To:Subject:MIME-Version:Content-Type:Content-Transfer-Encoding:Date:Message-ID:Feedback-ID", body, name + "ses"))))
        else:
            hop_id = base64.b32encode(h("hop:" + name, 10)).decode()[:14]
            if s.get("hop"):
                orig.append(("Received", fold(s["hop"].format(id=hop_id, date=rfc2822(sent_local)))))
            elif org.get("mta"):
                lan = f"10.{h('ip:' + name, 1)[0] % 40}.4.{h('ip2:' + name, 1)[0] % 250 + 2}"
                orig.append(("Received", fold(
                    f"from [{lan}] (vpn.{org['domain']} [{lan}]) by {org['mta']} with ESMTPSA id {hop_id} "
                    f"for <{rcpt[0]}>; {rfc2822(sent_local)}")))
            if s["verdicts"]["dkim"] == "PASS" and not s.get("no_dkim"):
                orig.append(("DKIM-Signature", fold(dkim_sig(
                    dkim_domain, "mail2026", sent,
                    "from:to:cc:subject:date:message-id:mime-version:content-type", body, name))))
            if s.get("lower_authres"):
                orig.append(("Authentication-Results", s["lower_authres"]))
        orig += s.get("extra_headers", [])
        orig.append(("MIME-Version", "1.0"))
        orig.append(("Date", rfc2822(sent_local)))
        orig.append(("Message-ID", msgid))
        orig.append(("Subject", s.get("subject_raw") or s["subject"]))
        orig.append(("From", s["from_"]))
        if s.get("reply_to"):
            orig.append(("Reply-To", s["reply_to"]))
        orig.append(("To", s.get("to_raw") or ", ".join(s["to"])))
        if s["cc"]:
            orig.append(("Cc", ", ".join(s["cc"])))
        if s.get("ses_sent"):
            orig.append(("Feedback-ID", f"::1.{REGION}.{b64('fb:' + name, 30)[:43]}=:AmazonSES"))
            orig.append(("X-SES-Outgoing", f"2026.12.08-{org['ip']}"))
        orig += content_headers

    # ---- SES-added headers (topmost) ------------------------------------------------------------
    spf_line, ar = authres(v["spf"], spf_domain, org["ip"], env_for_spf, org["helo"],
                           v["dkim"], dkim_domain, v["dmarc"], from_domain)
    ses_hdrs = [
        ("Return-Path", f"<{env}>"),
        ("Received", fold(f"from {org['helo']} ({org['helo']} [{org['ip']}]) by "
                          f"inbound-smtp.{REGION}.amazonaws.com with SMTP id {sid} for {rcpt[0]}; "
                          f"{rfc2822(r.astimezone(UTC)).replace('+0000', '+0000 (UTC)')}")),
        ("X-SES-Spam-Verdict", v["spam"]),
        ("X-SES-Virus-Verdict", v["virus"]),
        ("Received-SPF", fold(spf_line)),
        ("Authentication-Results", fold(ar)),
        ("X-SES-RECEIPT", fold(b64("receipt:" + name, 240))),
        ("X-SES-DKIM-SIGNATURE", fold(
            f"a=rsa-sha256; q=dns/txt; b={b64('sesdkim:' + name, 128)}; c=relaxed/simple; "
            f"s=224i4yxa5dv7c2xz3womw6peuasteono; d=amazonses.com; t={int(r.timestamp())}; v=1; "
            f"bh={base64.b64encode(hashlib.sha256(body).digest()).decode()}; "
            f"h=From:To:Cc:Bcc:Subject:Date:Message-ID:MIME-Version:Content-Type:X-SES-RECEIPT;")),
    ]
    all_hdrs = ses_hdrs + orig

    head = "".join(f"{k}: {val}{CRLF}" for k, val in all_hdrs).encode("ascii")
    if kind == "malformed":
        raw = head + malformed_tail()
    else:
        raw = head + CRLF.encode() + body

    # ---- the SES Lambda-action event ------------------------------------------------------------
    common: dict = {}
    common["returnPath"] = env
    if s.get("from_"):
        common["from"] = [s.get("from_decoded") or s["from_"]]
        common["date"] = rfc2822(sent_local)
        if s["to"]:
            common["to"] = list(s["to"])
        if s["cc"]:
            common["cc"] = list(s["cc"])
        if s.get("reply_to"):
            common["reply-to"] = [s["reply_to"]]
        if s.get("extra_headers") and any(k == "Sender" for k, _ in s["extra_headers"]):
            common["sender"] = [dict(s["extra_headers"])["Sender"]]
        common["messageId"] = msgid
        common["subject"] = s["subject"]
    event_headers = [{"name": k, "value": unfold(val)} for k, val in all_hdrs]
    if kind == "malformed":
        event_headers.append({"name": "X-Mailer", "value": "bulkmail 0.3"})
    destination = [addr_only(a) for a in s.get("to", []) + s.get("cc", [])]
    receipt = {
        "recipients": rcpt,
        "timestamp": iso_z(r),
        "spamVerdict": {"status": v["spam"]},
        "dkimVerdict": {"status": v["dkim"]},
        "dmarcVerdict": {"status": v["dmarc"]},
    }
    if v.get("dmarc_policy"):
        receipt["dmarcPolicy"] = v["dmarc_policy"]
    receipt.update({
        "processingTimeMillis": 300 + int.from_bytes(h("ptm:" + name, 2), "big") % 700,
        "action": {"type": "Lambda", "invocationType": "Event", "functionArn": FUNCTION_ARN},
        "spfVerdict": {"status": v["spf"]},
        "virusVerdict": {"status": v["virus"]},
    })
    event = {"Records": [{
        "eventVersion": "1.0",
        "ses": {
            "mail": {
                "commonHeaders": common,
                "source": env,
                "timestamp": iso_z(r),
                "destination": destination,
                "headers": event_headers,
                "headersTruncated": False,
                "messageId": sid,
            },
            "receipt": receipt,
        },
        "eventSource": "aws:ses",
    }]}
    return raw, event


def bounce_body(s: dict, name: str, sent_local: dt.datetime) -> tuple[bytes, list]:
    bnd = "4Q" + base64.b32encode(h("bnd:" + name, 10)).decode()[:12] + ".1765128660/mail.globex.example"
    # Our earlier auto-reply, as SES sent it (SES replaces our Message-ID with its own).
    orig_ses = "0100019af0b2c6d4-7e3a1f58-2c94-4d0b-b6a3-91e5f0c2d7a8-000000"
    orig_sent = dt.datetime(2026, 12, 7, 17, 30, 41, tzinfo=UTC).astimezone(PT)
    arrival = rfc2822(dt.datetime(2026, 12, 7, 17, 30, 42, tzinfo=UTC))
    text = crlf(
        "This is a MIME-encapsulated message.\n\n"
        f"--{bnd}\n"
        "Content-Description: Notification\n"
        "Content-Type: text/plain; charset=us-ascii\n\n"
    ) + crlf(BODY_08_NOTICE) + crlf(
        f"\n--{bnd}\n"
        "Content-Description: Delivery report\n"
        "Content-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mail.globex.example\n"
        "X-Postfix-Queue-ID: 4R2mK81vXyz3Qp\n"
        f"Arrival-Date: {arrival}\n\n"
        "Final-Recipient: rfc822; heidi@globex.example\n"
        "Original-Recipient: rfc822;heidi@globex.example\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "Remote-MTA: dns; mbox-2.globex.example\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <heidi@globex.example>: Recipient address\n"
        "    rejected: user unknown: this mailbox has been disabled\n\n"
        f"--{bnd}\n"
        "Content-Description: Undelivered Message Headers\n"
        "Content-Type: text/rfc822-headers\n\n"
        f"Return-Path: <{orig_ses}@amazonses.com>\n"
        "Received: from a8-30.smtp-out.amazonses.com (a8-30.smtp-out.amazonses.com [54.240.8.30])\n"
        f"\tby mail.globex.example (Postfix) with ESMTPS id 4R2mK81vXyz3Qp\n"
        f"\tfor <heidi@globex.example>; {rfc2822(orig_sent.astimezone(UTC))}\n"
        "From: ActiveState Support <support@activestate.com>\n"
        "To: heidi@globex.example\n"
        "Subject: [AS-2026-000142] Re: Offline installer for air-gapped build hosts\n"
        "In-Reply-To: <CAK7d2Rm0xP4vQ9@mx-out.globex.example>\n"
        "References: <CAK7d2Rm0xP4vQ9@mx-out.globex.example>\n"
        "Auto-Submitted: auto-replied\n"
        "X-Auto-Response-Suppress: All\n"
        "Precedence: bulk\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=UTF-8\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        f"Date: {rfc2822(orig_sent)}\n"
        f"Message-ID: <{orig_ses}@email.amazonses.com>\n"
        "Feedback-ID: ::1.us-east-1.c2xhbWFpbC1zYW1wbGUtZmVlZGJhY2staWQ=:AmazonSES\n\n"
        f"--{bnd}--\n"
    )
    headers = [("Content-Type", f"multipart/report; report-type=delivery-status;{CRLF}\tboundary=\"{bnd}\"")]
    return text.encode("ascii"), headers


def malformed_tail() -> bytes:
    """Truncated junk: bare LF line endings, no From, no blank line, ends mid-line."""
    return (b"X-Mailer: bulkmail 0.3\n"
            b"Subj\n"
            b"ect hello frend\n"
            b"Content-Type: text/pl\n"
            b"\xff\xfe<<<< 00 00 \x01\x02 ====\n"
            b"=?utf-8?B?SGVsbG8g?= cheap licen\x00se keys\n"
            b"ZZZZ:\n"
            b"  continuation with no header\n"
            b"buy now at htt")


# ---------------------------------------------------------------------------------------------
# Independent check of the hand-written deadlines
# ---------------------------------------------------------------------------------------------

def nth_weekday(y: int, m: int, wd: int, n: int) -> dt.date:
    d = dt.date(y, m, 1)
    d += dt.timedelta(days=(wd - d.weekday()) % 7)
    return d + dt.timedelta(weeks=n - 1)


def last_weekday(y: int, m: int, wd: int) -> dt.date:
    d = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() - wd) % 7)


def us_federal(y: int) -> set[dt.date]:
    fixed = [dt.date(y, 1, 1), dt.date(y, 7, 4), dt.date(y, 11, 11), dt.date(y, 12, 25)]
    if y >= 2021:
        fixed.append(dt.date(y, 6, 19))
    out = set()
    for d in fixed:
        if d.weekday() == 5:
            out.add(d - dt.timedelta(days=1))
        elif d.weekday() == 6:
            out.add(d + dt.timedelta(days=1))
        else:
            out.add(d)
    out |= {nth_weekday(y, 1, 0, 3), nth_weekday(y, 2, 0, 3), last_weekday(y, 5, 0),
            nth_weekday(y, 9, 0, 1), nth_weekday(y, 10, 0, 2), nth_weekday(y, 11, 3, 4)}
    # Next year's Jan 1 on a Saturday is observed on Dec 31 of this year.
    if dt.date(y + 1, 1, 1).weekday() == 5:
        out.add(dt.date(y, 12, 31))
    return out


CALENDARS = {  # zone, open, close
    "activestate": (PT, dt.time(8, 0), dt.time(17, 0)),
    "alectrona": (ET, dt.time(9, 0), dt.time(17, 30)),
    "scalr": (ET, dt.time(9, 0), dt.time(17, 0)),
}


def is_business_day(d: dt.date) -> bool:
    return d.weekday() < 5 and d not in us_federal(d.year)


def next_open(t: dt.datetime, cal) -> dt.datetime:
    """t if inside opening hours, else the next opening."""
    tz, op, cl = cal
    t = t.astimezone(tz)
    d = t.date()
    while True:
        if is_business_day(d):
            o = dt.datetime.combine(d, op, tzinfo=tz)
            c = dt.datetime.combine(d, cl, tzinfo=tz)
            if t < o:
                return o
            if t < c:
                return t
        d += dt.timedelta(days=1)
        t = dt.datetime.combine(d, dt.time(0, 0), tzinfo=tz)


def add_business_hours(r: dt.datetime, hours: float, cal) -> dt.datetime:
    tz, op, cl = cal
    left = dt.timedelta(hours=hours)
    t = next_open(r, cal)
    while True:
        close = dt.datetime.combine(t.date(), cl, tzinfo=tz)
        if t + left < close:
            return t + left
        left -= close - t
        t = next_open(close, cal)
        if left == dt.timedelta(0):
            return t  # used up exactly at closing -> next opening


def add_business_days(r: dt.datetime, days: int, cal) -> dt.datetime:
    tz, _, _ = cal
    start = next_open(r, cal)
    d = start.date()
    n = 0
    while n < days:
        d += dt.timedelta(days=1)
        if is_business_day(d):
            n += 1
    return next_open(dt.datetime.combine(d, start.timetz().replace(tzinfo=None), tzinfo=tz), cal)


def check_deadline(s: dict) -> dt.datetime | None:
    e = s["expect"]
    if e.get("target") is None:
        return None
    kind, amount = e["target"]
    cal = CALENDARS[s["policy"]]
    if kind == "bh":
        return add_business_hours(s["received"], amount, cal)
    if kind == "bd":
        return add_business_days(s["received"], amount, cal)
    if kind == "h":
        return (s["received"].astimezone(UTC) + dt.timedelta(hours=amount)).astimezone(cal[0])
    raise ValueError(kind)


def self_test_calendar() -> None:
    """The expected values from sla-semantics.md."""
    a, al = CALENDARS["activestate"], CALENDARS["alectrona"]
    cases = [
        (add_business_hours, T(2026, 11, 23, 16, 0, PT), 2, a, T(2026, 11, 24, 9, 0, PT)),
        (add_business_hours, T(2026, 11, 23, 16, 0, PT), 1, a, T(2026, 11, 24, 8, 0, PT)),
        (add_business_hours, T(2026, 11, 23, 17, 0, PT), 2, a, T(2026, 11, 24, 10, 0, PT)),
        (add_business_hours, T(2026, 11, 21, 10, 0, PT), 2, a, T(2026, 11, 23, 10, 0, PT)),
        (add_business_hours, T(2026, 11, 25, 15, 0, PT), 4, a, T(2026, 11, 27, 10, 0, PT)),
        (add_business_hours, T(2026, 7, 2, 16, 0, PT), 2, a, T(2026, 7, 6, 9, 0, PT)),
        (add_business_hours, T(2026, 12, 31, 16, 30, PT), 2, a, T(2027, 1, 4, 9, 30, PT)),
        (add_business_days, T(2026, 11, 21, 10, 0, PT), 1, a, T(2026, 11, 24, 8, 0, PT)),
        (add_business_days, T(2026, 11, 24, 10, 0, PT), 1, a, T(2026, 11, 25, 10, 0, PT)),
        (add_business_days, T(2026, 11, 24, 7, 0, PT), 1, a, T(2026, 11, 25, 8, 0, PT)),
        (add_business_days, T(2026, 11, 24, 17, 30, PT), 1, a, T(2026, 11, 27, 8, 0, PT)),
        (add_business_days, T(2026, 12, 24, 10, 0, PT), 2, a, T(2026, 12, 29, 10, 0, PT)),
        (add_business_hours, T(2026, 11, 23, 17, 0, ET), 1, al, T(2026, 11, 24, 9, 30, ET)),
        (add_business_hours, T(2026, 11, 23, 16, 30, ET), 1, al, T(2026, 11, 24, 9, 0, ET)),
        (add_business_hours, T(2026, 11, 25, 16, 0, ET), 8, al, T(2026, 11, 27, 15, 30, ET)),
    ]
    for f, r, amt, cal, want in cases:
        got = f(r, amt, cal)
        assert got == want, (f.__name__, r, amt, got, want)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def fmt_local(t: dt.datetime) -> str:
    return f"{t:%a %Y-%m-%d %H:%M} {t.tzname()}"


def toml_str(v: str) -> str:
    return json.dumps(v, ensure_ascii=False)


def scenario_toml(s: dict, name: str, sid: str) -> str:
    e = s["expect"]
    r = s["received"]
    lines = ["[[scenario]]",
             f"name = {toml_str(name)}",
             f"eml = {toml_str(name + '.eml')}",
             f"event = {toml_str(name + '.event.json')}",
             f"policy = {toml_str(s['policy'])}",
             f"address = {toml_str(s['recipients'][0])}",
             f"ses_message_id = {toml_str(sid)}",
             f"s3_key = {toml_str(PREFIX + sid)}",
             f"description = {toml_str(s['description'])}",
             f"# received {fmt_local(r)}",
             f"received = {toml_str(rfc3339(r))}",
             f"tier = {toml_str(e['tier'])}",
             f"tier_reason = {toml_str(e['tier_reason'])}"]
    if e["severity_asked"]:
        lines.append(f"severity_asked = {toml_str(e['severity_asked'])}")
    lines.append(f"severity = {toml_str(e['severity'])}")
    lines.append(f"clamped = {'true' if e['clamped'] else 'false'}")
    for part in wrap_comment(s["arithmetic"]):
        lines.append(f"# {part}")
    if e["deadline"] is not None:
        lines.append(f"# deadline {fmt_local(e['deadline'])}")
        lines.append(f"deadline = {toml_str(rfc3339(e['deadline']))}")
    if e.get("no_clock"):
        lines.append(f"no_clock = {toml_str(e['no_clock'])}")
    lines.append(f"queue = {toml_str(e['queue'])}")
    lines.append(f"reply = {toml_str(e['reply'])}")
    lines.append("recorded = true")
    return "\n".join(lines) + "\n"


def wrap_comment(text: str, width: int = 96) -> list[str]:
    out, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    out.append(cur)
    return out


TOML_HEAD = """\
# slamail sample scenarios: one [[scenario]] per message in this folder, with the outcome the
# intake must produce. Generated by gen.py (edit the script, not this file).
#
# Fields: eml / event are file names in this folder; address is the support address the message
# was delivered to (envelope); ses_message_id is mail.messageId (also the S3 object key after the
# receipt rule's prefix "inbound/"); received is receipt.timestamp in the policy's zone.
# Expected: tier, tier_reason (designated-contact | organisation-member | not-designated-contact |
# unknown-sender | sender-not-verified | support-term-ended), severity_asked (omitted when the
# message names none), severity (assigned), clamped, deadline (first response; omitted when the
# case has no commitment), no_clock (why a case runs no SLA clock: automatic |
# email-not-covered | outside-sla; omitted when it runs one), queue, reply ("sent" or the
# suppression code), recorded (every message becomes a case record).
#
# Calendars (sla-semantics.md): activestate Mon-Fri 08:00-17:00 America/Los_Angeles; alectrona
# Mon-Fri 09:00-17:30 America/New_York; scalr business days Mon-Fri 09:00-17:00 America/New_York
# (P0-P2 elapsed 24x7; emailed new requests run no clock: Scalr opens tickets in its portal); all
# close on US federal holidays (observed dates).
# Federal holidays in range: Thu 2026-11-26 (Thanksgiving), Fri 2026-12-25 (Christmas),
# Fri 2027-01-01 (New Year's Day), Mon 2027-01-18 (MLK Day).
#
# Directory (directory.toml): acme (activestate, enterprise; designated alice, bob; carol member),
# globex (activestate, team; designated dave), initech (alectrona, standard; members erin and ivan:
# Alectrona entitles any member), hooli (scalr, business; designated frank). Everyone else is
# unknown.
"""


def s3_event(key: str, size: int, etag: str, when: dt.datetime, seed: str) -> dict:
    return {"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": REGION,
        "eventTime": iso_z(when),
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AROA" + base64.b32encode(h("pid:" + seed, 10)).decode()[:16]},
        "requestParameters": {"sourceIPAddress": "10.0.141.27"},
        "responseElements": {
            "x-amz-request-id": hexs("rid:" + seed, 8).upper(),
            "x-amz-id-2": b64("id2:" + seed, 48),
        },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "slamail-intake-on-raw-mail",
            "bucket": {
                "name": BUCKET,
                "ownerIdentity": {"principalId": "A3" + base64.b32encode(h("own", 10)).decode()[:12]},
                "arn": f"arn:aws:s3:::{BUCKET}",
            },
            "object": {
                "key": key,
                "size": size,
                "eTag": etag,
                "sequencer": "00" + hexs("seq:" + seed, 8).upper(),
            },
        },
    }]}


def main() -> int:
    self_test_calendar()
    names = set()
    toml_parts = [TOML_HEAD]
    written = {}
    for s in SCENARIOS:
        name = f"{s['n']:02d}-{s['slug']}"
        assert name not in names
        names.add(name)
        want = s["expect"]["deadline"]
        got = check_deadline(s)
        if want != got:
            print(f"{name}: hand-written deadline {want} != computed {got}", file=sys.stderr)
            return 1
        if want is not None:
            assert want.tzinfo is POLICY_ZONE[s["policy"]]
        assert s["received"].tzinfo is POLICY_ZONE[s["policy"]]
        raw, event = build(s)
        if s.get("body_kind") != "malformed":
            # Every line of a well-formed sample ends in CRLF.
            assert b"\n" not in raw.replace(b"\r\n", b""), name
        if s.get("body_kind") != "malformed":
            body_len = len(raw) - raw.index(b"\r\n\r\n") - 4
            assert 300 <= body_len <= 5200, (name, body_len)
        written[name] = raw
        (HERE / f"{name}.eml").write_bytes(raw)
        (HERE / f"{name}.event.json").write_text(json.dumps(event, indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        toml_parts.append(scenario_toml(s, name, ses_id(name)))
    text = "\n".join(toml_parts)
    tomllib.loads(text)  # must parse
    (HERE / "scenarios.toml").write_text(text, encoding="utf-8")

    # S3 object-created events: scenario 1's stored object, and the set-up notification to skip.
    first = SCENARIOS[0]
    name1 = f"{first['n']:02d}-{first['slug']}"
    raw1 = written[name1]
    ev = s3_event(PREFIX + ses_id(name1), len(raw1), hashlib.md5(raw1).hexdigest(),
                  first["received"] + dt.timedelta(milliseconds=412), "put-01")
    (HERE / "s3-put-01.event.json").write_text(json.dumps(ev, indent=2) + "\n", encoding="utf-8")
    setup_body = SETUP_NOTIFICATION.replace("\n", CRLF).encode()
    ev = s3_event(PREFIX + "AMAZON_SES_SETUP_NOTIFICATION", len(setup_body),
                  hashlib.md5(setup_body).hexdigest(), T(2026, 11, 16, 9, 12, PT), "setup")
    (HERE / "s3-setup-notification.event.json").write_text(json.dumps(ev, indent=2) + "\n",
                                                            encoding="utf-8")
    print(f"wrote {len(SCENARIOS)} scenarios and 2 S3 events to {HERE}")
    return 0


# Stand-in for the object SES writes when the S3 action is set up; only its size and MD5 are used
# (in the S3 event). Written for this sample, not a copy of SES's text.
SETUP_NOTIFICATION = """\
Return-Path: <no-reply@amazonses.com>
From: no-reply@amazonses.com
To: slamail-demo-raw-mail@s3.amazonaws.com
Subject: Amazon SES Setup Notification
Date: Mon, 16 Nov 2026 17:12:00 +0000
Message-ID: <setup-notification-slamail-demo@amazonses.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Amazon SES can now write messages to this bucket under the prefix inbound/.
"""

if __name__ == "__main__":
    sys.exit(main())
