//! The commands that change the cluster: `apply`, `create`, `delete`, `scale`,
//! `set image`, `patch`, `label`, `rollout`, `edit`.
//!
//! Messages follow K-1 (`<kind>.<group>/<name> <verb>`, deletes as `<kind>.<group>
//! "<name>" deleted`) and, where the spec is silent, kubectl 1.32's sources:
//! `pkg/cmd/apply` and `pkg/cmd/create` (`error when creating "FILE"`),
//! `pkg/cmd/delete/delete.go` (`--grace-period`/`--force` rules, the immediate-deletion
//! warning, `--cascade` boolean deprecation warnings), `pkg/cmd/label/label.go`
//! (`updateDataChangeMsg`: `labeled`/`unlabeled`/`label(s) changed`/`not labeled`;
//! `validateNoOverwrites`: `'k' already has a value (v), and --overwrite is false` only
//! for a different value; `label "k" not found.` on stdout), `pkg/cmd/set/set_image.go` (no output when nothing
//! changes), `pkg/cmd/rollout` and `pkg/polymorphichelpers` (K-10…K-13).

use serde_json::Value;

use super::args::{flag, opt, val, Args, Flag};
use super::get::{self, Filters, Selection};
use super::resources::{self, Res, View};
use super::Out;
use crate::cluster::gc::Propagation;
use crate::controller::revision::revision_data;
use crate::manifest;
use crate::model::*;
use crate::world::World;

pub const APPLY_FLAGS: &[Flag] = &[
    val("filename", Some('f')),
    flag("recursive", Some('R')),
    opt("dry-run", "client"),
    val("output", Some('o')),
    flag("server-side", None),
    flag("force-conflicts", None),
    val("field-manager", None),
    val("validate", None),
    flag("overwrite", None),
    flag("prune", None),
    val("selector", Some('l')),
];

pub const DELETE_FLAGS: &[Flag] = &[
    val("filename", Some('f')),
    val("selector", Some('l')),
    flag("all", None),
    flag("all-namespaces", Some('A')),
    flag("force", None),
    val("grace-period", None),
    flag("now", None),
    opt("cascade", "background"),
    flag("wait", None),
    flag("ignore-not-found", None),
    val("field-selector", None),
    opt("dry-run", "client"),
    val("output", Some('o')),
];

pub const SCALE_FLAGS: &[Flag] = &[
    val("replicas", None),
    val("current-replicas", None),
    val("selector", Some('l')),
    flag("all", None),
    val("timeout", None),
    val("filename", Some('f')),
];

pub const SET_FLAGS: &[Flag] = &[
    val("selector", Some('l')),
    flag("all", None),
    flag("local", None),
    opt("dry-run", "client"),
];

pub const PATCH_FLAGS: &[Flag] = &[
    val("patch", Some('p')),
    val("type", None),
    val("patch-file", None),
    val("filename", Some('f')),
    opt("dry-run", "client"),
    val("subresource", None),
];

pub const LABEL_FLAGS: &[Flag] = &[
    flag("overwrite", None),
    val("selector", Some('l')),
    flag("all", None),
    flag("all-namespaces", Some('A')),
    flag("list", None),
    opt("dry-run", "client"),
];

pub const ROLLOUT_FLAGS: &[Flag] = &[
    val("to-revision", None),
    val("revision", None),
    opt("watch", "true"),
    val("timeout", None),
    val("selector", Some('l')),
];

pub const EDIT_FLAGS: &[Flag] = &[val("output", Some('o')), flag("windows-line-endings", None)];

/// Reads `-f NAME`: `-` is standard input, anything else a file of the world's virtual
/// file set (a scenario can register URLs such as `https://k8s.io/examples/…` there).
pub fn read_file(world: &World, stdin: Option<&str>, name: &str) -> Result<String, String> {
    if name == "-" {
        return stdin.map(String::from).ok_or_else(|| {
            "error: no manifest on standard input: in this playground, give it as a here-document (cat <<EOF | kubectl apply -f -) or save it as a file in the editor".to_string()
        });
    }
    if let Some(text) = world.files.get(name) {
        return Ok(text.clone());
    }
    if name.starts_with("http://") || name.starts_with("https://") {
        return Err(format!(
            "error: unable to read URL \"{name}\": this playground has no network access; only files the scenario provides can be applied"
        ));
    }
    Err(format!("error: the path \"{name}\" does not exist"))
}

fn dry_run(a: &Args) -> Result<Option<&'static str>, String> {
    match a.get("dry-run") {
        None | Some("none") => Ok(None),
        Some("client") => Ok(Some(" (dry run)")),
        Some("server") => Ok(Some(" (server dry run)")),
        Some(other) => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// Runs `f` on a copy of the world when `--dry-run` is set, marking each result line.
fn maybe_dry(
    world: &mut World,
    suffix: Option<&'static str>,
    f: impl FnOnce(&mut World) -> Out,
) -> Out {
    let Some(suffix) = suffix else {
        return f(world);
    };
    let mut copy = world.clone();
    let mut out = f(&mut copy);
    out.map_stdout(|s| {
        let ends = s.ends_with('\n');
        let marked = s
            .lines()
            .map(|l| {
                if l.is_empty() {
                    l.to_string()
                } else {
                    format!("{l}{suffix}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        if ends {
            marked + "\n"
        } else {
            marked
        }
    });
    out
}

/// Runs a command on a copy of the world under `--dry-run`, else on the world.
fn with_dry_run(
    world: &mut World,
    a: &Args,
    f: impl FnOnce(&mut World) -> Result<Out, String>,
) -> Result<Out, String> {
    match dry_run(a)? {
        None => f(world),
        suffix => Ok(maybe_dry(world, suffix, |w| {
            f(w).unwrap_or_else(|e| Out::error(&e))
        })),
    }
}

/// `kubectl apply -f FILE|-|URL …`.
pub fn apply(world: &mut World, a: &Args, stdin: Option<&str>) -> Result<Out, String> {
    let files = a.all("filename");
    if files.is_empty() {
        return Err("error: must specify one of -f and -k".into());
    }
    let mut texts = Vec::new();
    for f in &files {
        let source = if f == "-" { "STDIN" } else { f.as_str() };
        texts.push((source.to_string(), read_file(world, stdin, f)?));
    }
    let suffix = dry_run(a)?;
    Ok(maybe_dry(world, suffix, |w| {
        let mut out = Out::default();
        for (source, text) in &texts {
            // Applied objects to stdout, errors to stderr, as kubectl prints them.
            let report = w.apply_stream(source, text);
            for line in &report.applied {
                out.print(&format!("{line}\n"));
            }
            for e in &report.errors {
                out.eprint(&format!("{e}\n"));
            }
            if !report.errors.is_empty() {
                out.exit = 1;
            }
        }
        out
    }))
}

/// Removes from `edited` what the editor showed (`shown`, the object as the API
/// returns it) but the stored object does not hold (`raw`) and the user left as shown:
/// defaults the playground prints but does not store (`protocol: TCP`, `resources: {}`,
/// `volumeMode`…). Without this, saving an edit would change the pod template and start
/// a rollout nobody asked for.
fn strip_shown_defaults(edited: &mut Value, shown: &Value, raw: &Value) {
    match (edited, shown) {
        (Value::Object(e), Value::Object(sh)) => {
            let keys: Vec<String> = e.keys().cloned().collect();
            for k in keys {
                let in_raw = raw.get(&k);
                match (e.get_mut(&k), sh.get(&k), in_raw) {
                    (Some(ev), Some(sv), None) if *ev == *sv => {
                        e.remove(&k);
                    }
                    (Some(ev), Some(sv), Some(rv)) => strip_shown_defaults(ev, sv, rv),
                    _ => {}
                }
            }
        }
        (Value::Array(e), Value::Array(sh)) if e.len() == sh.len() => {
            let raw_items = raw.as_array().cloned().unwrap_or_default();
            for (i, (ev, sv)) in e.iter_mut().zip(sh).enumerate() {
                if let Some(rv) = raw_items.get(i) {
                    strip_shown_defaults(ev, sv, rv);
                }
            }
        }
        _ => {}
    }
}

/// The stored object as the model serialises it (no API defaults added).
fn raw_json(v: &View<'_>) -> Value {
    let r = match v {
        View::Pod(p) => serde_json::to_value(p),
        View::StatefulSet(s) => serde_json::to_value(s),
        View::Service(s) => serde_json::to_value(s.as_ref()),
        View::PersistentVolumeClaim(c) => serde_json::to_value(c),
        View::PersistentVolume(pv) => serde_json::to_value(pv),
        View::StorageClass(c) => serde_json::to_value(c),
        _ => Ok(Value::Null),
    };
    r.unwrap_or(Value::Null)
}

/// Saves an object edited in the playground's editor (the end of `kubectl edit`):
/// `… edited`, or `Edit cancelled, no changes made.` like kubectl.
/// The manifest stream a saved `kubectl edit` buffer applies: each object as JSON, with
/// the defaults the shown object carried taken back out (so they do not become fields the
/// user set). `Err` is what `kubectl edit` answers when nothing is applied: the buffer is
/// too large or not YAML, or empty (the edit is cancelled).
pub(crate) fn edited_manifest(world: &World, text: &str) -> Result<String, Box<Out>> {
    if text.len() > manifest::MAX_BYTES {
        return Err(Box::new(Out::error(
            "error: the edited file is larger than the 3 MiB limit",
        )));
    }
    let docs = match crate::yaml::to_json_documents(text) {
        Ok(docs) => docs,
        Err(e) => {
            return Err(Box::new(Out::error(&format!(
                "error: the edited file is not valid YAML: {e}"
            ))))
        }
    };
    if docs.is_empty() {
        let mut out = Out::default();
        out.print("Edit cancelled, no changes made.\n");
        return Err(Box::new(out));
    }
    let mut cleaned = Vec::new();
    for mut d in docs {
        let kind = d
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let name = d
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let ns = d
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or(crate::api::DEFAULT_NS)
            .to_string();
        if let Some(v) = Res::from_kind(&kind).and_then(|r| resources::find(world, r, &ns, &name)) {
            let shown = super::output::to_json(&v);
            let raw = raw_json(&v);
            if let (Some(e), Some(sh), Some(rw)) =
                (d.get_mut("spec"), shown.get("spec"), raw.get("spec"))
            {
                strip_shown_defaults(e, sh, rw);
            }
        }
        cleaned.push(serde_json::to_string(&d).unwrap_or_default());
    }
    Ok(cleaned.join("\n"))
}

pub fn apply_edited(world: &mut World, text: &str) -> Out {
    let cleaned = match edited_manifest(world, text) {
        Ok(c) => c,
        Err(out) => return *out,
    };
    let o = world.apply_manifests(&cleaned);
    let mut out = Out::default();
    if o.exit != 0 {
        out.eprint(&format!(
            "error: {}\n",
            o.output.trim_start_matches("error: ")
        ));
        out.exit = 1;
        return out;
    }
    let mut changed = false;
    for line in o.output.lines() {
        if let Some(obj) = line.strip_suffix(" configured") {
            out.print(&format!("{obj} edited\n"));
            changed = true;
        } else if let Some(obj) = line.strip_suffix(" created") {
            out.print(&format!("{obj} created\n"));
            changed = true;
        }
    }
    if !changed {
        out.print("Edit cancelled, no changes made.\n");
    }
    out
}

/// `kubectl create -f FILE`.
pub fn create(world: &mut World, a: &Args, stdin: Option<&str>) -> Result<Out, String> {
    let files = a.all("filename");
    if files.is_empty() {
        return Err("error: must specify one of -f and -k".into());
    }
    let mut out = Out::default();
    for f in &files {
        let text = read_file(world, stdin, f)?;
        let (docs, errors) = manifest::parse_stream(&text);
        for d in docs {
            let meta = d.object.meta();
            let ns = if meta.namespace.is_empty() {
                crate::api::DEFAULT_NS.to_string()
            } else {
                meta.namespace.clone()
            };
            let exists = Res::from_kind(d.object.kind())
                .and_then(|r| resources::find(world, r, &ns, &meta.name).map(|_| r));
            if let Some(r) = exists {
                out.eprint(&format!(
                    "Error from server (AlreadyExists): error when creating \"{f}\": {} \"{}\" already exists\n",
                    r.plural_group(),
                    meta.name
                ));
                out.exit = 1;
                continue;
            }
            let o = world.apply_object(d.object);
            if o.exit == 0 {
                out.print(&format!("{}\n", o.output));
            } else {
                out.eprint(&format!("{}\n", o.output));
                out.exit = 1;
            }
        }
        for e in errors {
            out.eprint(&format!("error: error parsing {f}: {e}\n"));
            out.exit = 1;
        }
    }
    Ok(out)
}

/// How a delete was asked for (kubectl's grace-period rules).
struct DeleteOpts {
    grace: Option<i64>,
    force: bool,
    cascade: Propagation,
}

fn delete_opts(a: &Args, out: &mut Out) -> Result<DeleteOpts, String> {
    let mut grace: i64 = match a.get("grace-period") {
        Some(g) => g.parse().map_err(|_| {
            format!("error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax")
        })?,
        None => -1,
    };
    let force = a.on("force");
    if a.on("now") {
        if grace != -1 {
            return Err("error: --now and --grace-period cannot be specified together".into());
        }
        grace = 1;
    }
    // Longer than anything a pod would honour; keeps the simulated clock in range.
    grace = grace.min(1_000_000_000);
    // `delete.go`: --grace-period=0 without --force means 1; --force alone means 0.
    if grace == 0 && !force {
        grace = 1;
    }
    if force && grace < 0 {
        grace = 0;
    }
    let cascade = match a.get("cascade").unwrap_or("background") {
        "background" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" => Propagation::Orphan,
        "true" => {
            out.eprint("warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.\n");
            Propagation::Background
        }
        "false" => {
            out.eprint("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.\n");
            Propagation::Orphan
        }
        other => {
            return Err(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"."
            ))
        }
    };
    Ok(DeleteOpts {
        grace: (grace >= 0).then_some(grace),
        force,
        cascade,
    })
}

/// Deletes one object; `Ok(message)` or `Err(NotFound message)`.
fn delete_object(
    world: &mut World,
    res: Res,
    ns: &str,
    name: &str,
    o: &DeleteOpts,
) -> Result<String, String> {
    let key = (ns.to_string(), name.to_string());
    let gone = || Err(get::not_found(res, name));
    // `DeleteOptions.PrintObj`: "force deleted" whenever the grace period is 0.
    let verb = if o.grace == Some(0) {
        "force deleted"
    } else {
        "deleted"
    };
    let deleted = format!("{} \"{name}\" {verb}", res.kind_group());
    match res {
        Res::Pod => {
            if !world.pods.contains_key(&key) {
                return gone();
            }
            world.delete_pod(&key, o.grace);
            Ok(deleted)
        }
        Res::StatefulSet => {
            if world.delete_set(&key, o.cascade) {
                Ok(deleted)
            } else {
                gone()
            }
        }
        Res::Deployment => {
            if world.delete_deployment(&key, o.cascade) {
                Ok(deleted)
            } else {
                gone()
            }
        }
        Res::ReplicaSet => {
            if world.delete_replica_set(&key, o.cascade) {
                Ok(deleted)
            } else {
                gone()
            }
        }
        Res::PersistentVolumeClaim => {
            if !world.claims.contains_key(&key) {
                return gone();
            }
            world.delete_claim(&key);
            Ok(deleted)
        }
        Res::Service => {
            if world.services.remove(&key).is_some() {
                Ok(deleted)
            } else if ns == crate::api::DEFAULT_NS && name == "kubernetes" {
                // The API server recreates its own Service at once.
                Ok(deleted)
            } else {
                gone()
            }
        }
        Res::PersistentVolume => match world.volumes.remove(name) {
            Some(pv) => {
                world.volume_names_changed();
                world.volume_record("DELETED", &pv);
                Ok(deleted)
            }
            None => gone(),
        },
        Res::StorageClass => match world.classes.remove(name) {
            Some(_) => Ok(deleted),
            None => gone(),
        },
        Res::ControllerRevision => match world.revisions.remove(&key) {
            Some(r) => {
                world.revision_record("DELETED", &r);
                world.resync_all();
                Ok(deleted)
            }
            None => gone(),
        },
        Res::Generic(_) => {
            let kind = res.info().kind.to_string();
            let k = world
                .others
                .keys()
                .find(|(k, n, nm)| *k == kind && (n == ns || n.is_empty()) && nm == name)
                .cloned();
            match k {
                Some(k) => {
                    world.others.remove(&k);
                    Ok(deleted)
                }
                None => gone(),
            }
        }
        Res::Node => Err(
            "error: deleting nodes is not supported by this playground; take a node down with a fault ({node: NAME, down: true}) instead".into(),
        ),
        Res::Event | Res::Namespace => Err(format!(
            "error: deleting {} is not supported by this playground",
            res.info().plural
        )),
    }
}

/// `kubectl delete`.
pub fn delete(world: &mut World, a: &Args, ns: &str, stdin: Option<&str>) -> Result<Out, String> {
    let mut out = Out::default();
    let o = delete_opts(a, &mut out)?;
    let mut targets: Vec<(Res, String, String)> = Vec::new();
    let files = a.all("filename");
    let from_file = !files.is_empty();
    if from_file {
        if !a.pos.is_empty() {
            return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
        }
        for f in &files {
            let text = read_file(world, stdin, f)?;
            let (docs, errors) = manifest::parse_stream(&text);
            if let Some(e) = errors.first() {
                return Err(format!("error: error parsing {f}: {e}"));
            }
            for d in docs {
                let m = d.object.meta();
                let Some(r) = Res::from_kind(d.object.kind()) else {
                    return Err(format!(
                        "error: resource mapping not found for name: \"{}\" namespace: \"\" from \"{f}\": no matches for kind \"{}\" in version \"{}\"",
                        m.name,
                        d.object.kind(),
                        d.object.api_version()
                    ));
                };
                let n = if !r.info().namespaced {
                    String::new()
                } else if m.namespace.is_empty() {
                    ns.to_string()
                } else {
                    m.namespace.clone()
                };
                targets.push((r, n, m.name.clone()));
            }
        }
    } else {
        let sel = get::select(&a.pos, "delete")?;
        match sel {
            Selection::Named(named) => {
                for (r, n) in named {
                    targets.push((r, ns.to_string(), n));
                }
            }
            Selection::Types(types) => {
                let filters = Filters::from_args(a, types.first().copied())?;
                if !a.on("all") && filters.selector.is_none() && filters.fields.is_empty() {
                    return Err(
                        "error: resource(s) were provided, but no name was specified".into(),
                    );
                }
                let list_ns = if a.on("all-namespaces") {
                    None
                } else {
                    Some(ns)
                };
                for r in types {
                    for v in resources::list(world, r, list_ns) {
                        if filters.matches(&v) {
                            targets.push((r, v.namespace(), v.name()));
                        }
                    }
                }
                if targets.is_empty() {
                    // `DeleteResult` prints this to stdout.
                    out.print("No resources found\n");
                    return Ok(out);
                }
            }
        }
    }
    let suffix = dry_run(a)?;
    if suffix.is_none() && o.force && o.grace == Some(0) {
        out.eprint("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let ignore = a.on("ignore-not-found");
    let result = maybe_dry(world, suffix, |w| {
        let mut o2 = Out::default();
        for (r, n, name) in &targets {
            match delete_object(w, *r, n, name, &o) {
                Ok(_) if a.get("output") == Some("name") => {
                    o2.print(&format!("{}/{name}\n", r.kind_group()))
                }
                Ok(msg) => o2.print(&format!("{msg}\n")),
                Err(e) if e.starts_with("Error from server (NotFound)") => {
                    if ignore {
                        continue;
                    }
                    let e = if from_file {
                        let f = files.first().map(String::as_str).unwrap_or("");
                        e.replacen(": ", &format!(": error when deleting \"{f}\": "), 1)
                    } else {
                        e
                    };
                    o2.eprint(&format!("{e}\n"));
                    o2.exit = 1;
                }
                Err(e) => {
                    o2.eprint(&format!("{e}\n"));
                    o2.exit = 1;
                }
            }
        }
        o2
    });
    out.append(result);
    Ok(out)
}

/// Targets of commands that act on named objects (`scale`, `label`, `rollout`…).
fn named_targets(
    world: &World,
    a: &Args,
    ns: &str,
    verb: &str,
    pos: &[String],
) -> Result<Vec<(Res, String)>, String> {
    match get::select(pos, verb)? {
        Selection::Named(n) => Ok(n),
        Selection::Types(types) => {
            let filters = Filters::from_args(a, types.first().copied())?;
            if !a.on("all") && filters.selector.is_none() {
                return Err("error: resource(s) were provided, but no name was specified".into());
            }
            let mut out = Vec::new();
            for r in types {
                for v in resources::list(world, r, Some(ns)) {
                    if filters.matches(&v) {
                        out.push((r, v.name()));
                    }
                }
            }
            Ok(out)
        }
    }
}

/// `kubectl scale`.
pub fn scale(world: &mut World, a: &Args, ns: &str) -> Result<Out, String> {
    let n = a
        .get("replicas")
        .ok_or("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")?;
    let n: i64 = n.parse().map_err(|_| {
        format!("error: invalid argument \"{n}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax")
    })?;
    if n < 0 {
        return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
    }
    let targets = named_targets(world, a, ns, "scale", &a.pos)?;
    if targets.is_empty() {
        return Err("error: no objects passed to scale".into());
    }
    let mut out = Out::default();
    for (r, name) in targets {
        if let Some(cur) = a.get("current-replicas") {
            let want: i64 = cur.parse().unwrap_or(-1);
            let is = match resources::find(world, r, ns, &name) {
                Some(View::StatefulSet(s)) => i64::from(s.replicas()),
                Some(View::Deployment(d)) => i64::from(d.replicas()),
                Some(View::ReplicaSet(r)) => i64::from(r.replicas()),
                _ => -1,
            };
            if want >= 0 && is >= 0 && want != is {
                out.eprint(&format!(
                    "error: Expected replicas to be {want}, was {is}\n"
                ));
                out.exit = 1;
                continue;
            }
        }
        let o = match r {
            Res::StatefulSet => world.scale_set(ns, &name, n),
            Res::Deployment | Res::ReplicaSet => world.scale_workload(r.info().kind, ns, &name, n),
            _ => crate::api::Outcome::err(
                "Error from server (NotFound): the server could not find the requested resource",
            ),
        };
        out.outcome(o);
    }
    Ok(out)
}

/// `kubectl set image` (`--dry-run` runs it on a copy).
pub fn set(world: &mut World, a: &Args, ns: &str) -> Result<Out, String> {
    with_dry_run(world, a, |w| set_now(w, a, ns))
}

fn set_now(world: &mut World, a: &Args, ns: &str) -> Result<Out, String> {
    match a.pos.first().map(String::as_str) {
        Some("image") => {}
        Some(other) => {
            return Err(format!(
                "error: `kubectl set {other}` is not supported by this playground (supported: set image)"
            ))
        }
        None => return Err("error: this playground supports `kubectl set image TYPE/NAME CONTAINER=IMAGE`".into()),
    }
    let rest = &a.pos[1..];
    let split = rest
        .iter()
        .position(|p| p.contains('='))
        .unwrap_or(rest.len());
    let (objs, pairs) = rest.split_at(split);
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|p| {
            p.split_once('=')
                .filter(|(c, i)| !c.is_empty() && !i.is_empty())
                .map(|(c, i)| (c.to_string(), i.to_string()))
                .ok_or_else(|| {
                    format!("error: invalid image update \"{p}\": expected CONTAINER_NAME=IMAGE")
                })
        })
        .collect::<Result<_, _>>()?;
    if pairs.is_empty() {
        return Err("error: at least one image update is required".into());
    }
    if objs.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    let targets = named_targets(world, a, ns, "set image", objs)?;
    let mut out = Out::default();
    for (r, name) in targets {
        let set_images = |t: &mut PodTemplateSpec| -> Result<(), String> {
            for (c, img) in &pairs {
                let all = c == "*";
                let mut found = false;
                for ctr in t
                    .spec
                    .containers
                    .iter_mut()
                    .chain(t.spec.init_containers.iter_mut())
                {
                    if all || ctr.name == *c {
                        ctr.image = img.clone();
                        found = true;
                    }
                }
                if !found {
                    return Err(format!("error: unable to find container named \"{c}\""));
                }
            }
            Ok(())
        };
        let o = match r {
            Res::StatefulSet => world.mutate_set(ns, &name, "image updated", "", |s| {
                set_images(&mut s.spec.template)
            }),
            Res::Deployment => world.mutate_deployment(ns, &name, "image updated", "", |d| {
                set_images(&mut d.spec.template)
            }),
            _ => {
                out.eprint(&format!(
                    "error: this playground's kubectl sets images on statefulsets and deployments only, not {}\n",
                    r.info().plural
                ));
                out.exit = 1;
                continue;
            }
        };
        // No output when nothing changed (`set_image.go` skips empty patches).
        let unchanged = o.output == format!("{}/{name} ", r.kind_group());
        if !unchanged {
            out.outcome(o);
        }
    }
    Ok(out)
}

/// RFC 7386 merge patch, with strategic-merge semantics for lists of named items
/// (containers, initContainers, volumes, env, volumeMounts are merged by `name`).
pub fn merge_patch(target: &mut Value, patch: &Value, strategic: bool) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                    continue;
                }
                let named = strategic
                    && [
                        "containers",
                        "initContainers",
                        "volumes",
                        "env",
                        "volumeMounts",
                    ]
                    .contains(&k.as_str());
                match (t.get_mut(k), v) {
                    (Some(Value::Array(ta)), Value::Array(pa)) if named => {
                        for item in pa {
                            let n = item.get("name");
                            match ta.iter_mut().find(|x| x.get("name") == n && n.is_some()) {
                                Some(existing) => merge_patch(existing, item, strategic),
                                None => ta.push(item.clone()),
                            }
                        }
                    }
                    (Some(tv), _) if tv.is_object() && v.is_object() => {
                        merge_patch(tv, v, strategic)
                    }
                    _ => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// RFC 6902 JSON patch (`add`, `replace`, `remove`, `test`).
fn json_patch(target: &mut Value, ops: &Value) -> Result<(), String> {
    let ops = ops.as_array().ok_or("error: unable to parse \"\": json: cannot unmarshal object into Go value of type jsonpatch.Patch")?;
    for op in ops {
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str).unwrap_or("");
        let parts: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|p| p.replace("~1", "/").replace("~0", "~"))
            .collect();
        let (last, parents) = parts
            .split_last()
            .ok_or_else(|| format!("error: invalid JSON patch path \"{path}\""))?;
        let mut cur = &mut *target;
        for p in parents {
            cur = match cur {
                Value::Object(m) => m.get_mut(p),
                Value::Array(a) => p.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
                _ => None,
            }
            .ok_or_else(|| format!("The request is invalid: the server rejected our request due to an error in our request: doc is missing path: \"{path}\""))?;
        }
        let value = op.get("value").cloned().unwrap_or(Value::Null);
        match (kind, cur) {
            ("add" | "replace", Value::Object(m)) => {
                m.insert(last.clone(), value);
            }
            ("add", Value::Array(a)) if last == "-" => a.push(value),
            ("add", Value::Array(a)) => {
                let i: usize = last
                    .parse()
                    .map_err(|_| format!("error: invalid index in path \"{path}\""))?;
                if i > a.len() {
                    return Err(format!("error: index out of range in path \"{path}\""));
                }
                a.insert(i, value);
            }
            ("replace", Value::Array(a)) => {
                let i: usize = last
                    .parse()
                    .map_err(|_| format!("error: invalid index in path \"{path}\""))?;
                *a.get_mut(i)
                    .ok_or_else(|| format!("error: index out of range in path \"{path}\""))? =
                    value;
            }
            ("remove", Value::Object(m)) => {
                m.remove(last).ok_or_else(|| format!("The request is invalid: the server rejected our request due to an error in our request: unable to remove nonexistent key: {last}: missing value"))?;
            }
            ("remove", Value::Array(a)) => {
                let i: usize = last
                    .parse()
                    .map_err(|_| format!("error: invalid index in path \"{path}\""))?;
                if i >= a.len() {
                    return Err(format!("error: index out of range in path \"{path}\""));
                }
                a.remove(i);
            }
            ("test", cur) => {
                let is = match cur {
                    Value::Object(m) => m.get(last).cloned(),
                    Value::Array(a) => last.parse::<usize>().ok().and_then(|i| a.get(i).cloned()),
                    _ => None,
                };
                if is.as_ref() != Some(&value) {
                    return Err(format!("The request is invalid: the server rejected our request due to an error in our request: testing value {path} failed: test failed"));
                }
            }
            (other, _) => {
                return Err(format!(
                    "error: unsupported JSON patch operation \"{other}\""
                ))
            }
        }
    }
    Ok(())
}

/// `kubectl patch` (`--dry-run` runs it on a copy).
pub fn patch(world: &mut World, a: &Args, ns: &str) -> Result<Out, String> {
    with_dry_run(world, a, |w| patch_now(w, a, ns))
}

fn patch_now(world: &mut World, a: &Args, ns: &str) -> Result<Out, String> {
    let targets = named_targets(world, a, ns, "patch", &a.pos)?;
    let body =
        match (a.get("patch"), a.get("patch-file")) {
            (Some(p), _) => p.to_string(),
            (None, Some(f)) => read_file(world, None, f)?,
            (None, None) => return Err(
                "error: must specify --patch or --patch-file containing the contents of the patch"
                    .into(),
            ),
        };
    let patch: Value = match serde_json::from_str(&body) {
        Ok(v) => v,
        Err(_) => crate::yaml::to_json_documents(&body)
            .map_err(|e| {
                format!(
                    "error: unable to parse \"{body}\": {}",
                    e.go_message(&body, 1)
                )
            })?
            .into_iter()
            .next()
            .unwrap_or(Value::Null),
    };
    let kind = a.get("type").unwrap_or("strategic").to_string();
    if !["json", "merge", "strategic"].contains(&kind.as_str()) {
        return Err(format!(
            "error: --type must be one of [json merge strategic], not \"{kind}\""
        ));
    }
    let mut out = Out::default();
    for (r, name) in targets {
        if r == Res::Deployment {
            let o = world.mutate_deployment(ns, &name, "patched", "patched (no change)", |d| {
                let mut v = serde_json::to_value(&*d).map_err(|e| format!("error: {e}"))?;
                match kind.as_str() {
                    "json" => json_patch(&mut v, &patch)?,
                    "merge" => merge_patch(&mut v, &patch, false),
                    _ => merge_patch(&mut v, &patch, true),
                }
                let mut new: Deployment = serde_json::from_value(v)
                    .map_err(|e| format!("Error from server (BadRequest): {e}"))?;
                new.metadata.creation = d.metadata.creation;
                new.metadata.deletion = d.metadata.deletion;
                new.status = d.status.clone();
                *d = new;
                Ok(())
            });
            out.outcome(o);
            continue;
        }
        if r != Res::StatefulSet {
            out.eprint(&format!(
                "error: this playground's kubectl patches statefulsets and deployments only, not {}\n",
                r.info().plural
            ));
            out.exit = 1;
            continue;
        }
        let o = world.mutate_set(ns, &name, "patched", "patched (no change)", |s| {
            let mut v = serde_json::to_value(&*s).map_err(|e| format!("error: {e}"))?;
            match kind.as_str() {
                "json" => json_patch(&mut v, &patch)?,
                "merge" => merge_patch(&mut v, &patch, false),
                _ => merge_patch(&mut v, &patch, true),
            }
            let mut new: StatefulSet = serde_json::from_value(v)
                .map_err(|e| format!("Error from server (BadRequest): {e}"))?;
            new.metadata.creation = s.metadata.creation;
            new.metadata.deletion = s.metadata.deletion;
            new.status = s.status.clone();
            *s = new;
            Ok(())
        });
        out.outcome(o);
    }
    Ok(out)
}

/// `kubectl label` (`--dry-run` runs it on a copy).
pub fn label(world: &mut World, a: &Args, ns: &str) -> Result<Out, String> {
    with_dry_run(world, a, |w| label_now(w, a, ns))
}

fn label_now(world: &mut World, a: &Args, ns: &str) -> Result<Out, String> {
    let split = a
        .pos
        .iter()
        .enumerate()
        .position(|(i, p)| i > 0 && (p.contains('=') || p.ends_with('-')))
        .unwrap_or(a.pos.len());
    let (objs, specs) = a.pos.split_at(split);
    let list = a.on("list");
    if specs.is_empty() && !list {
        return Err("error: at least one label update is required".into());
    }
    let mut set: Labels = Labels::new();
    let mut remove: Vec<String> = Vec::new();
    for s in specs {
        if let Some((k, v)) = s.split_once('=') {
            if v.contains('=') {
                return Err(format!("error: invalid label spec: {s}"));
            }
            if !(v.is_empty() || super::selector::qualified_name_part(v)) {
                return Err(format!(
                    "error: invalid label value: \"{s}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
                ));
            }
            set.insert(k.to_string(), v.to_string());
        } else if let Some(k) = s.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            return Err(format!("error: unknown label spec: {s}"));
        }
    }
    if remove.iter().any(|k| set.contains_key(k)) {
        return Err("error: can not both modify and remove a label in the same command".into());
    }
    let targets = named_targets(world, a, ns, "label", objs)?;
    let overwrite = a.on("overwrite");
    let one = targets.len() == 1;
    let mut out = Out::default();
    for (r, name) in targets {
        let Some(v) = resources::find(world, r, ns, &name) else {
            out.eprint(&format!("{}\n", get::not_found(r, &name)));
            out.exit = 1;
            continue;
        };
        let old = v.labels().into_owned();
        if list {
            // `RunLabel --list`: a heading per object when there are several.
            let indent = if one { "" } else { " " };
            if !one {
                let i = r.info();
                out.print(&format!(
                    "Listing labels for {}.{}/{name}:\n",
                    i.kind, i.group
                ));
            }
            for (k, val) in &old {
                out.print(&format!("{indent}{k}={val}\n"));
            }
            continue;
        }
        for k in &remove {
            if !old.contains_key(k) {
                out.print(&format!("label \"{k}\" not found.\n"));
            }
        }
        if !overwrite {
            // `validateNoOverwrites`: only a different value is refused.
            let clash: Vec<String> = set
                .iter()
                .filter_map(|(k, want)| {
                    old.get(k).filter(|cur| *cur != want).map(|cur| {
                        format!("'{k}' already has a value ({cur}), and --overwrite is false")
                    })
                })
                .collect();
            if !clash.is_empty() {
                let msg = if clash.len() == 1 {
                    clash[0].clone()
                } else {
                    format!("[{}]", clash.join(", "))
                };
                out.eprint(&format!("error: {msg}\n"));
                out.exit = 1;
                continue;
            }
        }
        let mut new = old.clone();
        for (k, val) in &set {
            new.insert(k.clone(), val.clone());
        }
        for k in &remove {
            new.remove(k);
        }
        // `updateDataChangeMsg`.
        let unlabeled = old.keys().any(|k| !new.contains_key(k));
        let labeled = new.iter().any(|(k, v)| old.get(k) != Some(v));
        let msg = match (labeled, unlabeled) {
            (true, true) => "label(s) changed",
            (true, false) => "labeled",
            (false, true) => "unlabeled",
            (false, false) => "not labeled",
        };
        if new != old {
            if let Err(e) = write_labels(world, r, ns, &name, new) {
                out.eprint(&format!("{e}\n"));
                out.exit = 1;
                continue;
            }
        }
        out.print(&format!("{}/{name} {msg}\n", r.kind_group()));
    }
    Ok(out)
}

/// Stores new labels through the path the API server would take for each kind.
fn write_labels(
    world: &mut World,
    r: Res,
    ns: &str,
    name: &str,
    labels: Labels,
) -> Result<(), String> {
    let key = (ns.to_string(), name.to_string());
    match r {
        Res::Pod => {
            world.write_pod(&key, |p| p.metadata.labels = labels);
            Ok(())
        }
        Res::StatefulSet => {
            let o = world.mutate_set(ns, name, "labeled", "labeled", |s| {
                s.metadata.labels = labels;
                Ok(())
            });
            if o.exit == 0 {
                Ok(())
            } else {
                Err(o.output)
            }
        }
        Res::Deployment => {
            let o = world.mutate_deployment(ns, name, "labeled", "labeled", |d| {
                d.metadata.labels = labels;
                Ok(())
            });
            if o.exit == 0 {
                Ok(())
            } else {
                Err(o.output)
            }
        }
        Res::ReplicaSet => {
            if let Some(mut r) = world.replica_sets.get(&key).cloned() {
                r.metadata.labels = labels;
                world.store_replica_set(r, false);
            }
            Ok(())
        }
        Res::PersistentVolumeClaim => {
            let rv = world.next_rv();
            world.log_claim_change(&key);
            if let Some(c) = world.claims.get_mut(&key) {
                c.metadata.labels = labels;
                c.metadata.resource_version = rv;
                let c = c.clone();
                world.claim_record("MODIFIED", &c);
            }
            Ok(())
        }
        Res::PersistentVolume => {
            let rv = world.next_rv();
            if let Some(v) = world.volumes.get_mut(name) {
                v.metadata.labels = labels;
                v.metadata.resource_version = rv;
                let v = v.clone();
                world.volume_record("MODIFIED", &v);
            }
            Ok(())
        }
        Res::Service => {
            let rv = world.next_rv();
            if let Some(s) = world.services.get_mut(&key) {
                s.metadata.labels = labels;
                s.metadata.resource_version = rv;
                Ok(())
            } else {
                Err("Error from server (Forbidden): the kubernetes Service is managed by the API server".into())
            }
        }
        Res::Node => {
            if let Some(n) = world.nodes.get_mut(name) {
                n.metadata.labels = labels;
            }
            world.retry_unschedulable();
            Ok(())
        }
        Res::StorageClass => {
            if let Some(c) = world.classes.get_mut(name) {
                c.metadata.labels = labels;
            }
            Ok(())
        }
        Res::ControllerRevision => {
            if let Some(rv) = world.revisions.get_mut(&key) {
                rv.metadata.labels = labels;
            }
            world.resync_all();
            Ok(())
        }
        Res::Generic(_) => {
            let kind = r.info().kind.to_string();
            if let Some((_, o)) = world
                .others
                .iter_mut()
                .find(|((k, n, nm), _)| *k == kind && (n == ns || n.is_empty()) && nm == name)
            {
                o.meta_mut().labels = labels;
            }
            Ok(())
        }
        Res::Event | Res::Namespace => Err(format!(
            "error: labelling {} is not supported by this playground",
            r.info().plural
        )),
    }
}

/// K-10: the line `kubectl rollout status` prints for the set's current state, and
/// whether it is the final ("done") line.
pub fn rollout_status(set: &StatefulSet) -> Result<(String, bool), String> {
    if set.strategy() != UpdateStrategyType::RollingUpdate {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    let st = &set.status;
    let n = set.replicas();
    if st.observed_generation.unwrap_or(0) == 0
        || set.metadata.generation > st.observed_generation.unwrap_or(0)
    {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    if st.ready_replicas < n {
        return Ok((
            format!(
                "Waiting for {} pods to be ready...\n",
                n - st.ready_replicas
            ),
            false,
        ));
    }
    if let Some(ru) = set.rolling_update() {
        if let Some(p) = ru.partition {
            if st.updated_replicas < n - p {
                return Ok((
                    format!(
                        "Waiting for partitioned roll out to finish: {} out of {} new pods have been updated...\n",
                        st.updated_replicas,
                        n - p
                    ),
                    false,
                ));
            }
        }
        return Ok((
            format!(
                "partitioned roll out complete: {} new pods have been updated...\n",
                st.updated_replicas
            ),
            true,
        ));
    }
    if st.update_revision != st.current_revision {
        return Ok((
            format!(
                "waiting for statefulset rolling update to complete {} pods at revision {}...\n",
                st.updated_replicas, st.update_revision
            ),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {}...\n",
            st.current_replicas, st.current_revision
        ),
        true,
    ))
}

/// `kubectl rollout history --revision=N`: the revision's pod template, written by a
/// plain `PrefixWriter` (no tabwriter, so the tabs stay tabs).
fn history_template(rev: &ControllerRevision) -> String {
    super::describe::pod_template_text(&rev.template)
}

/// `kubectl rollout status|history|undo|restart|pause|resume`.
pub fn rollout(world: &mut World, a: &Args, ns: &str) -> Result<Out, String> {
    let sub = a
        .pos
        .first()
        .cloned()
        .ok_or("error: Required resource not specified.\nUse \"kubectl rollout --help\" for the subcommands: history, pause, restart, resume, status, undo")?;
    if !["status", "history", "undo", "restart", "pause", "resume"].contains(&sub.as_str()) {
        return Err(super::unknown_command_error(
            &sub,
            "kubectl rollout",
            &["history", "pause", "restart", "resume", "status", "undo"],
        ));
    }
    let targets = named_targets(world, a, ns, &format!("rollout {sub}"), &a.pos[1..])?;
    let mut out = Out::default();
    for (r, name) in targets {
        if r == Res::Deployment {
            rollout_deployment(world, a, ns, &sub, &name, &mut out)?;
            continue;
        }
        if r != Res::StatefulSet {
            out.eprint(&format!(
                "error: this playground simulates rollouts of statefulsets and deployments only, not {}\n",
                r.info().plural
            ));
            out.exit = 1;
            continue;
        }
        let key = (ns.to_string(), name.clone());
        let Some(set) = world.sets.get(&key).cloned() else {
            out.eprint(&format!("{}\n", get::not_found(r, &name)));
            out.exit = 1;
            continue;
        };
        let revs: Vec<ControllerRevision> = world.revisions_of(&set).into_iter().cloned().collect();
        match sub.as_str() {
            "status" => {
                let (line, done) = rollout_status(&set)?;
                out.print(&line);
                let watch = a.get("watch").unwrap_or("true") != "false";
                if watch && !done {
                    let timeout = match a.get("timeout") {
                        Some(t) => Some(super::wait::go_duration(t, "timeout")?),
                        None => None,
                    };
                    out.wait = Some(super::wait::WaitRequest::rollout(ns, &name, &set, timeout));
                }
            }
            "history" => {
                if let Some(n) = a.get("revision") {
                    let n: i64 = n.parse().map_err(|_| {
                        format!("error: invalid argument \"{n}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax")
                    })?;
                    if n > 0 {
                        if revs.is_empty() {
                            out.print(&format!(
                                "statefulset.apps/{name} \nNo rollout history found.\n"
                            ));
                            continue;
                        }
                        let rev = revs
                            .iter()
                            .find(|r| r.revision == n)
                            .ok_or("error: unable to find the specified revision")?;
                        out.print(&format!("statefulset.apps/{name} with revision #{n}\n"));
                        out.print(&history_template(rev));
                        continue;
                    }
                }
                let mut s = format!("statefulset.apps/{name} \n");
                if revs.is_empty() {
                    s.push_str("No rollout history found.\n");
                    out.print(&s);
                    continue;
                }
                let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
                for r in &revs {
                    let cause = r
                        .metadata
                        .annotations
                        .get("kubernetes.io/change-cause")
                        .cloned()
                        .unwrap_or_else(|| "<none>".into());
                    rows.push(vec![r.revision.to_string(), cause]);
                }
                // K-11: a tab-aligned table (padding 2), then one empty line.
                s.push_str(&crate::printers::table_with(&rows, 2));
                s.push('\n');
                out.print(&s);
            }
            "undo" => {
                let to: i64 = match a.get("to-revision") {
                    Some(v) => v.parse().map_err(|_| {
                        format!("error: invalid argument \"{v}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")
                    })?,
                    None => 0,
                };
                let target = if to == 0 {
                    if revs.len() < 2 {
                        return Err("error: no last revision to roll back to".into());
                    }
                    revs[revs.len() - 2].clone()
                } else {
                    revs.iter()
                        .find(|r| r.revision == to)
                        .cloned()
                        .ok_or_else(|| {
                            format!("error: unable to find specified revision {to} in history")
                        })?
                };
                if revision_data(&set.spec.template) == target.data {
                    out.print(&format!(
                        "statefulset.apps/{name} skipped rollback (current template already matches revision {to})\n"
                    ));
                    continue;
                }
                let template = target.template.clone();
                let o = world.mutate_set(ns, &name, "rolled back", "rolled back", |s| {
                    s.spec.template = template;
                    Ok(())
                });
                out.outcome(o);
            }
            "restart" => {
                let at = world.now.rfc3339();
                let o = world.mutate_set(ns, &name, "restarted", "restarted", |s| {
                    s.spec
                        .template
                        .metadata
                        .annotations
                        .insert("kubectl.kubernetes.io/restartedAt".into(), at);
                    Ok(())
                });
                out.outcome(o);
            }
            "pause" => {
                return Err(format!(
                    "error: statefulsets.apps \"{name}\" pausing is not supported"
                ))
            }
            _ => {
                return Err(format!(
                    "error: statefulsets.apps \"{name}\" resuming is not supported"
                ))
            }
        }
    }
    Ok(out)
}

/// `DeploymentStatusViewer.Status` (kubectl `polymorphichelpers/rollout_status.go`): the
/// line `kubectl rollout status deployment/NAME` prints for the current state, and
/// whether it is the final one.
pub fn deployment_rollout_status(d: &Deployment) -> Result<(String, bool), String> {
    let name = &d.metadata.name;
    let st = &d.status;
    if d.metadata.generation > st.observed_generation.unwrap_or(0) {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    if d.condition("Progressing")
        .is_some_and(|c| c.reason == crate::deploy::util::TIMED_OUT_REASON)
    {
        return Err(format!(
            "error: deployment {name:?} exceeded its progress deadline"
        ));
    }
    if st.updated_replicas < d.replicas() {
        return Ok((
            format!(
                "Waiting for deployment {name:?} rollout to finish: {} out of {} new replicas have been updated...\n",
                st.updated_replicas,
                d.replicas()
            ),
            false,
        ));
    }
    if st.replicas > st.updated_replicas {
        return Ok((
            format!(
                "Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n",
                st.replicas - st.updated_replicas
            ),
            false,
        ));
    }
    if st.available_replicas < st.updated_replicas {
        return Ok((
            format!(
                "Waiting for deployment {name:?} rollout to finish: {} of {} updated replicas are available...\n",
                st.available_replicas, st.updated_replicas
            ),
            false,
        ));
    }
    Ok((
        format!("deployment {name:?} successfully rolled out\n"),
        true,
    ))
}

/// `kubectl rollout SUB deployment/NAME`: status (`DeploymentStatusViewer`), history
/// (`DeploymentHistoryViewer`), undo (`DeploymentRollbacker`), restart, pause, resume
/// (kubectl `polymorphichelpers`).
fn rollout_deployment(
    world: &mut World,
    a: &Args,
    ns: &str,
    sub: &str,
    name: &str,
    out: &mut Out,
) -> Result<(), String> {
    let key = (ns.to_string(), name.to_string());
    let Some(d) = world.deployments.get(&key).cloned() else {
        out.eprint(&format!("{}\n", get::not_found(Res::Deployment, name)));
        out.exit = 1;
        return Ok(());
    };
    // Revision → that ReplicaSet (the last one wins on a duplicate, like the map).
    let mut history: std::collections::BTreeMap<i64, ReplicaSet> = Default::default();
    for rs in world.replica_sets_of(&d) {
        if let Some(v) = rs
            .metadata
            .annotations
            .get(REVISION_ANNOTATION)
            .and_then(|v| v.parse::<i64>().ok())
        {
            history.insert(v, rs.clone());
        }
    }
    match sub {
        "status" => {
            let (line, done) = deployment_rollout_status(&d)?;
            out.print(&line);
            let watch = a.get("watch").unwrap_or("true") != "false";
            if watch && !done {
                let timeout = match a.get("timeout") {
                    Some(t) => Some(super::wait::go_duration(t, "timeout")?),
                    None => None,
                };
                out.wait = Some(super::wait::WaitRequest::rollout_deployment(
                    ns, name, &d, timeout,
                ));
            }
        }
        "history" => {
            let head = format!("deployment.apps/{name} ");
            if history.is_empty() {
                out.print(&format!("{head}\nNo rollout history found.\n"));
                return Ok(());
            }
            if let Some(n) = a.get("revision") {
                let n: i64 = n.parse().map_err(|_| {
                    format!("error: invalid argument \"{n}\" for \"--revision\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax")
                })?;
                if n > 0 {
                    let rs = history
                        .get(&n)
                        .ok_or("error: unable to find the specified revision")?;
                    let mut t = rs.spec.template.clone();
                    if let Some(c) = rs.metadata.annotations.get(CHANGE_CAUSE_ANNOTATION) {
                        t.metadata
                            .annotations
                            .insert(CHANGE_CAUSE_ANNOTATION.into(), c.clone());
                    }
                    out.print(&format!("deployment.apps/{name} with revision #{n}\n"));
                    out.print(&super::describe::pod_template_text(&t));
                    return Ok(());
                }
            }
            let mut s = format!("{head}\n");
            let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
            for (v, rs) in &history {
                let cause = rs
                    .metadata
                    .annotations
                    .get(CHANGE_CAUSE_ANNOTATION)
                    .filter(|c| !c.is_empty())
                    .cloned()
                    .unwrap_or_else(|| "<none>".into());
                rows.push(vec![v.to_string(), cause]);
            }
            s.push_str(&crate::printers::table_with(&rows, 2));
            s.push('\n');
            out.print(&s);
        }
        "undo" => {
            let to: i64 = match a.get("to-revision") {
                Some(v) => v.parse().map_err(|_| {
                    format!("error: invalid argument \"{v}\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")
                })?,
                None => 0,
            };
            // `deploymentRevision`: the given revision, or the second newest.
            let target = if to > 0 {
                history.get(&to).cloned().ok_or_else(|| {
                    format!("error: unable to find specified revision {to} in history")
                })?
            } else {
                let mut newest = history.values().rev();
                newest.next();
                newest.next().cloned().ok_or_else(|| {
                    format!("error: no rollout history found for deployment {name:?}")
                })?
            };
            if d.spec.paused {
                return Err("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into());
            }
            if crate::deploy::util::equal_ignore_hash(&target.spec.template, &d.spec.template) {
                out.print(&format!(
                    "deployment.apps/{name} skipped rollback (current template already matches revision {to})\n"
                ));
                return Ok(());
            }
            let mut template = target.spec.template.clone();
            template.metadata.labels.remove(POD_TEMPLATE_HASH);
            let copied: Labels = target
                .metadata
                .annotations
                .iter()
                .filter(|(k, _)| !crate::deploy::util::skip_annotation(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let o = world.mutate_deployment(ns, name, "rolled back", "rolled back", |d| {
                d.spec.template = template;
                let kept: Labels = d
                    .metadata
                    .annotations
                    .iter()
                    .filter(|(k, _)| crate::deploy::util::skip_annotation(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                d.metadata.annotations = kept;
                d.metadata.annotations.extend(copied);
                Ok(())
            });
            out.outcome(o);
        }
        "restart" => {
            let at = world.now.rfc3339();
            let o = world.mutate_deployment(ns, name, "restarted", "restarted", |d| {
                d.spec
                    .template
                    .metadata
                    .annotations
                    .insert("kubectl.kubernetes.io/restartedAt".into(), at);
                Ok(())
            });
            out.outcome(o);
        }
        "pause" | "resume" => {
            let pause = sub == "pause";
            if d.spec.paused == pause {
                let already = if pause {
                    "already paused"
                } else {
                    "already resumed"
                };
                out.print(&format!("deployment.apps/{name} {already}\n"));
                return Ok(());
            }
            let verb = if pause { "paused" } else { "resumed" };
            let o = world.mutate_deployment(ns, name, verb, verb, |d| {
                d.spec.paused = pause;
                Ok(())
            });
            out.outcome(o);
        }
        _ => {}
    }
    Ok(())
}

/// The buffer `kubectl edit` opens in `$EDITOR` (`pkg/cmd/util/editor/editoptions.go`).
pub const EDIT_HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// `kubectl edit TYPE NAME`: the object's YAML for the playground's editor.
pub fn edit(world: &World, a: &Args, ns: &str) -> Result<Out, String> {
    let targets = named_targets(world, a, ns, "edit", &a.pos)?;
    let mut buffer = String::from(EDIT_HEADER);
    for (found, (r, name)) in targets.iter().enumerate() {
        let Some(v) = resources::find(world, *r, ns, name) else {
            return Err(get::not_found(*r, name));
        };
        if found > 0 {
            buffer.push_str("---\n");
        }
        let mut obj = super::output::to_json(&v);
        // The editor shows what `get -o yaml` shows; `status` is ignored on save.
        if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
        buffer.push_str(&super::output::to_yaml(&obj));
    }
    let mut out = Out::default();
    out.print(&buffer);
    out.eprint("note: this playground opens the object in its manifest editor instead of $EDITOR; change it there and save to apply it (kubectl edit would print \"edited\").\n");
    out.edit = Some(buffer);
    Ok(out)
}
