//! Rust twins of leakbench's seed scenarios: the shared server kit and small helpers.
pub mod bounded;
pub mod kit;
