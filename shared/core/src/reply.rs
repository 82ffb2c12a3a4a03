//! The auto-reply, rendered as a raw MIME message (so every header is ours).
