//! The one integration-test binary: the real `ifmatch` against real servers on loopback.

mod support;

mod apply;
mod client;
mod core;
mod diff;
mod doctor;
mod generated;
mod merge;
mod patch;
mod preconditions;
mod prompt;
