//! The resilience engine: where things run (region, Availability Zones),
//! what each entry point depends on, what an AZ or a region outage does to
//! it, and the recovery point and time the configuration implies for each
//! data store. Placement that the configuration does not say stays
//! unknown: a service is never reported as surviving on a guess.

pub mod availability;
pub mod fronts;
pub mod placement;
pub mod recovery;
pub mod simulate;

pub use placement::Zones;
pub use recovery::{recovery, DataStore, RecoveryModel};
pub use simulate::{
    simulate, simulate_with, DeclaredService, EntryPoint, Options, Report, Scenario, Status,
    Unplaced,
};
