//! The one integration-test binary: the real `ifmatch` against real servers on loopback.

mod support;

mod apply;
mod body_version;
mod cache;
mod client;
mod core;
mod demo;
mod diff;
mod doctor;
mod edit;
mod faults;
mod generated;
mod http_edges;
mod interop;
mod interop_pouchdb;
mod interop_varnish;
mod lineage;
mod markers;
mod merge;
mod messages;
mod options;
mod output;
mod patch;
mod policy;
mod preconditions;
mod prompt;
mod put;
mod readme;
mod record;
mod recovery;
mod retry;
mod serve;
mod serve_faults;
mod unprotected;
mod working_copy;
