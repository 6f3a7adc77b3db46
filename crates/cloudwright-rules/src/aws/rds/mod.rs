//! Amazon RDS and Aurora.

mod backup_retention;
mod deletion_protection;
mod multi_az_production;
mod public_access;
mod storage_encrypted;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &public_access::RDS_PUBLIC,
        &storage_encrypted::RDS_STORAGE_ENCRYPTED,
        &backup_retention::RDS_BACKUP_RETENTION,
        &deletion_protection::RDS_DELETION_PROTECTION,
        &multi_az_production::RDS_MULTI_AZ_PRODUCTION,
    ]
}
