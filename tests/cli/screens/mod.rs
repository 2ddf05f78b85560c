//! Whole-screen snapshots of what users read most: the conflict screen and each answer at its
//! prompt, the re-edit offer, the main errors with their hints, doctor's reports, and --help.
//! A reworded, dropped or duplicated line fails here, where a `contains` check would pass.
//! The screens are built by `support::screen`; the snapshots are in tests/cli/snapshots/.

mod conflict;
mod demo;
mod doctor;
mod errors;
mod help;
mod state;
mod writes;
