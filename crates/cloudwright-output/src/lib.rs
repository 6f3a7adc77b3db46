//! Renderers. They turn plain data (the model, findings, reports) into text;
//! they compute nothing about the infrastructure.

pub mod cost;
pub mod diagnostics;
pub mod envs;
pub mod exposure;
pub mod iam;
mod json;
pub mod resilience;
pub mod resources;
pub mod review;
pub mod scan;
pub mod table;
