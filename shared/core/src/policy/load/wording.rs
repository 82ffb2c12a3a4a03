//! The sections that decide what a reply says in the vendor's words: `[wording]`, `[channels]`
//! (and that every channel a tier lists can be named in a reply), `[email_intake]`,
//! `[[request_kinds]]`, `[security]` and `entitlement`.

use std::collections::BTreeMap;

use toml::Spanned;

use super::context::Ctx;
use super::raw::{
    RawChannel, RawEmailIntake, RawPolicy, RawRequestKind, RawSecurity, RawTier, RawWording,
};
use super::severities::severity_ref;
use crate::ids::QueueId;
use crate::policy::channel::{EMAIL, EMAIL_INTAKE_PLACEHOLDERS};
use crate::policy::wording::{PROMISE_PLACEHOLDERS, REQUESTED_PLACEHOLDERS};
use crate::policy::{
    Channel, ChannelContact, EmailIntake, Entitlement, Escalation, PolicyError, RequestKind,
    SecurityScope, Severity, Template, Tier, Wording, normalise_name,
};

pub(super) fn entitlement(cx: &Ctx<'_>, raw: &RawPolicy) -> Result<Entitlement, PolicyError> {
    let Some(e) = &raw.entitlement else {
        return Ok(Entitlement::default());
    };
    Entitlement::parse(e.get_ref()).ok_or_else(|| {
        cx.err(
            e,
            format!(
                "entitlement {:?} must be \"designated-contacts\" or \"organisation-members\"",
                e.get_ref()
            ),
        )
    })
}

pub(super) fn wording(
    cx: &Ctx<'_>,
    raw: Option<&Spanned<RawWording>>,
) -> Result<Wording, PolicyError> {
    let mut w = Wording::default();
    let Some(raw) = raw else { return Ok(w) };
    let r = raw.get_ref();
    let text = |v: &Option<String>, key: &str| -> Result<Option<String>, PolicyError> {
        match v {
            Some(t) if t.trim().is_empty() => Err(cx.err(
                raw,
                format!("[wording] {key} is empty: write the vendor's word or leave it out"),
            )),
            Some(t) => Ok(Some(t.trim().to_string())),
            None => Ok(None),
        }
    };
    if let Some(t) = text(&r.severity, "severity")? {
        w.severity = t;
    }
    if let Some(t) = text(&r.contact, "contact")? {
        w.contacts = format!("{t}s");
        w.contact = t;
    }
    if let Some(t) = text(&r.contacts, "contacts")? {
        w.contacts = t;
    }
    if let Some(t) = text(&r.administrator, "administrator")? {
        w.administrator = t;
    }
    if let Some(p) = &r.promise {
        w.promise = Template::parse(p.get_ref(), PROMISE_PLACEHOLDERS).map_err(|e| cx.err(p, e))?;
        if !p.get_ref().contains("{target}") {
            return Err(cx.err(p, "promise must say the target: use {target}"));
        }
    }
    if let Some(q) = &r.requested {
        w.requested =
            Some(Template::parse(q.get_ref(), REQUESTED_PLACEHOLDERS).map_err(|e| cx.err(q, e))?);
    }
    Ok(w)
}

pub(super) fn channels(
    cx: &Ctx<'_>,
    raw: &BTreeMap<String, Spanned<RawChannel>>,
) -> Result<BTreeMap<String, Channel>, PolicyError> {
    let mut out = BTreeMap::new();
    for (id, c) in raw {
        if id == EMAIL {
            return Err(cx.err(
                c,
                "channel \"email\" is this support address itself and cannot be redefined",
            ));
        }
        let channel = match c.get_ref() {
            RawChannel::Url(url) => Channel {
                name: format!("the {id}"),
                contact: ChannelContact::Url(url.clone()),
            },
            RawChannel::Table(t) => {
                let contact = match (&t.url, &t.address, &t.phone) {
                    (Some(u), None, None) => ChannelContact::Url(u.clone()),
                    (None, Some(a), None) => ChannelContact::Address(a.clone()),
                    (None, None, Some(p)) => ChannelContact::Phone(p.clone()),
                    _ => {
                        return Err(cx.err(
                            c,
                            format!(
                                "channel {id} needs exactly one of url, address or phone, so that a reply can say how to reach it"
                            ),
                        ));
                    }
                };
                if contact.as_str().trim().is_empty() || t.name.trim().is_empty() {
                    return Err(cx.err(c, format!("channel {id} has an empty name or contact")));
                }
                Channel {
                    name: t.name.trim().to_string(),
                    contact,
                }
            }
        };
        out.insert(id.clone(), channel);
    }
    Ok(out)
}

/// Every channel a tier lists (and its escalation channels) must be defined, or a reply would
/// name a channel without saying how to reach it.
pub(super) fn tier_channels(
    cx: &Ctx<'_>,
    raw: &Spanned<Vec<Spanned<RawTier>>>,
    tiers: &mut [Tier],
    channels: &BTreeMap<String, Channel>,
    severities: &[Severity],
) -> Result<(), PolicyError> {
    for (t, tier) in raw.get_ref().iter().zip(tiers.iter_mut()) {
        let missing = |name: &str| {
            cx.err(
                t,
                format!(
                    "tier {} lists channel {name:?}, which [channels] does not define; a reply needs its name and its url, address or phone (defined: {})",
                    tier.id,
                    channels.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
        };
        for c in &tier.channels {
            if c != EMAIL && !channels.contains_key(c) {
                return Err(missing(c));
            }
        }
        if let Some(e) = &t.get_ref().escalation {
            let e_ref = e.get_ref();
            let mut sevs = Vec::new();
            for s in &e_ref.severities {
                sevs.push(severity_ref(cx, severities, s)?);
            }
            let mut chans = Vec::new();
            for c in &e_ref.channels {
                if !channels.contains_key(c.get_ref()) {
                    return Err(missing(c.get_ref()));
                }
                chans.push(c.get_ref().clone());
            }
            if sevs.is_empty() || chans.is_empty() {
                return Err(cx.err(e, "escalation needs at least one severity and one channel"));
            }
            tier.escalation = Some(Escalation {
                severities: sevs,
                channels: chans,
            });
        }
    }
    Ok(())
}

pub(super) fn email_intake(
    cx: &Ctx<'_>,
    raw: Option<&Spanned<RawEmailIntake>>,
    channels: &BTreeMap<String, Channel>,
) -> Result<EmailIntake, PolicyError> {
    let Some(raw) = raw else {
        return Ok(EmailIntake::default());
    };
    let r = raw.get_ref();
    if r.covered {
        if r.channel.is_some() || r.text.is_some() {
            return Err(cx.err(
                raw,
                "[email_intake] channel and text are for covered = false: they say where requests are opened instead",
            ));
        }
        return Ok(EmailIntake::default());
    }
    let (Some(channel), Some(text)) = (&r.channel, &r.text) else {
        return Err(cx.err(
            raw,
            "[email_intake] covered = false needs channel (where requests are opened) and text (what the reply says)",
        ));
    };
    if !channels.contains_key(channel.get_ref()) {
        return Err(cx.err(
            channel,
            format!(
                "[email_intake] channel {:?} is not defined in [channels]",
                channel.get_ref()
            ),
        ));
    }
    let text =
        Template::parse(text.get_ref(), EMAIL_INTAKE_PLACEHOLDERS).map_err(|e| cx.err(text, e))?;
    Ok(EmailIntake {
        covered: false,
        channel: Some(channel.get_ref().clone()),
        text: Some(text),
    })
}

pub(super) fn request_kinds(
    cx: &Ctx<'_>,
    raw: &[Spanned<RawRequestKind>],
) -> Result<Vec<RequestKind>, PolicyError> {
    let mut out: Vec<RequestKind> = Vec::new();
    for k in raw {
        let r = k.get_ref();
        let id = r.id.get_ref().trim().to_string();
        if id.is_empty() || out.iter().any(|o| o.id == id) {
            return Err(cx.err(
                &r.id,
                format!("request kind {id:?} is empty or defined twice"),
            ));
        }
        let keywords: Vec<String> = r
            .keywords
            .get_ref()
            .iter()
            .map(|w| normalise_name(w))
            .filter(|w| !w.is_empty())
            .collect();
        if keywords.is_empty() {
            return Err(cx.err(
                &r.keywords,
                format!("request kind {id} has no keywords, so no message could ever match it"),
            ));
        }
        if let Some(w) = keywords.iter().find(|w| w.len() < 4) {
            return Err(cx.err(
                &r.keywords,
                format!("keyword {w:?} of request kind {id} is too short to match safely in prose"),
            ));
        }
        if r.reply.trim().is_empty() {
            return Err(cx.err(k, format!("request kind {id} has an empty reply")));
        }
        out.push(RequestKind {
            queue: r
                .queue
                .get_ref()
                .parse::<QueueId>()
                .map_err(|e| cx.err(&r.queue, e.to_string()))?,
            id,
            label: r.label.clone(),
            keywords,
            reply: r.reply.trim().to_string(),
        });
    }
    Ok(out)
}

pub(super) fn security(
    cx: &Ctx<'_>,
    raw: Option<&Spanned<RawSecurity>>,
    has_bands: bool,
) -> Result<SecurityScope, PolicyError> {
    let Some(raw) = raw else {
        return Ok(SecurityScope::default());
    };
    if !has_bands {
        return Err(cx.err(
            raw,
            "[security] describes security_bands, but none is defined",
        ));
    }
    let r = raw.get_ref();
    Ok(SecurityScope {
        products: r.products.iter().map(|p| p.trim().to_string()).collect(),
        keywords: r
            .keywords
            .iter()
            .map(|w| normalise_name(w))
            .filter(|w| !w.is_empty())
            .collect(),
        guideline: r.guideline,
        disclosure: r.disclosure.clone(),
    })
}
