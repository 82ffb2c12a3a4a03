//! AWS adapters for slamail.
pub mod directory;
