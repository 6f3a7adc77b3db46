use crate::check::{count, get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Load balancer listeners (`aws_lb_listener`, `aws_alb_listener`) on
    /// plain `HTTP` redirect to HTTPS: their `default_action` is a `redirect`
    /// with `protocol = "HTTPS"`. Any other action serves the application
    /// over unencrypted HTTP.
    ///
    /// ## Why it matters
    /// Traffic over HTTP — session cookies, credentials, personal data — can
    /// be read and altered by anyone on the path. An HTTP listener should
    /// only ever answer with a redirect.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lb_listener" "http" {
    ///   port     = 80
    ///   protocol = "HTTP"
    ///   default_action {
    ///     type             = "forward"
    ///     target_group_arn = aws_lb_target_group.app.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lb_listener" "http" {
    ///   port     = 80
    ///   protocol = "HTTP"
    ///   default_action {
    ///     type = "redirect"
    ///     redirect {
    ///       port        = "443"
    ///       protocol    = "HTTPS"
    ///       status_code = "HTTP_301"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Make the HTTP listener's default action a redirect to HTTPS.
    pub static ELB_HTTP_LISTENER = {
        id: "CW-AWS-ELB-001",
        title: "Load balancer serves plain HTTP",
        severity: High,
        category: "encryption",
        resource_types: ["aws_lb_listener", "aws_alb_listener"],
        checkov: ["CKV_AWS_2", "CKV2_AWS_20"],
        trivy: ["AVD-AWS-0054", "aws-elb-http-not-used"],
        kics: ["de7f5e83-da88-4046-871f-ea18504b1d43"],
        remediation: "Redirect HTTP to HTTPS in the listener's default action.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for l in ctx.resources(&["aws_lb_listener", "aws_alb_listener"]) {
        report.checked(l);
        match get_str(l, "protocol") {
            Tri::Known(p) if p.eq_ignore_ascii_case("HTTP") => {}
            Tri::Unknown(why) => {
                report.unknown(l, why);
                continue;
            }
            _ => continue,
        }
        let n = match count(l, "default_action") {
            Tri::Known(n) => n,
            Tri::Unknown(why) => {
                report.unknown(l, format!("`default_action` blocks are {why}"));
                continue;
            }
            Tri::Absent => continue,
        };
        for i in 0..n {
            let action = get_str(l, &format!("default_action.{i}.type"));
            let redirect_proto = get_str(l, &format!("default_action.{i}.redirect.0.protocol"));
            match (action, redirect_proto) {
                (Tri::Known(a), Tri::Known(p))
                    if a == "redirect" && p.eq_ignore_ascii_case("HTTPS") => {}
                (Tri::Known(a), _) if a == "fixed-response" => {}
                (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => report.unknown(l, why),
                (Tri::Known(a), _) => {
                    report.fail(
                        l,
                        &format!("default_action[{i}].type"),
                        format!(
                            "the HTTP listener's default action is `{a}`, not a redirect to HTTPS"
                        ),
                    );
                }
                _ => {}
            }
        }
    }
}
