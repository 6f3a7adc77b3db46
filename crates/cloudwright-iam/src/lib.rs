//! The IAM engine: policy documents, the catalogue of IAM actions, and
//! AWS's policy evaluation logic, over the Cloudwright model.

pub mod access;
pub mod catalogue;
pub mod catalogue_gen;
pub mod document;
pub mod escalation;
pub mod eval;
pub mod federation;
pub mod generator;
pub mod glob;
pub mod managed;
pub mod principals;
pub mod privileges;
