//! Amazon RDS and Aurora.

mod backup_retention;
mod deletion_protection;
mod hardening;
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
        &hardening::RDS_IAM_AUTH,
        &hardening::RDS_MINOR_UPGRADE,
        &hardening::RDS_LOG_EXPORTS,
        &hardening::RDS_ENHANCED_MONITORING,
        &hardening::RDS_PI_CMK,
        &hardening::RDS_SNAPSHOT_PUBLIC,
        &hardening::RDS_DEFAULT_PORT,
        &hardening::RDS_PERFORMANCE_INSIGHTS,
        &hardening::RDS_COPY_TAGS,
    ]
}
