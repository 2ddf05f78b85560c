//! One file per subcommand, each thin: it wires settings, client, store, editor and the write
//! cycle together for its job.

pub(crate) mod apply;
pub(crate) mod demo;
pub(crate) mod diff;
pub(crate) mod doctor;
pub(crate) mod edit;
pub(crate) mod generate;
pub(crate) mod get;
pub(crate) mod put;
pub(crate) mod serve;
pub(crate) mod state;
