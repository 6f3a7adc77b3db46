//! AWS Elastic Beanstalk environments, read from their `setting` blocks.

use crate::check::{get, Context, Tri};
use crate::{Report, Rule};
use cloudwright_model::Resource;

pub fn rules() -> Vec<&'static Rule> {
    vec![&EB_MANAGED_UPDATES, &EB_ENHANCED_HEALTH]
}

/// The value of the environment setting `namespace`/`name`.
fn setting(env: &Resource, namespace: &str, name: &str) -> Tri<Option<String>> {
    let settings = match get(env, "setting") {
        Tri::Known(v) => v,
        Tri::Absent => return Tri::Known(None),
        Tri::Unknown(why) => return Tri::Unknown(why),
    };
    let mut undecided = None;
    for s in settings.as_list().unwrap_or_default() {
        let (ns, n) = (s.get("namespace"), s.get("name"));
        if ns.as_ref().is_some_and(|v| v.is_unknown()) || n.as_ref().is_some_and(|v| v.is_unknown())
        {
            let why = ns
                .iter()
                .chain(&n)
                .find(|v| v.is_unknown())
                .map(|v| v.why_unknown());
            undecided.get_or_insert(format!(
                "a setting's namespace or name is {}",
                why.unwrap_or_default()
            ));
            continue;
        }
        if ns.as_ref().and_then(|v| v.as_str()) == Some(namespace)
            && n.as_ref().and_then(|v| v.as_str()) == Some(name)
        {
            return match s.get("value") {
                Some(v) if v.is_unknown() => {
                    Tri::Unknown(format!("{namespace}:{name} is {}", v.why_unknown()))
                }
                Some(v) => Tri::Known(Some(
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()),
                )),
                None => Tri::Known(None),
            };
        }
    }
    undecided.map_or(Tri::Known(None), Tri::Unknown)
}

fn check_setting(
    ctx: &Context<'_>,
    report: &mut Report,
    namespace: &str,
    name: &str,
    want: &str,
    message: &str,
) {
    for env in ctx.resources(&["aws_elastic_beanstalk_environment"]) {
        report.checked(env);
        match setting(env, namespace, name) {
            Tri::Known(Some(v)) if v.eq_ignore_ascii_case(want) => {}
            Tri::Known(Some(_)) => {
                report.fail(env, "setting", message.to_string());
            }
            Tri::Known(None) | Tri::Absent => {
                report.fail(
                    env,
                    "",
                    format!("{message} ({namespace} {name} is not set)"),
                );
            }
            Tri::Unknown(why) => report.unknown(env, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Elastic Beanstalk environments take managed platform updates: the
    /// setting `aws:elasticbeanstalk:managedactions` / `ManagedActionsEnabled`
    /// is `true`.
    ///
    /// ## Why it matters
    /// Platform versions carry OS, runtime and web-server patches. Without
    /// managed updates, environments stay on vulnerable platforms until
    /// someone upgrades them by hand.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_elastic_beanstalk_environment" "web" {
    ///   name        = "web"
    ///   application = aws_elastic_beanstalk_application.app.name
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_elastic_beanstalk_environment" "web" {
    ///   name        = "web"
    ///   application = aws_elastic_beanstalk_application.app.name
    ///   setting {
    ///     namespace = "aws:elasticbeanstalk:managedactions"
    ///     name      = "ManagedActionsEnabled"
    ///     value     = "true"
    ///   }
    ///   setting {
    ///     namespace = "aws:elasticbeanstalk:managedactions"
    ///     name      = "PreferredStartTime"
    ///     value     = "Sun:02:00"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable managed actions with a preferred start time and an update
    /// level (`minor` or `patch`).
    pub static EB_MANAGED_UPDATES = {
        id: "CW-AWS-BEANSTALK-001",
        title: "Elastic Beanstalk without managed platform updates",
        severity: Low,
        category: "patching",
        resource_types: ["aws_elastic_beanstalk_environment"],
        checkov: ["CKV_AWS_340"],
        trivy: [],
        kics: [],
        remediation: "Set aws:elasticbeanstalk:managedactions ManagedActionsEnabled = true.",
        check: |ctx, report| check_setting(ctx, report, "aws:elasticbeanstalk:managedactions", "ManagedActionsEnabled", "true", "managed platform updates are off"),
    }
}

crate::rule! {
    /// ## What it checks
    /// Elastic Beanstalk environments use enhanced health reporting: the
    /// setting `aws:elasticbeanstalk:healthreporting:system` / `SystemType`
    /// is `enhanced`.
    ///
    /// ## Why it matters
    /// Basic health only watches the load balancer; enhanced health reports
    /// per-instance request latency, error rates and deployment state, and
    /// is needed for immutable and rolling-with-health deployments.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_elastic_beanstalk_environment" "web" {
    ///   name        = "web"
    ///   application = aws_elastic_beanstalk_application.app.name
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_elastic_beanstalk_environment" "web" {
    ///   name        = "web"
    ///   application = aws_elastic_beanstalk_application.app.name
    ///   setting {
    ///     namespace = "aws:elasticbeanstalk:healthreporting:system"
    ///     name      = "SystemType"
    ///     value     = "enhanced"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `SystemType = enhanced` (the instance profile needs
    /// `AWSElasticBeanstalkEnhancedHealth`).
    pub static EB_ENHANCED_HEALTH = {
        id: "CW-AWS-BEANSTALK-002",
        title: "Elastic Beanstalk without enhanced health reporting",
        severity: Low,
        category: "monitoring",
        resource_types: ["aws_elastic_beanstalk_environment"],
        checkov: ["CKV_AWS_312"],
        trivy: [],
        kics: [],
        remediation: "Set aws:elasticbeanstalk:healthreporting:system SystemType = enhanced.",
        check: |ctx, report| check_setting(ctx, report, "aws:elasticbeanstalk:healthreporting:system", "SystemType", "enhanced", "health reporting is basic"),
    }
}
