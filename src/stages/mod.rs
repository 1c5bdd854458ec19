//! Stages: the work behind each command that reads texts and reports on them. Each builds its own
//! report type, which the output layer writes in any format it supports.

pub mod extract;
pub mod eval;
pub mod compare;
pub mod lint;
pub mod diff;
pub mod revert;
pub mod check;
pub mod history;
