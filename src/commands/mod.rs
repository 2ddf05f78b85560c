//! One file per subcommand, each thin: it wires settings, client, store, editor and the write
//! cycle together for its job.

pub mod apply;
pub mod demo;
pub mod diff;
pub mod doctor;
pub mod edit;
pub mod generate;
pub mod get;
pub mod put;
pub mod serve;
pub mod state;
