//! A kubectl for the simulated cluster: parses a command line and answers the way
//! kubectl 1.32 does (section 14). One layer shared by scenario steps, the CLI and the
//! web console. This module covers the commands the engine's scenarios use; anything
//! else gets a plain "not supported" error naming the supported commands.

use crate::api::{Outcome, DEFAULT_NS};
use crate::cluster::gc::Propagation;
use crate::controller::revision::revision_data;
use crate::model::*;
use crate::printers::{self, table};
use crate::world::World;
use serde_json::Value;

/// Splits a command line like a POSIX shell would (single and double quotes, backslash).
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err("error: unterminated quote in command".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => cur.push(ch),
                            Some(ch) => {
                                cur.push('\\');
                                cur.push(ch);
                            }
                            None => return Err("error: unterminated quote in command".into()),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err("error: unterminated quote in command".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    cur.push(ch);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Parsed flags and positional arguments.
struct Args {
    pos: Vec<String>,
    flags: Vec<(String, Option<String>)>,
}

impl Args {
    fn parse(words: &[String]) -> Args {
        let mut pos = Vec::new();
        let mut flags = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            if let Some(f) = w
                .strip_prefix("--")
                .or_else(|| w.strip_prefix('-').filter(|f| !f.is_empty()))
            {
                if let Some((k, v)) = f.split_once('=') {
                    flags.push((k.to_string(), Some(v.to_string())));
                } else if [
                    "p",
                    "patch",
                    "o",
                    "output",
                    "l",
                    "selector",
                    "n",
                    "namespace",
                    "type",
                    "replicas",
                    "to-revision",
                    "f",
                    "filename",
                    "cascade",
                    "grace-period",
                ]
                .contains(&f)
                    && i + 1 < words.len()
                {
                    flags.push((f.to_string(), Some(words[i + 1].clone())));
                    i += 1;
                } else {
                    flags.push((f.to_string(), None));
                }
            } else {
                pos.push(w.clone());
            }
            i += 1;
        }
        Args { pos, flags }
    }
    fn flag(&self, names: &[&str]) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(k, _)| names.contains(&k.as_str()))
            .and_then(|(_, v)| v.as_deref())
    }
    fn has(&self, names: &[&str]) -> bool {
        self.flags.iter().any(|(k, _)| names.contains(&k.as_str()))
    }
}

/// Normalises a resource word (`po`, `pods`, `sts`, `statefulset.apps`…).
fn resource(word: &str) -> Option<&'static str> {
    let w = word.to_lowercase();
    let w = w.split('.').next().unwrap_or("").to_string();
    Some(match w.as_str() {
        "po" | "pod" | "pods" => "pods",
        "sts" | "statefulset" | "statefulsets" => "statefulsets",
        "pvc" | "persistentvolumeclaim" | "persistentvolumeclaims" => "persistentvolumeclaims",
        "pv" | "persistentvolume" | "persistentvolumes" => "persistentvolumes",
        "svc" | "service" | "services" => "services",
        "controllerrevision" | "controllerrevisions" => "controllerrevisions",
        "sc" | "storageclass" | "storageclasses" => "storageclasses",
        "no" | "node" | "nodes" => "nodes",
        "ev" | "event" | "events" => "events",
        _ => return None,
    })
}

/// `TYPE NAME` or `TYPE/NAME` → (resource, name).
fn target(args: &Args, from: usize) -> Result<(&'static str, String), String> {
    let first = args
        .pos
        .get(from)
        .ok_or("error: you must specify the type of resource")?;
    if let Some((t, n)) = first.split_once('/') {
        let r = resource(t)
            .ok_or_else(|| format!("error: the server doesn't have a resource type \"{t}\""))?;
        return Ok((r, n.to_string()));
    }
    let r = resource(first)
        .ok_or_else(|| format!("error: the server doesn't have a resource type \"{first}\""))?;
    let name = args
        .pos
        .get(from + 1)
        .ok_or_else(|| "error: resource name may not be empty".to_string())?;
    Ok((r, name.clone()))
}

const SUPPORTED: &str = "get, scale, set image, patch, delete, rollout status|history|undo|restart";

/// Runs one kubectl command line (with or without the leading `kubectl`).
pub fn run(world: &mut World, line: &str) -> Outcome {
    let words = match split_words(line.trim()) {
        Ok(w) => w,
        Err(e) => return Outcome::err(e),
    };
    let words: Vec<String> = if words.first().map(String::as_str) == Some("kubectl") {
        words[1..].to_vec()
    } else {
        words
    };
    let Some(verb) = words.first().cloned() else {
        return Outcome::err(format!("error: no command given; supported: {SUPPORTED}"));
    };
    let args = Args::parse(&words[1..]);
    let ns = args
        .flag(&["n", "namespace"])
        .unwrap_or(DEFAULT_NS)
        .to_string();
    let result = match verb.as_str() {
        "get" => get(world, &args, &ns),
        "scale" => scale(world, &args, &ns),
        "set" => set_image(world, &args, &ns),
        "patch" => patch(world, &args, &ns),
        "delete" => delete(world, &args, &ns),
        "rollout" => rollout(world, &args, &ns),
        other => Err(format!(
            "error: unknown command \"{other}\" for \"kubectl\"\nThis playground's kubectl supports: {SUPPORTED}"
        )),
    };
    result.unwrap_or_else(Outcome::err)
}

fn get(world: &World, args: &Args, ns: &str) -> Result<Outcome, String> {
    let what = args
        .pos
        .first()
        .ok_or("error: you must specify the type of resource to get")?;
    let r = resource(what)
        .ok_or_else(|| format!("error: the server doesn't have a resource type \"{what}\""))?;
    let name = args.pos.get(1);
    let wide = args.flag(&["o", "output"]) == Some("wide");
    let selector = args
        .flag(&["l", "selector"])
        .map(parse_selector)
        .transpose()?;
    let now = world.now;
    let keep = |meta: &ObjectMeta| {
        name.is_none_or(|n| *n == meta.name)
            && selector.as_ref().is_none_or(|s| s.matches(&meta.labels))
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    match r {
        "pods" => {
            let mut h = vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
            if wide {
                h.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
            }
            rows.push(h.into_iter().map(String::from).collect());
            for ((pns, _), p) in &world.pods {
                if pns != ns || !keep(&p.metadata) {
                    continue;
                }
                let mut row = vec![
                    p.metadata.name.clone(),
                    printers::pod_ready(p),
                    printers::pod_status(p),
                    printers::pod_restarts(p, now),
                    printers::age(&p.metadata, now),
                ];
                if wide {
                    row.push(p.status.pod_ip.clone().unwrap_or_else(|| "<none>".into()));
                    row.push(p.spec.node_name.clone().unwrap_or_else(|| "<none>".into()));
                    row.push("<none>".into());
                    row.push("<none>".into());
                }
                rows.push(row);
            }
        }
        "statefulsets" => {
            let mut h = vec!["NAME", "READY", "AGE"];
            if wide {
                h.extend(["CONTAINERS", "IMAGES"]);
            }
            rows.push(h.into_iter().map(String::from).collect());
            for ((sns, _), s) in &world.sets {
                if sns != ns || !keep(&s.metadata) {
                    continue;
                }
                let mut row = vec![
                    s.metadata.name.clone(),
                    printers::sts_ready(s),
                    printers::age(&s.metadata, now),
                ];
                if wide {
                    let cs = &s.spec.template.spec.containers;
                    row.push(
                        cs.iter()
                            .map(|c| c.name.clone())
                            .collect::<Vec<_>>()
                            .join(","),
                    );
                    row.push(
                        cs.iter()
                            .map(|c| c.image.clone())
                            .collect::<Vec<_>>()
                            .join(","),
                    );
                }
                rows.push(row);
            }
        }
        "persistentvolumeclaims" => {
            rows.push(
                [
                    "NAME",
                    "STATUS",
                    "VOLUME",
                    "CAPACITY",
                    "ACCESS MODES",
                    "STORAGECLASS",
                    "VOLUMEATTRIBUTESCLASS",
                    "AGE",
                ]
                .map(String::from)
                .to_vec(),
            );
            for ((cns, _), c) in &world.claims {
                if cns != ns || !keep(&c.metadata) {
                    continue;
                }
                let status = if c.metadata.terminating() {
                    "Terminating".to_string()
                } else {
                    c.status.phase.clone()
                };
                rows.push(vec![
                    c.metadata.name.clone(),
                    status,
                    c.spec.volume_name.clone().unwrap_or_default(),
                    c.status
                        .capacity
                        .get("storage")
                        .map(Quantity::text)
                        .unwrap_or_default(),
                    access_modes(&c.status.access_modes),
                    c.spec.storage_class_name.clone().unwrap_or_default(),
                    "<unset>".into(),
                    printers::age(&c.metadata, now),
                ]);
            }
        }
        "persistentvolumes" => {
            rows.push(
                [
                    "NAME",
                    "CAPACITY",
                    "ACCESS MODES",
                    "RECLAIM POLICY",
                    "STATUS",
                    "CLAIM",
                    "STORAGECLASS",
                    "VOLUMEATTRIBUTESCLASS",
                    "REASON",
                    "AGE",
                ]
                .map(String::from)
                .to_vec(),
            );
            for pv in world.volumes.values() {
                if !keep(&pv.metadata) {
                    continue;
                }
                rows.push(vec![
                    pv.metadata.name.clone(),
                    pv.spec
                        .capacity
                        .get("storage")
                        .map(Quantity::text)
                        .unwrap_or_default(),
                    access_modes(&pv.spec.access_modes),
                    pv.spec
                        .persistent_volume_reclaim_policy
                        .clone()
                        .unwrap_or_else(|| "Retain".into()),
                    pv.status.phase.clone(),
                    pv.spec
                        .claim_ref
                        .as_ref()
                        .map(|r| format!("{}/{}", r.namespace, r.name))
                        .unwrap_or_default(),
                    pv.spec.storage_class_name.clone().unwrap_or_default(),
                    "<unset>".into(),
                    String::new(),
                    printers::age(&pv.metadata, now),
                ]);
            }
        }
        "controllerrevisions" => {
            rows.push(
                ["NAME", "CONTROLLER", "REVISION", "AGE"]
                    .map(String::from)
                    .to_vec(),
            );
            for ((rns, _), rev) in &world.revisions {
                if rns != ns || !keep(&rev.metadata) {
                    continue;
                }
                let owner = rev
                    .metadata
                    .controller_ref()
                    .map(|r| format!("statefulset.apps/{}", r.name))
                    .unwrap_or_else(|| "<none>".into());
                rows.push(vec![
                    rev.metadata.name.clone(),
                    owner,
                    rev.revision.to_string(),
                    printers::age(&rev.metadata, now),
                ]);
            }
        }
        "nodes" => {
            rows.push(
                ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
                    .map(String::from)
                    .to_vec(),
            );
            for n in world.nodes.values() {
                if !keep(&n.metadata) {
                    continue;
                }
                let st = if n.ready { "Ready" } else { "NotReady" };
                rows.push(vec![
                    n.metadata.name.clone(),
                    st.into(),
                    "<none>".into(),
                    printers::age(&n.metadata, now),
                    "v1.32.0".into(),
                ]);
            }
        }
        other => {
            return Err(format!(
                "error: `get {other}` is not supported by this playground's kubectl yet"
            ))
        }
    }
    if rows.len() == 1 {
        return match name {
            Some(n) => Err(format!(
                "Error from server (NotFound): {r}{} \"{n}\" not found",
                if r == "statefulsets" || r == "controllerrevisions" {
                    ".apps"
                } else {
                    ""
                }
            )),
            None if r == "persistentvolumes" || r == "nodes" => {
                Ok(Outcome::ok("No resources found"))
            }
            None => Ok(Outcome::ok(format!(
                "No resources found in {ns} namespace."
            ))),
        };
    }
    Ok(Outcome::ok(table(&rows).trim_end().to_string()))
}

fn access_modes(modes: &[String]) -> String {
    modes
        .iter()
        .map(|m| match m.as_str() {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `app=nginx,tier!=db` equality-based selectors.
fn parse_selector(s: &str) -> Result<LabelSelector, String> {
    let mut sel = LabelSelector::default();
    for part in s.split(',').filter(|p| !p.is_empty()) {
        if let Some((k, v)) = part.split_once("!=") {
            sel.match_expressions.push(LabelSelectorRequirement {
                key: k.trim().into(),
                operator: "NotIn".into(),
                values: vec![v.trim().into()],
            });
        } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            sel.match_labels.insert(k.trim().into(), v.trim().into());
        } else {
            sel.match_expressions.push(LabelSelectorRequirement {
                key: part.trim().into(),
                operator: "Exists".into(),
                values: vec![],
            });
        }
    }
    Ok(sel)
}

fn need_sts(r: &str) -> Result<(), String> {
    if r == "statefulsets" {
        Ok(())
    } else {
        Err(format!(
            "error: this playground's kubectl supports this command for statefulsets only, not {r}"
        ))
    }
}

fn scale(world: &mut World, args: &Args, ns: &str) -> Result<Outcome, String> {
    let (r, name) = target(args, 0)?;
    need_sts(r)?;
    let n = args
        .flag(&["replicas"])
        .ok_or("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")?;
    let n: i64 = n.parse().map_err(|_| format!("error: invalid argument \"{n}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax"))?;
    Ok(world.scale_set(ns, &name, n))
}

fn set_image(world: &mut World, args: &Args, ns: &str) -> Result<Outcome, String> {
    if args.pos.first().map(String::as_str) != Some("image") {
        return Err("error: only `kubectl set image` is supported".into());
    }
    let (r, name) = target(args, 1)?;
    need_sts(r)?;
    let skip = if args.pos.get(1).is_some_and(|w| w.contains('/')) {
        2
    } else {
        3
    };
    let pairs: Vec<(String, String)> = args.pos[skip.min(args.pos.len())..]
        .iter()
        .map(|p| {
            p.split_once('=')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| {
                    format!("error: invalid image update {p:?}: expected CONTAINER_NAME=IMAGE")
                })
        })
        .collect::<Result<_, _>>()?;
    if pairs.is_empty() {
        return Err("error: at least one image update is required".into());
    }
    Ok(
        world.mutate_set(ns, &name, "image updated", "image updated", |s| {
            for (c, img) in &pairs {
                let all = c == "*";
                let mut found = false;
                for ctr in s
                    .spec
                    .template
                    .spec
                    .containers
                    .iter_mut()
                    .chain(s.spec.template.spec.init_containers.iter_mut())
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
        }),
    )
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
            (other, _) => {
                return Err(format!(
                    "error: unsupported JSON patch operation \"{other}\""
                ))
            }
        }
    }
    Ok(())
}

fn patch(world: &mut World, args: &Args, ns: &str) -> Result<Outcome, String> {
    let (r, name) = target(args, 0)?;
    need_sts(r)?;
    let body = args
        .flag(&["p", "patch"])
        .ok_or("error: must specify -p to patch")?;
    let patch: Value = serde_json::from_str(body)
        .or_else(|_| serde_yaml_ng::from_str(body))
        .map_err(|e| format!("error: unable to parse \"{body}\": {e}"))?;
    let kind = args.flag(&["type"]).unwrap_or("strategic").to_string();
    Ok(
        world.mutate_set(ns, &name, "patched", "patched (no change)", |s| {
            let mut v = serde_json::to_value(&*s).map_err(|e| format!("error: {e}"))?;
            match kind.as_str() {
                "json" => json_patch(&mut v, &patch)?,
                "merge" => merge_patch(&mut v, &patch, false),
                "strategic" => merge_patch(&mut v, &patch, true),
                other => {
                    return Err(format!(
                        "error: --type must be one of [json merge strategic], not \"{other}\""
                    ))
                }
            }
            let mut new: StatefulSet = serde_json::from_value(v)
                .map_err(|e| format!("Error from server (BadRequest): {e}"))?;
            new.metadata.creation = s.metadata.creation;
            new.metadata.deletion = s.metadata.deletion;
            new.status = s.status.clone();
            *s = new;
            Ok(())
        }),
    )
}

fn delete(world: &mut World, args: &Args, ns: &str) -> Result<Outcome, String> {
    let (r, name) = target(args, 0)?;
    let force = args.has(&["force"]) && args.flag(&["grace-period"]) == Some("0");
    Ok(match r {
        "pods" => world.delete_pod_cmd(ns, &name, force),
        "statefulsets" => {
            let p = match args.flag(&["cascade"]).unwrap_or("background") {
                "background" | "true" => Propagation::Background,
                "foreground" => Propagation::Foreground,
                "orphan" | "false" => Propagation::Orphan,
                other => {
                    return Err(format!(
                        "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
                    ))
                }
            };
            world.delete_set_cmd(ns, &name, p)
        }
        "persistentvolumeclaims" => world.delete_claim_cmd(ns, &name),
        other => {
            return Err(format!(
                "error: `delete {other}` is not supported by this playground's kubectl yet"
            ))
        }
    })
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

fn rollout(world: &mut World, args: &Args, ns: &str) -> Result<Outcome, String> {
    let sub = args
        .pos
        .first()
        .cloned()
        .ok_or("error: rollout needs a subcommand: status, history, undo, restart")?;
    let (r, name) = target(args, 1)?;
    need_sts(r)?;
    let key = (ns.to_string(), name.clone());
    let set = world.sets.get(&key).cloned().ok_or_else(|| {
        format!("Error from server (NotFound): statefulsets.apps \"{name}\" not found")
    })?;
    let revs = world.revisions_of(&set);
    match sub.as_str() {
        "status" => {
            // One-shot (like `--watch=false`): the line for the current state.
            let (line, _done) = rollout_status(&set)?;
            Ok(Outcome::ok(line.trim_end()))
        }
        "history" => {
            let mut out = format!("statefulset.apps/{name} \n");
            if let Some(n) = args.flag(&["revision"]) {
                let n: i64 = n
                    .parse()
                    .map_err(|_| "error: unable to find the specified revision".to_string())?;
                let rev = revs
                    .iter()
                    .find(|r| r.revision == n)
                    .ok_or("error: unable to find the specified revision")?;
                out = format!("statefulset.apps/{name} with revision #{n}\nPod Template:\n");
                for c in &rev.template.spec.containers {
                    out.push_str(&format!(
                        "  Containers:\n   {}:\n    Image:\t{}\n",
                        c.name, c.image
                    ));
                }
                return Ok(Outcome::ok(out.trim_end().to_string()));
            }
            if revs.is_empty() {
                out.push_str("No rollout history found.");
                return Ok(Outcome::ok(out));
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
            out.push_str(&printers::table_with(&rows, 2));
            out.push('\n');
            Ok(Outcome::ok(out))
        }
        "undo" => {
            let to: i64 = match args.flag(&["to-revision"]) {
                Some(v) => v.parse().map_err(|_| {
                    format!("error: invalid argument \"{v}\" for \"--to-revision\" flag")
                })?,
                None => 0,
            };
            let target = if to == 0 {
                if revs.len() < 2 {
                    return Err("error: no last revision to roll back to".into());
                }
                revs[revs.len() - 2]
            } else {
                revs.iter()
                    .find(|r| r.revision == to)
                    .copied()
                    .ok_or_else(|| {
                        format!("error: unable to find specified revision {to} in history")
                    })?
            };
            if revision_data(&set.spec.template) == target.data {
                return Ok(Outcome::ok(format!(
                    "statefulset.apps/{name} skipped rollback (current template already matches revision {to})"
                )));
            }
            let template = target.template.clone();
            Ok(
                world.mutate_set(ns, &name, "rolled back", "rolled back", |s| {
                    s.spec.template = template;
                    Ok(())
                }),
            )
        }
        "restart" => {
            let at = world.now.rfc3339();
            Ok(world.mutate_set(ns, &name, "restarted", "restarted", |s| {
                s.spec
                    .template
                    .metadata
                    .annotations
                    .insert("kubectl.kubernetes.io/restartedAt".into(), at);
                Ok(())
            }))
        }
        "pause" => Err(format!(
            "error: statefulsets.apps \"{name}\" pausing is not supported"
        )),
        "resume" => Err(format!(
            "error: statefulsets.apps \"{name}\" resuming is not supported"
        )),
        other => Err(format!("error: unknown rollout subcommand \"{other}\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        let w = split_words(r#"kubectl patch sts web -p '{"spec":{"replicas":2}}'"#).unwrap();
        assert_eq!(
            w,
            vec![
                "kubectl",
                "patch",
                "sts",
                "web",
                "-p",
                r#"{"spec":{"replicas":2}}"#
            ]
        );
        assert!(split_words("echo 'oops").is_err());
    }

    #[test]
    fn strategic_merge_keys_containers_by_name() {
        let mut t =
            serde_json::json!({"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]});
        merge_patch(
            &mut t,
            &serde_json::json!({"containers":[{"name":"b","image":"z"}]}),
            true,
        );
        assert_eq!(t["containers"][1]["image"], "z");
        assert_eq!(t["containers"][0]["image"], "x");
        merge_patch(
            &mut t,
            &serde_json::json!({"containers":[{"name":"b","image":"w"}]}),
            false,
        );
        assert_eq!(
            t["containers"].as_array().unwrap().len(),
            1,
            "a plain merge patch replaces lists"
        );
    }
}
