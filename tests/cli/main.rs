//! The one integration-test binary: the real `ifmatch` against real servers on loopback.

mod support;

mod client;
mod core;
mod doctor;
mod generated;
mod prompt;
