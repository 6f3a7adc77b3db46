//! Amazon EC2: instances, launch templates and configurations, EBS.

mod ebs_encryption;
mod hardening;
mod imdsv2;
mod public_ip;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &imdsv2::EC2_IMDSV2,
        &ebs_encryption::EBS_ENCRYPTION,
        &public_ip::EC2_PUBLIC_IP,
        &hardening::EC2_HOP_LIMIT,
        &hardening::EC2_DETAILED_MONITORING,
        &hardening::EC2_USER_DATA_SECRETS,
        &hardening::EC2_AMI_PUBLIC,
        &hardening::EC2_INSTANCE_ROLE,
    ]
}
