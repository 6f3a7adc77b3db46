//! The network exposure engine.
//!
//! Reachability is computed over *header spaces*: sets of packets described
//! by protocol, destination port and source address. Every hop on a path —
//! a route, a network ACL, a security group — admits a subset of the
//! header space; what reaches the target is the intersection along the
//! path. [`sets`] holds the exact set algebra (unions, intersections and
//! differences of port ranges and IPv4/IPv6 prefix sets) the engine is
//! built on.

pub mod design;
pub mod exposure;
pub mod reach;
pub mod segment;
pub mod sets;
pub mod topology;
