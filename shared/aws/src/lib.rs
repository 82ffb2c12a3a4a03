//! AWS adapters for slamail.
pub mod tables;
