//! Raw MIME bytes to an [`InboundEmail`]: what the rest of the product needs to know about a
//! message, extracted once, never failing (a message that cannot be parsed is still recorded).
