//! Mailboxes that belong to machines or administrators, by their local part: no-reply addresses,
//! the mail system itself, and list plumbing.

/// The local part without a `+tag`, so `noreply+bounces@` is still `noreply`.
fn base_local_part(local: &str) -> String {
    local
        .split('+')
        .next()
        .unwrap_or(local)
        .trim_matches('"')
        .to_ascii_lowercase()
}

pub(super) fn is_mail_system(local: &str) -> bool {
    matches!(
        base_local_part(local).as_str(),
        "mailer-daemon" | "postmaster"
    )
}

/// The addresses mailing-list managers send their notices from (Mailman's `list-admin`,
/// `list-owner`, `list-request`, `list-bounces`; majordomo's `owner-list`). A person's role
/// account named like one (`it-admin@`) is not answered either: its message is still recorded.
const LIST_MANAGER_SUFFIXES: [&str; 4] = ["-admin", "-owner", "-request", "-bounces"];

/// noreply, no-reply, no_reply, do-not-reply, donotreply… and the mailbox names that belong to
/// machines or administrators, plus list plumbing (`owner-*`, `*-request`, `*-bounces`…).
pub(super) fn is_no_reply_local_part(local: &str) -> bool {
    let base = base_local_part(local);
    if base.starts_with("owner-")
        || LIST_MANAGER_SUFFIXES
            .iter()
            .any(|s| base.len() > s.len() && base.ends_with(s))
    {
        return true;
    }
    let squashed: String = base
        .chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .collect();
    squashed.starts_with("noreply")
        || squashed.ends_with("noreply")
        || squashed.starts_with("donotreply")
        || matches!(
            squashed.as_str(),
            "mailerdaemon" | "postmaster" | "abuse" | "root"
        )
}
