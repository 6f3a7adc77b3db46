//! Loads Terraform into the Cloudwright model.
//!
//! `load` → discover root modules → parse every file (in parallel) → evaluate
//! each root module once (variables, locals, modules, `count`/`for_each`,
//! dynamic blocks, functions) → one [`cloudwright_model::Graph`].
//! Plan and state JSON load into the same model ([`plan`]).

pub mod conditions;
pub mod data_sources;
pub mod eval;
pub mod functions;
pub mod hcl;
pub mod instance;
pub mod json_syntax;
pub mod load;
pub mod module;
pub mod plan;
pub mod policy_document;
pub mod remote_state;
pub mod resources;
pub mod schema;
pub mod source_bundle;
pub mod stacks;
pub mod syntax;
pub mod terragrunt;
pub mod types;

pub use load::{load, load_with, LoadOptions};
