//! The vendors' policies shipped inside the binary, so that a deployment needs no files to start.

use super::{Policy, PolicyError, load_str};

const BUILTIN: &[(&str, &str)] = &[
    (
        "activestate",
        include_str!("../../policies/activestate.toml"),
    ),
    ("alectrona", include_str!("../../policies/alectrona.toml")),
    ("scalr", include_str!("../../policies/scalr.toml")),
];

/// The ids of the policies shipped with slamail.
pub fn builtin_ids() -> Vec<&'static str> {
    BUILTIN.iter().map(|(id, _)| *id).collect()
}

/// A built-in policy by id.
pub fn builtin(id: &str) -> Result<Policy, PolicyError> {
    let (name, text) = BUILTIN
        .iter()
        .find(|(name, _)| *name == id)
        .ok_or_else(|| {
            PolicyError::new(
                id,
                None,
                format!(
                    "no built-in policy is called {id:?}; built-in policies: {}",
                    builtin_ids().join(", ")
                ),
            )
        })?;
    load_str(text, &format!("built-in:{name}"))
}
