//! The one integration-test binary: the real `ifmatch` against real servers on loopback.

mod support;

mod apply;
mod client;
mod core;
mod demo;
mod diff;
mod doctor;
mod generated;
mod http_edges;
mod interop;
mod merge;
mod messages;
mod options;
mod output;
mod patch;
mod preconditions;
mod prompt;
mod serve;
