//! The evaluated infrastructure model that every Cloudwright engine reads.
//!
//! Loaders (Terraform HCL, plan JSON, state) produce a [`Graph`]; engines take
//! `&Graph` and return plain data. See `docs/architecture.md`.

pub mod aws;
pub mod date;
pub mod diagnostic;
pub mod fields;
pub mod finding;
pub mod glob;
pub mod graph;
pub mod resource;
pub mod source;
pub mod state;
pub mod testing;
pub mod text;
pub mod tri;
pub mod value;
pub mod version;

pub use diagnostic::{Diagnostic, Severity};
pub use fields::{FieldSlice, Fields, SortedMap, SortedSlice};
pub use finding::{Evidence, Finding, FindingData, FindingSeverity, Message, RelatedLocation};
pub use graph::without_instance_keys;
pub use graph::{
    earlier_addresses, link_foreign_origins, link_unknown_origins, moved_address, qualified,
    Backend, Graph, Handover, HandoverKind, LocalInfo, ModuleCall, ModuleInstance, Move,
    OutputInfo, ProviderConfig, RequiredProvider, TerraformSettings, VariableInfo,
};
pub use resource::{
    InstanceKey, Mode, Origin, ProviderRef, Reference, Resource, ValueSource, VariableOrigin,
};
pub use source::{FileId, Location, SourceFile, SourceMap, Span};
pub use tri::Tri;
pub use value::{format_number, Object, Unknown, Value};
