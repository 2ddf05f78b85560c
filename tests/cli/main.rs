//! The one integration-test binary: the real `ifmatch` against real servers on loopback.

mod support;

mod core;
mod demo;
mod generated;
mod interop;
mod prompt;
mod serve;
