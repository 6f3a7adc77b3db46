//! Elastic Load Balancing (ALB, NLB).

mod access_logs;
mod deletion_protection;
mod drop_invalid_headers;
mod hardening;
mod http_listener;
mod tls_policy;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &http_listener::ELB_HTTP_LISTENER,
        &tls_policy::ELB_TLS_POLICY,
        &drop_invalid_headers::ELB_DROP_INVALID_HEADERS,
        &deletion_protection::ELB_DELETION_PROTECTION,
        &access_logs::ELB_ACCESS_LOGS,
        &hardening::ELB_WAF,
        &hardening::ELB_DESYNC,
        &hardening::ELB_CROSS_ZONE,
    ]
}
