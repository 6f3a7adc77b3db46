//! The tagging strategy as rules (the summary lives in `crate::tagging`).

use crate::check::Context;
use crate::tagging::{is_taggable, unknown_tags_why};

fn taggable<'g>(ctx: &Context<'g>) -> impl Iterator<Item = &'g cloudwright_model::Resource> + 'g {
    ctx.graph
        .resources
        .iter()
        .filter(|r| r.mode == cloudwright_model::Mode::Managed && is_taggable(&r.resource_type))
}

crate::rule! {
    /// ## What it checks
    /// Every taggable resource carries the required tags in its effective
    /// tags — the provider's `default_tags` merged with its own `tags`,
    /// through modules — with a non-empty value. By default: `team` (or
    /// `owner`), `environment` (or `env`), `project` (or `product`,
    /// `application`); keys compare without case, `-` or `_`. Configure in
    /// `cloudwright.toml`:
    ///
    /// ```toml
    /// [tags]
    /// required = ["team|owner", "environment", "cost-center"]
    /// ```
    ///
    /// Only resource types that accept tags are checked; tags known only
    /// after apply make the check undecidable.
    ///
    /// ## Why it matters
    /// Untagged resources are the part of the bill nobody owns: cost cannot
    /// be allocated per team or product, and during an incident nobody
    /// knows whom to call about a resource.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sqs_queue" "orders" {
    ///   name = "orders"
    ///   tags = { team = "checkout" }   # no environment, no project
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// provider "aws" {
    ///   default_tags {
    ///     tags = { environment = "prod", project = "shop" }
    ///   }
    /// }
    /// resource "aws_sqs_queue" "orders" {
    ///   name = "orders"
    ///   tags = { team = "checkout" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Put the tags every resource shares in the provider's `default_tags`
    /// and the rest on the resource (or its module's inputs).
    pub static TAGS_REQUIRED = {
        id: "CW-TF-TAG-001",
        title: "Resource missing required tags",
        severity: Low,
        category: "tagging",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add the required tags (provider default_tags for the shared ones).",
        check: |ctx, report| {
            let policy = &ctx.settings.tags;
            if policy.required.is_empty() {
                return;
            }
            if policy.required.len() > 64 {
                // beyond what a mask holds: judge each resource in full
                for r in taggable(ctx) {
                    report.checked(r);
                    match policy.judge(r) {
                        Err(why) => report.unknown(r, why),
                        Ok(j) if !j.missing.is_empty() => {
                            report.fail(r, "", format!("missing required tags {}", j.missing.join(", ")));
                        }
                        Ok(j) if !j.unknown.is_empty() => {
                            report.unknown(r, format!("tag {} is {}", j.unknown.join(", "), unknown_tags_why(r)));
                        }
                        Ok(_) => {}
                    }
                }
                return;
            }
            // messages by missing set: most resources lack the same tags
            let mut messages: Vec<(u64, std::sync::Arc<str>)> = Vec::new();
            for (i, gaps) in &ctx.tagging().gaps {
                let r = &ctx.graph.resources[*i];
                report.checked(r);
                match gaps {
                    Err(why) => report.unknown(r, why.clone()),
                    Ok((missing, _)) if *missing != 0 => {
                        let message = match messages.iter().find(|(m, _)| m == missing) {
                            Some((_, text)) => text.clone(),
                            None => {
                                let names = policy.names(*missing);
                                let text: std::sync::Arc<str> = format!("missing required tag{} {}", if names.len() == 1 { "" } else { "s" }, names.join(", ")).into();
                                messages.push((*missing, text.clone()));
                                text
                            }
                        };
                        report.fail(r, "", message);
                    }
                    Ok((_, unknown)) if *unknown != 0 => {
                        report.unknown(r, format!("tag {} is {}", policy.names(*unknown).join(", "), unknown_tags_why(r)));
                    }
                    Ok(_) => {}
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// Tag values are among the values `cloudwright.toml` allows for their
    /// key, or match its pattern (`*` matches any text):
    ///
    /// ```toml
    /// [tags.values]
    /// environment = ["prod", "staging", "dev"]
    /// [tags.patterns]
    /// cost-center = "CC-*"
    /// ```
    ///
    /// Without those sections the rule reports nothing.
    ///
    /// ## Why it matters
    /// `Prod`, `production` and `prd` are three environments to a cost
    /// report; a cost centre that is not one makes the allocation fail
    /// silently at the end of the month.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sqs_queue" "orders" {
    ///   tags = { environment = "Production" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sqs_queue" "orders" {
    ///   tags = { environment = "prod" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use the agreed values (validate them in the variables that feed the
    /// tags: `validation { condition = contains([...], var.environment) }`).
    pub static TAG_VALUES = {
        id: "CW-TF-TAG-002",
        title: "Tag value not allowed by the tagging policy",
        severity: Low,
        category: "tagging",
        resource_types: [],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use one of the allowed values for the tag.",
        check: |ctx, report| {
            let policy = &ctx.settings.tags;
            if policy.values.is_empty() && policy.patterns.is_empty() {
                return;
            }
            for r in taggable(ctx) {
                report.checked(r);
                match policy.judge(r) {
                    Err(why) => report.unknown(r, why),
                    Ok(j) => {
                        if let Some((k, v, allowed)) = j.invalid.first() {
                            report.fail(r, "", format!("tag {k} = {v:?} is not allowed (allowed: {allowed})"));
                        }
                    }
                }
            }
        },
    }
}
