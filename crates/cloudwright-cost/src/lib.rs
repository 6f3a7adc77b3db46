//! The cost engine. A pricing catalogue of dated public on-demand list
//! prices in the AWS Price List's shape ([`catalogue`]), refreshed from the
//! official bulk files by [`update`]; cost components per resource type
//! ([`components`]) whose quantities follow the evaluated attributes, and
//! usage inputs for the usage-based ones ([`usage`]); a monthly estimate
//! per resource ([`estimate`]) and the cost of a change ([`diff`]).
//!
//! Honesty rules: a resource that cannot be priced is listed with the
//! reason, never priced at $0; a usage-based component without usage shows
//! its unit price and stays out of the totals; a value known only after
//! apply makes the resource unpriced, never guessed.

pub mod catalogue;
pub mod components;
pub mod diff;
pub mod estimate;
pub mod update;
pub mod usage;
pub mod whatif;

pub use catalogue::{Catalogue, CatalogueError, PriceRecord};
pub use diff::{diff, keep_unread, CostDiff};
pub use estimate::{estimate, Estimate};
pub use usage::Usage;

/// Hours in a month, as AWS and every cost tool count them.
pub const HOURS_PER_MONTH: f64 = 730.0;
