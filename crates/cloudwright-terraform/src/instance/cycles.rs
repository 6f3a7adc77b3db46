//! Dependency cycles between a module's named values, judged the way
//! Terraform judges them.
//!
//! The evaluation order treats a module call as one node: it depends on
//! everything its arguments refer to, and whatever reads one of its outputs
//! depends on it. Terraform's graph is finer: each argument of a call is a
//! node (the module's input variable) and each output is one, depending only
//! on the variables its value is made from. Two calls that read each
//! other's outputs — a queue and its dead-letter queue, each allowing the
//! other — form a cycle between whole calls but not in Terraform's graph,
//! and Terraform plans them. Such a stretch of the evaluation order is
//! evaluated again until every value in it has settled (at most as many
//! times as the longest chain of references back up the stretch needs);
//! only a cycle that is one in Terraform's graph too is reported.

use super::{literal_string, EvalPlan, Loader, Node, References};
use crate::eval::FastMap;
use crate::module::ModuleDef;
use crate::syntax::{Expr, TraversalOp};
use cloudwright_model::Diagnostic;
use std::ops::Range;

/// A stretch of a module's evaluation order that holds dependency cycles
/// between whole nodes: one strongly connected set of nodes.
#[derive(Debug)]
pub(super) struct Stretch {
    /// Positions in the evaluation order.
    pub span: Range<usize>,
    /// The cycles found in it, as node indexes, reported when they are
    /// cycles in Terraform's graph too.
    pub cycles: Vec<Vec<usize>>,
}

/// Reorders `order` (a depth-first post-order of node indexes) so that
/// each strongly connected set of nodes is one stretch, dependencies
/// still first, and returns the stretches that hold the `cycles` found.
pub(super) fn stretches(
    deps: &[Vec<usize>],
    order: &mut [usize],
    cycles: Vec<Vec<usize>>,
) -> Vec<Stretch> {
    if cycles.is_empty() {
        return Vec::new();
    }
    // the sets in the order Tarjan's algorithm completes them, which puts
    // a set after every set it depends on; within a set the order is kept
    let component = components(deps);
    order.sort_by_key(|&n| component[n]);
    let mut out: Vec<Stretch> = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let c = component[order[start]];
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&n| component[n] == c)
                .count();
        let held: Vec<Vec<usize>> = cycles
            .iter()
            .filter(|cycle| cycle.first().is_some_and(|&n| component[n] == c))
            .cloned()
            .collect();
        if !held.is_empty() {
            out.push(Stretch {
                span: start..end,
                cycles: held,
            });
        }
        start = end;
    }
    out
}

/// Tarjan's strongly connected components, iteratively: per node, the
/// number of its component, numbered in the order they complete.
fn components(deps: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = deps.len();
    let mut index = vec![NONE; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![NONE; n];
    let (mut next_index, mut next_component) = (0, 0);
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut calls = vec![(root, 0usize)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut next)) = calls.last_mut() {
            if let Some(&dep) = deps[node].get(*next) {
                *next += 1;
                if index[dep] == NONE {
                    index[dep] = next_index;
                    low[dep] = next_index;
                    next_index += 1;
                    stack.push(dep);
                    on_stack[dep] = true;
                    calls.push((dep, 0));
                } else if on_stack[dep] {
                    low[node] = low[node].min(index[dep]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

impl EvalPlan {
    /// Per output (by index), the variables (by index) its value depends
    /// on, through locals, resources and the arguments of module calls.
    fn output_inputs(&self) -> &[Vec<usize>] {
        self.output_inputs.get_or_init(|| {
            let outputs = self
                .nodes
                .iter()
                .filter(|n| matches!(n, Node::Output(_)))
                .count();
            let mut out = vec![Vec::new(); outputs];
            let mut seen = vec![false; self.nodes.len()];
            for (start, node) in self.nodes.iter().enumerate() {
                let Node::Output(o) = *node else { continue };
                seen.iter_mut().for_each(|s| *s = false);
                let mut stack = vec![start];
                let mut vars = Vec::new();
                while let Some(n) = stack.pop() {
                    if std::mem::replace(&mut seen[n], true) {
                        continue;
                    }
                    if let Node::Var(v) = self.nodes[n] {
                        vars.push(v);
                    }
                    stack.extend(self.deps[n].iter().copied());
                }
                vars.sort_unstable();
                out[o] = vars;
            }
            out
        })
    }
}

/// The arguments of a module call that are not input variables.
pub(super) const CALL_META: [&str; 6] = [
    "source",
    "version",
    "count",
    "for_each",
    "providers",
    "depends_on",
];

/// Terraform's graph restricted to a stretch: each node of the stretch, or
/// for a module call its arguments and outputs, with what each depends on
/// inside the stretch.
struct FineGraph {
    /// Per fine node: the fine nodes it depends on.
    deps: Vec<Vec<usize>>,
    /// Per fine node: the position of its node in the stretch.
    at: Vec<usize>,
}

/// The fine nodes of one node of a stretch.
enum Parts {
    Whole(usize),
    Call {
        /// argument name → fine node
        args: Vec<(String, usize)>,
        /// `count`, `for_each`, `providers`, `depends_on` and a computed
        /// `source`: what every output depends on
        meta: usize,
        /// The called module's definition and the fine node of each of its
        /// outputs (in its order); `None` when the definition cannot be
        /// read (every output then depends on every argument)
        outputs: Option<(std::sync::Arc<ModuleDef>, Vec<usize>)>,
        any_output: usize,
    },
}

impl Loader<'_> {
    /// How many times to evaluate each stretch of `plan.cyclic` for this
    /// instance: once when its cycles are cycles in Terraform's graph too
    /// (they are reported, and the reference that closes each is unknown);
    /// otherwise as many times as its values need to settle.
    pub(super) fn cycle_passes(
        &mut self,
        def: &ModuleDef,
        plan: &EvalPlan,
        key_path: &str,
    ) -> Vec<usize> {
        plan.cyclic
            .iter()
            .map(
                |stretch| match self.settling_passes(def, plan, stretch, key_path) {
                    Some(passes) => passes,
                    None => {
                        self.report_cycles(def, plan, &stretch.cycles);
                        1
                    }
                },
            )
            .collect()
    }

    /// Reports dependency cycles (node indexes of `plan`).
    fn report_cycles(&mut self, def: &ModuleDef, plan: &EvalPlan, cycles: &[Vec<usize>]) {
        for cycle in cycles {
            let label = |i: usize| super::node_label(def, plan.nodes[i]);
            let path: Vec<String> = cycle.iter().map(|&i| label(i)).collect();
            let (file, range) = super::node_location(def, plan.nodes[cycle[0]]);
            let span = self.span(file, range);
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "dependency cycle: {} → {}; values in the cycle are treated as unknown",
                    path.join(" → "),
                    path[0]
                ))
                .at(span),
            );
        }
    }

    /// `None` when the stretch holds a cycle of Terraform's graph; else how
    /// many evaluations of the stretch settle its values: one more than the
    /// most references back up the stretch along one chain of dependencies.
    fn settling_passes(
        &mut self,
        def: &ModuleDef,
        plan: &EvalPlan,
        stretch: &Stretch,
        key_path: &str,
    ) -> Option<usize> {
        let members = &plan.order[stretch.span.clone()];
        if !members.iter().any(|n| matches!(n, Node::Module(_))) {
            // without a module call, a cycle between nodes is one in
            // Terraform's graph
            return None;
        }
        let graph = self.fine_graph(def, plan, members, key_path);
        // depth-first post-order; a node met again while active closes a cycle
        let n = graph.deps.len();
        let mut state = vec![0u8; n]; // 0 new, 1 active, 2 done
        let mut order = Vec::with_capacity(n);
        for start in 0..n {
            if state[start] != 0 {
                continue;
            }
            let mut stack = vec![(start, 0usize)];
            state[start] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&dep) = graph.deps[node].get(*next) {
                    *next += 1;
                    match state[dep] {
                        0 => {
                            state[dep] = 1;
                            stack.push((dep, 0));
                        }
                        1 => return None,
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    order.push(node);
                    stack.pop();
                }
            }
        }
        // a reference to a node evaluated at or after the referring one
        // is right only in the next evaluation of the stretch
        let mut back = vec![0usize; n];
        for &node in &order {
            back[node] = graph.deps[node]
                .iter()
                .map(|&dep| back[dep] + usize::from(graph.at[dep] > graph.at[node]))
                .max()
                .unwrap_or(0);
        }
        Some(1 + back.into_iter().max().unwrap_or(0))
    }

    fn fine_graph(
        &mut self,
        def: &ModuleDef,
        plan: &EvalPlan,
        members: &[Node],
        key_path: &str,
    ) -> FineGraph {
        let mut graph = FineGraph {
            deps: Vec::new(),
            at: Vec::new(),
        };
        let add = |graph: &mut FineGraph, at: usize| {
            graph.deps.push(Vec::new());
            graph.at.push(at);
            graph.deps.len() - 1
        };
        // the fine nodes of each member
        let mut parts: Vec<Parts> = Vec::with_capacity(members.len());
        for (at, node) in members.iter().enumerate() {
            let Node::Module(i) = *node else {
                parts.push(Parts::Whole(add(&mut graph, at)));
                continue;
            };
            let block = def.block(def.module_calls[i].1);
            let args = block
                .body
                .attributes
                .iter()
                .filter(|a| !CALL_META.contains(&a.name.as_str()))
                .map(|a| (a.name.as_str().to_owned(), add(&mut graph, at)))
                .collect();
            let meta = add(&mut graph, at);
            let any_output = add(&mut graph, at);
            let outputs = self.call_def(def, i, key_path).map(|child| {
                let nodes = child.outputs.iter().map(|_| add(&mut graph, at)).collect();
                (child, nodes)
            });
            parts.push(Parts::Call {
                args,
                meta,
                outputs,
                any_output,
            });
        }
        let refs = References::new(def, &plan.nodes);
        let position: FastMap<Node, usize> = members
            .iter()
            .enumerate()
            .map(|(at, node)| (*node, at))
            .collect();
        // the fine nodes an expression refers to inside the stretch
        let targets = |expr: &Expr, out: &mut Vec<usize>| {
            expr.traversals(&mut |name, ops, _| {
                if let Some((call, output)) = module_output(name, ops) {
                    let Some(&node) = refs.named.get(&("module", call)) else {
                        return;
                    };
                    let Some(&at) = position.get(&plan.nodes[node]) else {
                        return;
                    };
                    if let Parts::Call {
                        outputs,
                        any_output,
                        ..
                    } = &parts[at]
                    {
                        match (outputs, output) {
                            (Some((child, nodes)), Some(output)) => out.extend(
                                child
                                    .outputs
                                    .iter()
                                    .zip(nodes)
                                    .filter(|((o, _), _)| **o == *output)
                                    .map(|(_, f)| *f),
                            ),
                            (Some((_, nodes)), None) => out.extend(nodes),
                            (None, _) => out.push(*any_output),
                        }
                    }
                }
            });
            expr.references(&mut |path| {
                if path.first() == Some(&"module") {
                    return;
                }
                let Some(node) = refs.node(path) else { return };
                if let Some(&at) = position.get(&plan.nodes[node]) {
                    if let Parts::Whole(f) = parts[at] {
                        out.push(f);
                    }
                }
            });
        };
        let mut deps: Vec<(usize, Vec<usize>)> = Vec::new();
        let body_targets = |body: &crate::syntax::Body| {
            let mut out = Vec::new();
            body_exprs(body, &mut |e| targets(e, &mut out));
            out
        };
        for (at, node) in members.iter().enumerate() {
            match (&parts[at], *node) {
                (Parts::Whole(f), Node::Local(i)) => {
                    let (_, fi, b, a) = def.locals[i];
                    let mut out = Vec::new();
                    targets(&def.local(fi, b, a).expr, &mut out);
                    deps.push((*f, out));
                }
                (Parts::Whole(f), Node::Resource(i)) => {
                    deps.push((*f, body_targets(&def.block(def.resources[i].at).body)))
                }
                (Parts::Whole(f), Node::Output(i)) => {
                    deps.push((*f, body_targets(&def.block(def.outputs[i].1).body)))
                }
                (Parts::Whole(f), Node::Provider(i)) => {
                    deps.push((*f, body_targets(&def.block(def.providers[i]).body)))
                }
                (Parts::Whole(f), Node::Var(_) | Node::Module(_)) => deps.push((*f, Vec::new())),
                (
                    Parts::Call {
                        args,
                        meta,
                        outputs,
                        any_output,
                    },
                    Node::Module(i),
                ) => {
                    let block = def.block(def.module_calls[i].1);
                    let mut meta_deps = Vec::new();
                    for attr in &block.body.attributes {
                        let mut out = Vec::new();
                        targets(&attr.expr, &mut out);
                        match args.iter().find(|(name, _)| *name == attr.name.as_str()) {
                            Some((_, f)) => deps.push((*f, out)),
                            None => meta_deps.extend(out),
                        }
                    }
                    for b in &block.body.blocks {
                        body_exprs(&b.body, &mut |e| targets(e, &mut meta_deps));
                    }
                    deps.push((*meta, meta_deps));
                    let every_arg = || args.iter().map(|(_, f)| *f).chain([*meta]).collect();
                    deps.push((*any_output, every_arg()));
                    if let Some((child, nodes)) = outputs {
                        let child_plan = super::plan_of(child);
                        for (vars, f) in child_plan.output_inputs().iter().zip(nodes) {
                            let mut out = vec![*meta];
                            for &v in vars {
                                let var = &*child.variables[v].0;
                                out.extend(args.iter().filter(|(a, _)| a == var).map(|(_, f)| *f));
                            }
                            deps.push((*f, out));
                        }
                    }
                }
                (Parts::Call { .. }, _) => {}
            }
        }
        for (f, mut out) in deps {
            out.sort_unstable();
            out.dedup();
            graph.deps[f] = out;
        }
        graph
    }

    /// The definition a module call of `def` loads, when its source is a
    /// literal and the module can be read.
    fn call_def(
        &mut self,
        def: &ModuleDef,
        i: usize,
        key_path: &str,
    ) -> Option<std::sync::Arc<ModuleDef>> {
        let (name, at) = &def.module_calls[i];
        let block = def.block(*at);
        let source = literal_string(block.body.attribute("source"))?;
        let version = literal_string(block.body.attribute("version"));
        self.child_def(def, name, (&source, version.as_deref()), key_path)
            .1
    }
}

/// `module.NAME…`: the call's name and the output read (`None` for the whole
/// call, its instances or their objects).
fn module_output<'e>(name: &str, ops: &'e [TraversalOp]) -> Option<(&'e str, Option<&'e str>)> {
    if name != "module" {
        return None;
    }
    let Some(TraversalOp::GetAttr(call)) = ops.first() else {
        return None;
    };
    let output = ops[1..]
        .iter()
        .find(|op| !matches!(op, TraversalOp::Index(_)))
        .and_then(|op| match op {
            TraversalOp::GetAttr(a) => Some(a.as_str()),
            _ => None,
        });
    Some((call.as_str(), output))
}

/// Every expression of a body, nested blocks included.
fn body_exprs(body: &crate::syntax::Body, f: &mut dyn FnMut(&Expr)) {
    for a in &body.attributes {
        f(&a.expr);
    }
    for b in &body.blocks {
        body_exprs(&b.body, f);
    }
}
