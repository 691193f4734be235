//! A shell inside pods: `kubectl exec POD -- CMD`, `kubectl exec -it POD -- sh`, and the
//! tutorials' throw-away `kubectl run NAME --image=busybox:1.28 --rm -it -- CMD`.
//!
//! Commands run by the same interpreter as the outer shell ([`crate::shell`]), with what
//! a container offers: `hostname`, `nslookup` (answered from the simulated cluster DNS,
//! I-4, in the output format of the image's nslookup), `curl` and `wget` (nginx images
//! serve their document root on port 80), `cat`, `echo ... > FILE`, `ls`, `mkdir`,
//! `rm`, `touch`, `df`, `env`/`printenv`, `sh -c`/`bash -c`, `cd`, `pwd`, `date`, `id`.
//!
//! Files are kept per volume in the world (see `podshell/fs.rs`): a path under a
//! `volumeMounts` entry for a claim lives on the PersistentVolume bound to the claim and
//! so survives the pod (the stable-storage lesson), other paths die with the pod.
//!
//! Everything here runs inside one command input and is replayed with it: it reads no
//! clock (times come from the world's virtual clock) and no entropy.
//!
//! Messages follow upstream: kubectl `pkg/cmd/exec/exec.go` (`ExecOptions.Run`:
//! "cannot exec into a container in a completed pod; current phase is %s",
//! "you must specify at least one command for the container", "exec [POD] [COMMAND] is
//! not supported anymore"), `pkg/cmd/util/podcmd/podcmd.go`
//! (`FindOrDefaultContainerByName`: `Defaulted container %q out of: %s`), client-go
//! `remotecommand` ("command terminated with exit code %d"), kubectl
//! `pkg/cmd/run/run.go` (`pod %s/%s terminated (%s)`), the kubelet's
//! `unable to upgrade connection: container not found ("nginx")` for a container that is
//! not running, and busybox `networking/nslookup.c` / BIND `nslookup` output formats.

mod fs;

pub use fs::{Entry, Files, FsError, StoreKey};

use std::collections::{BTreeMap, BTreeSet};

use crate::api::{Outcome, DEFAULT_NS};
use crate::cluster::dns::CLUSTER_DOMAIN;
use crate::kubectl::args::{flag, opt, val, Args, Flag};
use crate::shell::{self, Flavor, Host, Io, State};
use crate::time::SimTime;
use crate::world::{Key, World};
use fs::Tree;

/// The cluster DNS Service's address (kube-dns in `kube-system`, as kind and kubeadm
/// set it up).
pub const DNS_SERVER: &str = "10.96.0.10";
/// The `kubernetes` Service's address.
pub const KUBERNETES_SERVICE: &str = "10.96.0.1";
/// The owner of a throw-away pod's files (`kubectl run --rm`), which is not stored.
const TEMPORARY: &str = "temporary";
/// nginx's document root.
const DOCROOT: &str = "/usr/share/nginx/html";

/// A pod shell left open by `kubectl exec -it POD -- sh` (or `kubectl run -it --rm`):
/// while it is set, command lines run inside the pod until `exit`.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// Namespace.
    pub ns: String,
    /// Pod name.
    pub pod: String,
    /// The pod's uid when attached (a replacement pod with the same name ends the
    /// session, as the old container is gone).
    pub uid: String,
    /// Container name.
    pub container: String,
    /// `sh` or `bash`.
    pub shell: String,
    /// Working directory.
    pub cwd: String,
    /// Shell variables set in the session.
    pub vars: BTreeMap<String, String>,
    /// Exported names.
    pub exported: BTreeSet<String>,
    /// `$?`.
    pub last: i32,
    /// The image of a throw-away pod (`kubectl run --rm -it`), which the playground
    /// does not add to the cluster.
    pub temporary: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Entry points

/// `kubectl exec [-c CONTAINER] POD -- ARGV...`: runs `argv` in the pod's container, or
/// opens an interactive session if `argv` is a lone shell (`sh`, `/bin/bash`…).
pub fn exec(
    world: &mut World,
    ns: &str,
    pod: &str,
    container: Option<&str>,
    argv: &[String],
) -> Outcome {
    exec_with_stdin(world, ns, pod, container, argv, None)
}

/// [`exec`] with `-i` input: a lone shell then runs `stdin` as its script (this is how
/// an exported replay script feeds an interactive session) instead of attaching.
pub fn exec_with_stdin(
    world: &mut World,
    ns: &str,
    pod: &str,
    container: Option<&str>,
    argv: &[String],
    stdin: Option<&str>,
) -> Outcome {
    prune(world);
    let key = (ns.to_string(), pod.to_string());
    let Some(p) = world.pods.get(&key) else {
        return Outcome::err(format!(
            "Error from server (NotFound): pods \"{pod}\" not found"
        ));
    };
    if p.status.phase == "Succeeded" || p.status.phase == "Failed" {
        return Outcome::err(format!(
            "error: cannot exec into a container in a completed pod; current phase is {}",
            p.status.phase
        ));
    }
    let mut prelude = String::new();
    let cname = match container {
        // The API server checks the name against the pod's containers.
        Some(c)
            if !p.spec.containers.iter().any(|x| x.name == c)
                && !p.spec.init_containers.iter().any(|x| x.name == c) =>
        {
            return Outcome::err(format!(
                "Error from server (BadRequest): container {c} is not valid for pod {pod}"
            ));
        }
        Some(c) => c.to_string(),
        None => {
            let Some(first) = p.spec.containers.first() else {
                return Outcome::err(format!(
                    "error: pod {ns}/{pod} does not have any containers"
                ));
            };
            if p.spec.containers.len() > 1 || !p.spec.init_containers.is_empty() {
                let mut names: Vec<String> =
                    p.spec.containers.iter().map(|c| c.name.clone()).collect();
                names.extend(
                    p.spec
                        .init_containers
                        .iter()
                        .map(|c| format!("{} (init)", c.name)),
                );
                prelude = format!(
                    "Defaulted container \"{}\" out of: {}\n",
                    first.name,
                    names.join(", ")
                );
            }
            first.name.clone()
        }
    };
    let Some(node) = p.spec.node_name.clone() else {
        return Outcome::err(format!(
            "Error from server (BadRequest): pod {pod} does not have a host assigned"
        ));
    };
    if let Some(n) = world.nodes.get(&node) {
        if !n.ready {
            return Outcome::err(format!(
                "Error from server: error dialing backend: dial tcp {}:10250: i/o timeout",
                if n.address.is_empty() {
                    node.clone()
                } else {
                    n.address.clone()
                }
            ));
        }
    }
    if !container_running(p, &cname) {
        return Outcome::err(format!(
            "{prelude}error: unable to upgrade connection: container not found (\"{cname}\")"
        ));
    }
    if argv.is_empty() {
        return Outcome::err(
            "error: you must specify at least one command for the container\nSee 'kubectl exec -h' for help and examples",
        );
    }
    let Some(ctx) = pod_ctx(world, &key, &cname) else {
        return Outcome::err(format!(
            "error: unable to upgrade connection: container not found (\"{cname}\")"
        ));
    };
    if is_interactive_shell(argv) && stdin.is_none() {
        let shell = base_name(&argv[0]).to_string();
        if shell == "bash" && ctx.flavor == Flavor::Busybox {
            return not_in_image(&prelude, "bash");
        }
        world.shell.session = Some(Session {
            ns: ns.to_string(),
            pod: pod.to_string(),
            uid: ctx.owner.clone(),
            container: cname,
            shell,
            cwd: "/".into(),
            vars: BTreeMap::new(),
            exported: BTreeSet::new(),
            last: 0,
            temporary: None,
        });
        return Outcome::ok(prelude.trim_end().to_string());
    }
    run_in(world, ctx, argv, stdin, &prelude, None)
}

/// `kubectl run NAME --image=IMAGE --rm -it --restart=Never [-- ARGV...]`: a throw-away
/// pod that runs `argv` (or, with no command or a lone shell, opens an interactive
/// session) and is deleted afterwards. The playground does not add it to the cluster
/// (it would live only within this one command); it resolves names and reaches
/// Services from `ns` like a real pod would.
pub fn run_temporary(
    world: &mut World,
    ns: &str,
    name: &str,
    image: &str,
    argv: &[String],
) -> Outcome {
    run_temporary_with_stdin(world, ns, name, image, argv, None)
}

/// [`run_temporary`] with `-i` input for a lone shell.
pub fn run_temporary_with_stdin(
    world: &mut World,
    ns: &str,
    name: &str,
    image: &str,
    argv: &[String],
    stdin: Option<&str>,
) -> Outcome {
    prune(world);
    if name.is_empty() {
        return Outcome::err("error: NAME is required for run");
    }
    if image.is_empty() {
        return Outcome::err("error: required flag(s) \"image\" not set");
    }
    let errs: Vec<crate::validation::FieldError> = crate::validation::is_dns1123_subdomain(name)
        .into_iter()
        .map(|e| {
            crate::validation::FieldError::invalid(
                "metadata.name",
                crate::validation::go_quote(name),
                e,
            )
        })
        .collect();
    if !errs.is_empty() {
        return Outcome::err(crate::validation::format_invalid("Pod", name, &errs));
    }
    if world.pods.contains_key(&(ns.to_string(), name.to_string())) {
        return Outcome::err(format!(
            "Error from server (AlreadyExists): pods \"{name}\" already exists"
        ));
    }
    let ctx = temporary_ctx(world, ns, name, image);
    let interactive = argv.is_empty() || is_interactive_shell(argv);
    if interactive && stdin.is_none() {
        let shell = argv
            .first()
            .map(|a| base_name(a).to_string())
            .unwrap_or_else(|| "sh".into());
        world.shell.session = Some(Session {
            ns: ns.to_string(),
            pod: name.to_string(),
            uid: TEMPORARY.into(),
            container: name.to_string(),
            shell,
            cwd: "/".into(),
            vars: BTreeMap::new(),
            exported: BTreeSet::new(),
            last: 0,
            temporary: Some(image.to_string()),
        });
        return Outcome::ok("If you don't see a command prompt, try pressing enter.");
    }
    let argv: Vec<String> = if argv.is_empty() {
        vec!["sh".into()]
    } else {
        argv.to_vec()
    };
    let key = ctx.root_key();
    let out = run_in(world, ctx, &argv, stdin, "", Some(name));
    world.pod_files.remove(&key);
    out
}

/// True for `sh`, `/bin/bash`, `ash`… without `-c`: an interactive shell.
pub fn is_interactive_shell(argv: &[String]) -> bool {
    let Some(first) = argv.first() else {
        return false;
    };
    matches!(base_name(first), "sh" | "bash" | "ash" | "dash" | "zsh")
        && !argv[1..]
            .iter()
            .any(|a| a.starts_with('-') && a.contains('c'))
        && argv[1..].iter().all(|a| a.starts_with('-'))
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn container_running(p: &crate::model::Pod, name: &str) -> bool {
    p.status
        .container_statuses
        .iter()
        .any(|s| s.name == name && matches!(s.state, crate::model::ContainerState::Running { .. }))
}

fn not_in_image(prelude: &str, name: &str) -> Outcome {
    shell::with_exit(
        Outcome::err(format!(
            "{prelude}OCI runtime exec failed: exec failed: unable to start container process: exec: \"{name}\": executable file not found in $PATH: unknown\ncommand terminated with exit code 126"
        )),
        126,
    )
}

/// Runs `argv` (not through a shell) in `ctx`; the answer as kubectl prints it.
fn run_in(
    world: &mut World,
    ctx: Ctx,
    argv: &[String],
    stdin: Option<&str>,
    prelude: &str,
    temporary: Option<&str>,
) -> Outcome {
    let name = base_name(&argv[0]).to_string();
    if !known_command(&name) || (name == "bash" && ctx.flavor == Flavor::Busybox) {
        let o = not_in_image(prelude, &argv[0]);
        return match temporary {
            Some(pod) => temporary_end(o.output, 126, &ctx.ns, pod),
            None => o,
        };
    }
    let mut st = State::new("sh", ctx.flavor);
    st.vars = ctx.env.iter().cloned().collect();
    st.exported = ctx.env.iter().map(|(k, _)| k.clone()).collect();
    let mut host = PodHost {
        world,
        ctx,
        cwd: "/".into(),
    };
    let mut argv = argv.to_vec();
    argv[0] = name;
    let mut io = Io::default();
    io.err(prelude);
    let r = shell::run_argv(&mut host, &mut st, &argv, stdin.unwrap_or(""));
    io.append(r);
    if let Some(code) = st.exit {
        io.code = code;
    }
    let ns = host.ctx.ns.clone();
    let (mut text, code) = shell::terminal_text(&io, &st);
    if let Some(pod) = temporary {
        return temporary_end(text, code, &ns, pod);
    }
    if code != 0 {
        text.push_str(&format!("command terminated with exit code {code}\n"));
    }
    shell::outcome(text, code)
}

/// What `kubectl run --rm` prints when its pod is done.
fn temporary_end(mut text: String, code: i32, ns: &str, pod: &str) -> Outcome {
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("pod \"{pod}\" deleted"));
    if code != 0 {
        text.push_str(&format!("\npod {ns}/{pod} terminated (Error)"));
        return shell::with_exit(Outcome::err(text), code);
    }
    Outcome::ok(text)
}

/// Runs a line inside the attached pod shell; `None` if no shell is attached.
pub(crate) fn session_line(world: &mut World, line: &str) -> Option<Outcome> {
    let sess = world.shell.session.clone()?;
    prune(world);
    let ctx = match &sess.temporary {
        Some(image) => Some(temporary_ctx(world, &sess.ns, &sess.pod, image)),
        None => {
            let key = (sess.ns.clone(), sess.pod.clone());
            world
                .pods
                .get(&key)
                .filter(|p| p.metadata.uid == sess.uid && container_running(p, &sess.container))
                .and_then(|_| pod_ctx(world, &key, &sess.container))
        }
    };
    let Some(ctx) = ctx else {
        // The container went away under the session (pod deleted, restarted or its
        // node lost): kubectl exits, and the line runs in the playground's shell.
        world.shell.session = None;
        let rest = shell::run(world, line);
        let text = if rest.output.is_empty() {
            "command terminated with exit code 137".to_string()
        } else {
            format!("command terminated with exit code 137\n{}", rest.output)
        };
        let mut o = rest;
        o.output = text;
        return Some(o);
    };
    let flavor = if sess.shell == "bash" {
        Flavor::Bash
    } else {
        ctx.flavor
    };
    let mut st = State::new(&sess.shell, flavor);
    st.vars = ctx.env.iter().cloned().collect();
    st.vars.extend(sess.vars.clone());
    st.exported = ctx.env.iter().map(|(k, _)| k.clone()).collect();
    st.exported.extend(sess.exported.clone());
    st.last = sess.last;
    let mut host = PodHost {
        world,
        ctx,
        cwd: sess.cwd.clone(),
    };
    let mut io = shell::run_source(&mut host, &mut st, line, "");
    let cwd = host.cwd.clone();
    let root = host.ctx.root_key();
    let world = host.world;
    if let Some(code) = st.exit {
        world.shell.session = None;
        io.code = code;
        let (mut text, code) = shell::terminal_text(&io, &st);
        if flavor == Flavor::Bash {
            // Interactive bash says goodbye.
            text.push_str("exit\n");
        }
        if sess.temporary.is_some() {
            world.pod_files.remove(&root);
            return Some(temporary_end(text, code, &sess.ns, &sess.pod));
        }
        if code != 0 {
            text.push_str(&format!("command terminated with exit code {code}\n"));
        }
        return Some(shell::outcome(text, code));
    }
    // Variables of the container's environment are not the session's own.
    let env: BTreeMap<String, String> = pod_env_of(world, &sess);
    if let Some(s) = world.shell.session.as_mut() {
        s.cwd = cwd;
        s.vars = st
            .vars
            .iter()
            .filter(|(k, v)| env.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        s.exported = st.exported.clone();
        s.last = io.code;
        let bytes: usize = s.vars.iter().map(|(k, v)| k.len() + v.len()).sum();
        if s.vars.len() > shell::MAX_VARS || bytes > shell::MAX_VAR_BYTES {
            s.vars.clear();
            io.err(format!(
                "{}: the shell's variables are dropped: the playground keeps at most {} variables and {} KiB\n",
                st.name,
                shell::MAX_VARS,
                shell::MAX_VAR_BYTES >> 10
            ));
        }
    }
    Some(shell::finish(io, &st))
}

fn pod_env_of(world: &World, sess: &Session) -> BTreeMap<String, String> {
    let ctx = match &sess.temporary {
        Some(image) => Some(temporary_ctx(world, &sess.ns, &sess.pod, image)),
        None => pod_ctx(world, &(sess.ns.clone(), sess.pod.clone()), &sess.container),
    };
    ctx.map(|c| c.env.into_iter().collect()).unwrap_or_default()
}

/// The attached shell's prompt, if one is attached: BusyBox `/ # ` (its working
/// directory), dash `# `, bash `root@web-0:/# `.
pub(crate) fn session_prompt(world: &World) -> Option<String> {
    let s = world.shell.session.as_ref()?;
    let image = match &s.temporary {
        Some(i) => i.clone(),
        None => world
            .pods
            .get(&(s.ns.clone(), s.pod.clone()))
            .and_then(|p| {
                p.spec
                    .containers
                    .iter()
                    .find(|c| c.name == s.container)
                    .map(|c| c.image.clone())
            })
            .unwrap_or_default(),
    };
    let cwd = if s.cwd == "/root" {
        "~".to_string()
    } else if let Some(rest) = s.cwd.strip_prefix("/root/") {
        format!("~/{rest}")
    } else {
        s.cwd.clone()
    };
    Some(if s.shell == "bash" {
        format!("root@{}:{cwd}# ", s.pod)
    } else if flavor_of(&image) == Flavor::Busybox {
        format!("{cwd} # ")
    } else {
        "# ".to_string()
    })
}

// ---------------------------------------------------------------------------------------
// kubectl exec / kubectl run argument parsing (shared with the export)

/// `kubectl exec` arguments.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ExecArgs {
    pub ns: String,
    pub pod: String,
    pub container: Option<String>,
    pub command: Vec<String>,
    pub stdin: bool,
    pub tty: bool,
}

/// `kubectl run` arguments.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RunArgs {
    pub ns: String,
    pub name: String,
    pub image: String,
    pub rm: bool,
    pub stdin: bool,
    pub tty: bool,
    pub command: Vec<String>,
}

/// Splits `kubectl [GLOBAL FLAGS] VERB ARGS` into (namespace flag, verb, args).
pub(crate) fn verb_of(argv: &[String]) -> Option<(Option<String>, &str, &[String])> {
    let mut ns = None;
    let mut i = usize::from(argv.first().map(String::as_str) == Some("kubectl"));
    while i < argv.len() {
        let a = argv[i].as_str();
        if a == "-n" || a == "--namespace" {
            ns = argv.get(i + 1).cloned();
            i += 2;
        } else if let Some(v) = a.strip_prefix("--namespace=") {
            ns = Some(v.to_string());
            i += 1;
        } else if let Some(v) = a.strip_prefix("-n").filter(|v| !v.is_empty()) {
            ns = Some(v.trim_start_matches('=').to_string());
            i += 1;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            return Some((ns, a, &argv[i + 1..]));
        }
    }
    None
}

/// `kubectl exec`'s flags (`pkg/cmd/exec/exec.go`).
pub(crate) const EXEC_FLAGS: &[Flag] = &[
    val("container", Some('c')),
    flag("stdin", Some('i')),
    flag("tty", Some('t')),
    flag("quiet", Some('q')),
    val("pod-running-timeout", None),
    val("filename", Some('f')),
];

/// `kubectl run`'s flags that matter here, and the ones accepted and ignored
/// (`pkg/cmd/run/run.go`).
pub(crate) const RUN_FLAGS: &[Flag] = &[
    val("image", None),
    opt("rm", "true"),
    flag("stdin", Some('i')),
    flag("tty", Some('t')),
    flag("quiet", Some('q')),
    val("restart", None),
    val("env", None),
    val("labels", Some('l')),
    val("port", None),
    val("overrides", None),
    val("image-pull-policy", None),
    val("serviceaccount", None),
    val("annotations", None),
    val("pod-running-timeout", None),
    opt("attach", "true"),
    opt("command", "true"),
    opt("expose", "true"),
    opt("privileged", "true"),
    val("dry-run", None),
];

/// Parses the arguments after `exec` with the kubectl layer's flag parser.
pub(crate) fn parse_exec(args: &[String], ns: Option<String>) -> Result<ExecArgs, String> {
    let a = Args::parse(args, EXEC_FLAGS, "exec")?;
    let dash = a.after_dash.is_some();
    let Some(target) = a.pos.first() else {
        return Err("error: pod, type/name or --filename must be specified".into());
    };
    if a.pos.len() > 1 && !dash {
        return Err("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples".into());
    }
    Ok(ExecArgs {
        ns: a
            .get("namespace")
            .map(String::from)
            .or(ns)
            .unwrap_or_else(|| DEFAULT_NS.to_string()),
        pod: match target.split_once('/') {
            Some(("pod" | "pods" | "po", name)) => name.to_string(),
            Some((kind, name)) => format!("{kind}/{name}"),
            None => target.clone(),
        },
        container: a.get("container").map(String::from),
        command: a.after_dash.clone().unwrap_or_default(),
        stdin: a.on("stdin"),
        tty: a.on("tty"),
    })
}

/// Parses the arguments after `run` with the kubectl layer's flag parser.
pub(crate) fn parse_run(args: &[String], ns: Option<String>) -> Result<RunArgs, String> {
    let a = Args::parse(args, RUN_FLAGS, "run")?;
    let mut positional = a.pos.iter().cloned();
    let name = positional.next().unwrap_or_default();
    let extra: Vec<String> = positional.collect();
    let out = RunArgs {
        ns: a
            .get("namespace")
            .map(String::from)
            .or(ns)
            .unwrap_or_else(|| DEFAULT_NS.to_string()),
        name,
        image: a.get("image").unwrap_or_default().to_string(),
        rm: a.on("rm"),
        stdin: a.on("stdin"),
        tty: a.on("tty"),
        command: a.after_dash.clone().unwrap_or(extra),
    };
    if out.name.is_empty() {
        return Err("error: NAME is required for run".into());
    }
    if out.image.is_empty() {
        return Err("error: required flag(s) \"image\" not set".into());
    }
    if out.rm && !out.stdin && !out.tty {
        return Err("error: --rm should only be used for attached containers".into());
    }
    Ok(out)
}

/// `kubectl exec ...` and attached `kubectl run ... --rm` command lines, for the
/// outer shell (`argv` includes `kubectl`); `None` for any other kubectl command.
/// `stdin` is what a pipe or here-document feeds (passed on with `-i`).
pub(crate) fn kubectl_pod_command(
    world: &mut World,
    argv: &[String],
    stdin: &str,
) -> Option<Outcome> {
    let (ns, verb, args) = verb_of(argv)?;
    match verb {
        "exec" => Some(match parse_exec(args, ns) {
            Ok(a) => {
                let pod = match resolve_exec_target(world, &a) {
                    Ok(p) => p,
                    Err(e) => return Some(Outcome::err(e)),
                };
                let input = (a.stdin && !stdin.is_empty()).then_some(stdin);
                exec_with_stdin(
                    world,
                    &a.ns,
                    &pod,
                    a.container.as_deref(),
                    &a.command,
                    input,
                )
            }
            Err(e) => Outcome::err(e),
        }),
        "run" => {
            let a = match parse_run(args, ns) {
                Ok(a) => a,
                Err(e) => return Some(Outcome::err(e)),
            };
            if !a.rm {
                // Without --rm the pod outlives the command: creating it is kubectl's.
                return None;
            }
            let input = (a.stdin && !stdin.is_empty()).then_some(stdin);
            Some(run_temporary_with_stdin(
                world, &a.ns, &a.name, &a.image, &a.command, input,
            ))
        }
        _ => None,
    }
}

/// `pod/NAME` is the pod; `statefulset/NAME` (or `sts/NAME`) is its lowest-ordinal
/// running pod, as kubectl picks an attachable pod of a workload.
fn resolve_exec_target(world: &World, a: &ExecArgs) -> Result<String, String> {
    let Some((kind, name)) = a.pod.split_once('/') else {
        return Ok(a.pod.clone());
    };
    if !matches!(
        kind,
        "sts" | "statefulset" | "statefulsets" | "statefulset.apps"
    ) {
        return Err(format!(
            "error: the playground's kubectl exec takes a pod or a statefulset, not \"{kind}\""
        ));
    }
    let key = (a.ns.clone(), name.to_string());
    let Some(set) = world.sets.get(&key) else {
        return Err(format!(
            "Error from server (NotFound): statefulsets.apps \"{name}\" not found"
        ));
    };
    let mut pods = world.pods_of(&key);
    pods.sort_by_key(|p| {
        crate::controller::identity::parse_ordinal(&set.metadata.name, &p.metadata.name)
            .unwrap_or(i32::MAX)
    });
    pods.iter()
        .find(|p| p.running_and_ready())
        .or(pods.first())
        .map(|p| p.metadata.name.clone())
        .ok_or_else(|| "error: cannot attach to *v1.StatefulSet: no pods found".to_string())
}

// ---------------------------------------------------------------------------------------
// The container a command runs in

/// Where a mount's files come from.
#[derive(Clone, Debug, PartialEq)]
enum Source {
    /// A store in the world (PersistentVolume, emptyDir).
    Store {
        key: StoreKey,
        owner: String,
        /// Bytes, for `df`.
        capacity: Option<i128>,
        /// `df`'s Filesystem column.
        device: String,
    },
    /// Read-only files (a ConfigMap or Secret volume).
    Files(BTreeMap<String, String>),
    /// One read-only file (a `subPath` of a ConfigMap or Secret, or a kubelet-managed
    /// file like `/etc/hosts`).
    File(String),
}

/// One mount of a container.
#[derive(Clone, Debug, PartialEq)]
struct Mount {
    path: String,
    source: Source,
    read_only: bool,
    /// The `subPath` within the volume (`""` for its root).
    sub: String,
}

/// Everything a command needs to know about the container it runs in.
#[derive(Clone, Debug)]
struct Ctx {
    ns: String,
    pod: String,
    /// The pod's uid (or [`TEMPORARY`]).
    owner: String,
    container: String,
    image: String,
    hostname: String,
    subdomain: Option<String>,
    ip: Option<String>,
    env: Vec<(String, String)>,
    /// Longest path first.
    mounts: Vec<Mount>,
    flavor: Flavor,
}

impl Ctx {
    fn root_key(&self) -> StoreKey {
        StoreKey::Root {
            pod: (self.ns.clone(), self.pod.clone()),
            container: self.container.clone(),
        }
    }
    fn fqdn(&self) -> String {
        match &self.subdomain {
            Some(sd) => format!("{}.{sd}.{}.svc.{CLUSTER_DOMAIN}", self.hostname, self.ns),
            None => self.hostname.clone(),
        }
    }
}

/// BusyBox (busybox and Alpine-based images) or Debian-like (everything else).
fn flavor_of(image: &str) -> Flavor {
    let (name, tag) = image_name_tag(image);
    if name.contains("busybox")
        || name == "alpine"
        || tag.contains("alpine")
        || name.contains("dnstools")
    {
        Flavor::Busybox
    } else {
        Flavor::Dash
    }
}

/// `registry/path/nginx:1.21@sha` → (`nginx`, `1.21`).
fn image_name_tag(image: &str) -> (String, String) {
    let image = image.split('@').next().unwrap_or(image);
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((n, t)) => (n.to_lowercase(), t.to_lowercase()),
        None => (last.to_lowercase(), "latest".into()),
    }
}

fn is_nginx(image: &str) -> bool {
    image_name_tag(image).0.contains("nginx")
}

fn pod_ctx(world: &World, key: &Key, container: &str) -> Option<Ctx> {
    let pod = world.pods.get(key)?;
    let c = pod
        .spec
        .containers
        .iter()
        .chain(pod.spec.init_containers.iter())
        .find(|c| c.name == container)?;
    let ns = key.0.clone();
    let hostname = pod
        .spec
        .hostname
        .clone()
        .unwrap_or_else(|| pod.metadata.name.clone());
    let mut env = vec![(
        "PATH".to_string(),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
    )];
    env.push(("HOSTNAME".into(), hostname.clone()));
    if let Some(serde_json::Value::Array(items)) = c.extra.get("env") {
        for item in items {
            let Some(name) = item.get("name").and_then(|v| v.as_str()) else {
                continue;
            };
            let value = if let Some(v) = item.get("value") {
                Some(
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string()),
                )
            } else {
                env_from(world, pod, &ns, item.get("valueFrom"))
            };
            if let Some(v) = value {
                env.retain(|(k, _)| k != name);
                env.push((name.to_string(), v));
            }
        }
    }
    env.extend(service_env(world, &ns));
    env.push(("HOME".into(), "/root".into()));
    let mut mounts = Vec::new();
    let mut disk = b'b';
    for m in &c.volume_mounts {
        let read_only = m.extra.get("readOnly").and_then(|v| v.as_bool()) == Some(true);
        let sub = m
            .extra
            .get("subPath")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .trim_matches('/')
            .to_string();
        let Some(vol) = pod.spec.volumes.iter().find(|v| v.name == m.name) else {
            continue;
        };
        let (source, ro) = volume_source(world, pod, key, vol, &mut disk);
        // A subPath of a ConfigMap or Secret mounts one file.
        let (source, sub) = match (source, sub.is_empty()) {
            (Source::Files(files), false) => (
                Source::File(files.get(&sub).cloned().unwrap_or_default()),
                String::new(),
            ),
            (s, _) => (s, sub),
        };
        mounts.push(Mount {
            path: normalize("/", &m.mount_path),
            source,
            read_only: read_only || ro,
            sub,
        });
    }
    let ip = pod.status.pod_ip.clone();
    let subdomain = pod.spec.subdomain.clone().filter(|s| !s.is_empty());
    let mut ctx = Ctx {
        ns,
        pod: pod.metadata.name.clone(),
        owner: pod.metadata.uid.clone(),
        container: c.name.clone(),
        image: c.image.clone(),
        hostname,
        subdomain,
        ip,
        env,
        mounts,
        flavor: flavor_of(&c.image),
    };
    add_kubelet_files(&mut ctx);
    ctx.mounts
        .sort_by(|a, b| b.path.len().cmp(&a.path.len()).then(a.path.cmp(&b.path)));
    Some(ctx)
}

fn temporary_ctx(world: &World, ns: &str, name: &str, image: &str) -> Ctx {
    let mut env = vec![
        (
            "PATH".to_string(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
        ),
        ("HOSTNAME".into(), name.to_string()),
    ];
    env.extend(service_env(world, ns));
    env.push(("HOME".into(), "/root".into()));
    let mut ctx = Ctx {
        ns: ns.to_string(),
        pod: name.to_string(),
        owner: TEMPORARY.into(),
        container: name.to_string(),
        image: image.to_string(),
        hostname: name.to_string(),
        subdomain: None,
        ip: None,
        env,
        mounts: Vec::new(),
        flavor: flavor_of(image),
    };
    add_kubelet_files(&mut ctx);
    ctx
}

/// `/etc/hosts`, `/etc/hostname` and `/etc/resolv.conf`, which the kubelet mounts into
/// every container.
fn add_kubelet_files(ctx: &mut Ctx) {
    let mut hosts = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    if let Some(ip) = &ctx.ip {
        if ctx.subdomain.is_some() {
            hosts.push_str(&format!("{ip}\t{}\t{}\n", ctx.fqdn(), ctx.hostname));
        } else {
            hosts.push_str(&format!("{ip}\t{}\n", ctx.hostname));
        }
    }
    let resolv = format!(
        "search {ns}.svc.{d} svc.{d} {d}\nnameserver {DNS_SERVER}\noptions ndots:5\n",
        ns = ctx.ns,
        d = CLUSTER_DOMAIN
    );
    for (path, text) in [
        ("/etc/hosts", hosts),
        ("/etc/hostname", format!("{}\n", ctx.hostname)),
        ("/etc/resolv.conf", resolv),
    ] {
        ctx.mounts.push(Mount {
            path: path.into(),
            source: Source::File(text),
            read_only: false,
            sub: String::new(),
        });
    }
}

/// A volume's files and whether the volume itself is read-only.
fn volume_source(
    world: &World,
    pod: &crate::model::Pod,
    key: &Key,
    vol: &crate::model::Volume,
    disk: &mut u8,
) -> (Source, bool) {
    let ns = &key.0;
    if let Some(pvc) = &vol.persistent_volume_claim {
        let claim = world.claims.get(&(ns.clone(), pvc.claim_name.clone()));
        let pv = claim
            .and_then(|c| c.spec.volume_name.clone())
            .and_then(|n| world.volumes.get(&n).map(|v| (n, v)));
        let Some((pv_name, pv)) = pv else {
            return (Source::Files(BTreeMap::new()), true);
        };
        let claim_uid = claim.map(|c| c.metadata.uid.clone()).unwrap_or_default();
        let capacity = claim
            .and_then(|c| c.status.capacity.get("storage"))
            .or_else(|| pv.spec.capacity.get("storage"))
            .and_then(|q| crate::quantity::parse_bytes(&q.text()));
        let device = match pv.spec.extra.get("nfs") {
            Some(nfs) => format!(
                "{}:{}",
                nfs.get("server").and_then(|v| v.as_str()).unwrap_or(""),
                nfs.get("path").and_then(|v| v.as_str()).unwrap_or("")
            ),
            None => {
                let d = format!("/dev/sd{}", char::from(*disk));
                *disk = disk.saturating_add(1).min(b'z');
                d
            }
        };
        return (
            Source::Store {
                key: StoreKey::Volume(pv_name),
                owner: volume_owner(pv, &claim_uid),
                capacity,
                device,
            },
            pvc.read_only,
        );
    }
    for (kind, name_key) in [("configMap", "name"), ("secret", "secretName")] {
        let Some(spec) = vol.extra.get(kind) else {
            continue;
        };
        let name = spec.get(name_key).and_then(|v| v.as_str()).unwrap_or("");
        let obj_kind = if kind == "configMap" {
            "ConfigMap"
        } else {
            "Secret"
        };
        let files = object_data(world, obj_kind, ns, name);
        return (Source::Files(files), true);
    }
    (
        Source::Store {
            key: StoreKey::EmptyDir {
                pod: key.clone(),
                volume: vol.name.clone(),
            },
            owner: pod.metadata.uid.clone(),
            capacity: None,
            device: "/dev/sda1".into(),
        },
        false,
    )
}

/// The text of file `rel` (relative to the volume's root, a leading `/` ignored) on the
/// PersistentVolume bound to claim `ns/claim`, if the claim is bound and the file exists.
/// What a pod wrote under that claim's mount, whichever pod it was (I-5, P-6); a scenario
/// check reads it without running a command.
pub fn claim_file(world: &World, ns: &str, claim: &str, rel: &str) -> Option<String> {
    let c = world.claims.get(&(ns.to_string(), claim.to_string()))?;
    let pv_name = c.spec.volume_name.clone()?;
    let pv = world.volumes.get(&pv_name)?;
    let store = world.pod_files.get(
        &StoreKey::Volume(pv_name),
        &volume_owner(pv, &c.metadata.uid),
    )?;
    match store.tree.get(rel.trim_start_matches('/'))? {
        Entry::File { data, .. } => Some(data.to_string()),
        Entry::Dir { .. } => None,
    }
}

/// Who a PV's files belong to: the PV object (a recycled volume also forgets them when
/// its claim changes, since the recycler scrubs it).
fn volume_owner(pv: &crate::model::PersistentVolume, claim_uid: &str) -> String {
    if pv.spec.persistent_volume_reclaim_policy.as_deref() == Some("Recycle") {
        format!("{}/{claim_uid}", pv.metadata.uid)
    } else {
        pv.metadata.uid.clone()
    }
}

/// The `data` of a ConfigMap or Secret (Secret values base64-decoded).
fn object_data(world: &World, kind: &str, ns: &str, name: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let key = (kind.to_string(), ns.to_string(), name.to_string());
    let Some(crate::manifest::Object::Other { body, .. }) = world.others.get(&key) else {
        return out;
    };
    if let Some(data) = body.get("data").and_then(|d| d.as_object()) {
        for (k, v) in data {
            let text = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            let text = if kind == "Secret" {
                base64_decode(&text).unwrap_or(text)
            } else {
                text
            };
            out.insert(k.clone(), text);
        }
    }
    if let Some(data) = body.get("stringData").and_then(|d| d.as_object()) {
        for (k, v) in data {
            out.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
        }
    }
    out
}

fn env_from(
    world: &World,
    pod: &crate::model::Pod,
    ns: &str,
    from: Option<&serde_json::Value>,
) -> Option<String> {
    let from = from?;
    for (field, kind) in [("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")] {
        if let Some(r) = from.get(field) {
            let name = r.get("name")?.as_str()?;
            let key = r.get("key")?.as_str()?;
            return object_data(world, kind, ns, name).get(key).cloned();
        }
    }
    let path = from.get("fieldRef")?.get("fieldPath")?.as_str()?;
    match path {
        "metadata.name" => Some(pod.metadata.name.clone()),
        "metadata.namespace" => Some(ns.to_string()),
        "metadata.uid" => Some(pod.metadata.uid.clone()),
        "spec.nodeName" => pod.spec.node_name.clone(),
        "status.podIP" => pod.status.pod_ip.clone(),
        "status.hostIP" => pod.status.host_ip.clone(),
        _ => None,
    }
}

/// The Service environment variables every container gets (`enableServiceLinks`):
/// the `kubernetes` Service and each Service with a cluster IP in the namespace.
fn service_env(world: &World, ns: &str) -> Vec<(String, String)> {
    let mut env = vec![
        (
            "KUBERNETES_SERVICE_HOST".to_string(),
            KUBERNETES_SERVICE.to_string(),
        ),
        ("KUBERNETES_SERVICE_PORT".into(), "443".into()),
        ("KUBERNETES_SERVICE_PORT_HTTPS".into(), "443".into()),
        (
            "KUBERNETES_PORT".into(),
            format!("tcp://{KUBERNETES_SERVICE}:443"),
        ),
        (
            "KUBERNETES_PORT_443_TCP".into(),
            format!("tcp://{KUBERNETES_SERVICE}:443"),
        ),
        ("KUBERNETES_PORT_443_TCP_PROTO".into(), "tcp".into()),
        ("KUBERNETES_PORT_443_TCP_PORT".into(), "443".into()),
        (
            "KUBERNETES_PORT_443_TCP_ADDR".into(),
            KUBERNETES_SERVICE.into(),
        ),
    ];
    for ((sns, name), svc) in &world.services {
        if sns != ns || svc.headless() {
            continue;
        }
        let Some(ip) = svc.spec.cluster_ip.clone() else {
            continue;
        };
        let port = svc
            .spec
            .extra
            .get("ports")
            .and_then(|p| p.get(0))
            .and_then(|p| p.get("port"))
            .and_then(|p| p.as_i64());
        let prefix = name.to_uppercase().replace('-', "_");
        env.push((format!("{prefix}_SERVICE_HOST"), ip.clone()));
        if let Some(port) = port {
            env.push((format!("{prefix}_SERVICE_PORT"), port.to_string()));
            env.push((format!("{prefix}_PORT"), format!("tcp://{ip}:{port}")));
        }
    }
    env
}

fn base64_decode(s: &str) -> Option<String> {
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' | '-' => 62,
            '/' | '_' => 63,
            '=' => break,
            _ => return None,
        };
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Drops file stores whose pod or volume is gone (or was replaced).
fn prune(world: &mut World) {
    let sess = world.shell.session.clone();
    let pods = &world.pods;
    let volumes = &world.volumes;
    let claims = &world.claims;
    world.pod_files.prune(|key, owner| match key {
        StoreKey::Volume(name) => volumes.get(name).is_some_and(|pv| {
            let claim_uid = pv
                .spec
                .claim_ref
                .as_ref()
                .and_then(|r| claims.get(&(r.namespace.clone(), r.name.clone())))
                .map(|c| c.metadata.uid.clone())
                .unwrap_or_default();
            volume_owner(pv, &claim_uid) == owner
        }),
        StoreKey::EmptyDir { pod, .. } => pods.get(pod).is_some_and(|p| p.metadata.uid == owner),
        StoreKey::Root { pod, .. } => {
            if owner == TEMPORARY {
                sess.as_ref()
                    .is_some_and(|s| s.temporary.is_some() && s.ns == pod.0 && s.pod == pod.1)
            } else {
                pods.get(pod).is_some_and(|p| p.metadata.uid == owner)
            }
        }
    });
}

// ---------------------------------------------------------------------------------------
// Paths and files

/// An absolute, normalized path for `path` seen from `cwd`.
fn normalize(cwd: &str, path: &str) -> String {
    let full = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in full.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Where an absolute path lives.
enum Loc<'a> {
    Root(String),
    Mount(&'a Mount, String),
}

fn locate<'a>(ctx: &'a Ctx, abs: &str) -> Loc<'a> {
    for m in &ctx.mounts {
        let rest = if abs == m.path {
            Some("")
        } else {
            abs.strip_prefix(&m.path)
                .and_then(|r| r.strip_prefix('/'))
                .or_else(|| (m.path == "/").then(|| abs.trim_start_matches('/')))
        };
        if let Some(rest) = rest {
            let rel = match (m.sub.is_empty(), rest.is_empty()) {
                (true, _) => rest.to_string(),
                (false, true) => m.sub.clone(),
                (false, false) => format!("{}/{rest}", m.sub),
            };
            return Loc::Mount(m, rel);
        }
    }
    Loc::Root(abs.trim_start_matches('/').to_string())
}

/// The image's own files: the usual top-level directories, and nginx's document root
/// for nginx images.
fn image_tree(ctx: &Ctx) -> Tree {
    let mut t = Tree::new();
    let dir = || Entry::Dir {
        mtime: SimTime::ZERO,
    };
    for d in [
        "bin",
        "boot",
        "dev",
        "etc",
        "home",
        "lib",
        "media",
        "mnt",
        "opt",
        "proc",
        "root",
        "run",
        "sbin",
        "srv",
        "sys",
        "tmp",
        "usr",
        "usr/bin",
        "usr/lib",
        "usr/local",
        "usr/local/bin",
        "usr/sbin",
        "usr/share",
        "var",
        "var/cache",
        "var/lib",
        "var/log",
        "var/run",
        "var/tmp",
    ] {
        t.insert(d.to_string(), dir());
    }
    if is_nginx(&ctx.image) {
        for d in [
            "etc/nginx",
            "etc/nginx/conf.d",
            "usr/share/nginx",
            "usr/share/nginx/html",
            "var/cache/nginx",
            "var/log/nginx",
        ] {
            t.insert(d.to_string(), dir());
        }
        for (f, text) in [
            ("usr/share/nginx/html/index.html", NGINX_INDEX),
            ("usr/share/nginx/html/50x.html", NGINX_50X),
        ] {
            t.insert(
                f.to_string(),
                Entry::File {
                    data: std::sync::Arc::from(text),
                    mtime: SimTime::ZERO,
                },
            );
        }
    }
    // Directories leading to mount points exist in the image's tree.
    for m in &ctx.mounts {
        let rel = m.path.trim_start_matches('/');
        let mut prefix = String::new();
        let parts: Vec<&str> = rel.split('/').collect();
        for p in &parts[..parts.len().saturating_sub(1)] {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(p);
            t.entry(prefix.clone()).or_insert_with(dir);
        }
    }
    t
}

/// nginx's default `index.html` (615 bytes, as in the tutorials' `Content-Length`).
const NGINX_INDEX: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n\n<p>For online documentation and support please refer to\n<a href=\"http://nginx.org/\">nginx.org</a>.<br/>\nCommercial support is available at\n<a href=\"http://nginx.com/\">nginx.com</a>.</p>\n\n<p><em>Thank you for using nginx.</em></p>\n</body>\n</html>\n";

const NGINX_50X: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\nfont-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>\n</head>\n<body>\n<h1>An error occurred.</h1>\n<p>Sorry, the page you are looking for is currently unavailable.<br/>\nPlease try again later.</p>\n<p>If you are the system administrator of this resource then you should check\nthe error log for details.</p>\n<p><em>Faithfully yours, nginx.</em></p>\n</body>\n</html>\n";

/// Read access to one container's files.
struct View<'a> {
    world: &'a World,
    ctx: &'a Ctx,
}

impl View<'_> {
    /// The tree a location reads from (owned for image and ConfigMap content).
    fn tree(&self, loc: &Loc) -> std::borrow::Cow<'_, Tree> {
        use std::borrow::Cow;
        match loc {
            Loc::Root(_) => match self
                .world
                .pod_files
                .get(&self.ctx.root_key(), &self.ctx.owner)
            {
                Some(s) => Cow::Borrowed(&s.tree),
                None => Cow::Owned(image_tree(self.ctx)),
            },
            Loc::Mount(m, _) => match &m.source {
                Source::Store { key, owner, .. } => match self.world.pod_files.get(key, owner) {
                    Some(s) => Cow::Borrowed(&s.tree),
                    None => Cow::Owned(Tree::new()),
                },
                Source::Files(files) => Cow::Owned(
                    files
                        .iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                Entry::File {
                                    data: std::sync::Arc::from(v.as_str()),
                                    mtime: SimTime::ZERO,
                                },
                            )
                        })
                        .collect(),
                ),
                Source::File(_) => Cow::Owned(Tree::new()),
            },
        }
    }

    /// True if `abs` is a mount point or leads to one (always a directory).
    fn mount_dir(&self, abs: &str) -> bool {
        let below = if abs == "/" {
            "/".to_string()
        } else {
            format!("{abs}/")
        };
        self.ctx.mounts.iter().any(|m| {
            (m.path == abs && !matches!(m.source, Source::File(_))) || m.path.starts_with(&below)
        })
    }

    fn stat(&self, abs: &str) -> Option<Entry> {
        if abs == "/" {
            return Some(Entry::Dir {
                mtime: SimTime::ZERO,
            });
        }
        let loc = locate(self.ctx, abs);
        if let Loc::Mount(m, rel) = &loc {
            if let Source::File(text) = &m.source {
                if rel.is_empty() || abs == m.path {
                    return Some(Entry::File {
                        data: std::sync::Arc::from(text.as_str()),
                        mtime: SimTime::ZERO,
                    });
                }
                return None;
            }
        }
        if self.mount_dir(abs) {
            return Some(Entry::Dir {
                mtime: SimTime::ZERO,
            });
        }
        let rel = match &loc {
            Loc::Root(r) | Loc::Mount(_, r) => r.clone(),
        };
        fs::lookup(&self.tree(&loc), &rel)
    }

    fn read(&self, abs: &str) -> Result<String, FsError> {
        match self.stat(abs) {
            None => Err(FsError::NotFound),
            Some(Entry::Dir { .. }) => Err(FsError::IsDir),
            Some(Entry::File { data, .. }) => Ok(data.to_string()),
        }
    }

    /// Entries of directory `abs`, mount points included.
    fn list(&self, abs: &str) -> Result<BTreeMap<String, Entry>, FsError> {
        match self.stat(abs) {
            None => return Err(FsError::NotFound),
            Some(Entry::File { .. }) => return Err(FsError::NotDir),
            Some(Entry::Dir { .. }) => {}
        }
        let loc = locate(self.ctx, abs);
        let rel = match &loc {
            Loc::Root(r) | Loc::Mount(_, r) => r.clone(),
        };
        let mut out = fs::children(&self.tree(&loc), &rel);
        let prefix = if abs == "/" {
            "/".to_string()
        } else {
            format!("{abs}/")
        };
        for m in &self.ctx.mounts {
            if let Some(rest) = m.path.strip_prefix(&prefix) {
                if rest.is_empty() {
                    continue;
                }
                let (first, deeper) = match rest.split_once('/') {
                    Some((f, _)) => (f, true),
                    None => (rest, false),
                };
                let entry = match (&m.source, deeper) {
                    (Source::File(text), false) => Entry::File {
                        data: std::sync::Arc::from(text.as_str()),
                        mtime: SimTime::ZERO,
                    },
                    _ => Entry::Dir {
                        mtime: SimTime::ZERO,
                    },
                };
                out.entry(first.to_string()).or_insert(entry);
            }
        }
        Ok(out)
    }
}

/// Changes the files at `abs` with `f` (on the store the path lives in).
fn modify<T>(
    world: &mut World,
    ctx: &Ctx,
    abs: &str,
    f: impl FnOnce(&mut Tree, &str, SimTime) -> Result<T, FsError>,
) -> Result<T, FsError> {
    let now = world.now;
    let loc = locate(ctx, abs);
    match loc {
        Loc::Root(rel) => {
            let key = ctx.root_key();
            world
                .pod_files
                .update(&key, &ctx.owner, || image_tree(ctx), |t| f(t, &rel, now))
        }
        Loc::Mount(m, rel) => {
            if m.read_only {
                return Err(FsError::ReadOnly);
            }
            match &m.source {
                Source::Store { key, owner, .. } => {
                    world.pod_files.update(key, owner, Tree::new, |t| {
                        // The kubelet creates a missing `subPath` directory in the
                        // volume before it starts the container (`kubelet_pods.go`
                        // `makeMounts` → `subpath.SafeMakeDir`); here it appears with
                        // the first write through the mount.
                        if !m.sub.is_empty() && !fs::is_dir(t, &m.sub) {
                            fs::mkdir(t, &m.sub, true, now)?;
                        }
                        f(t, &rel, now)
                    })
                }
                Source::Files(_) | Source::File(_) => Err(FsError::ReadOnly),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The host: a container's commands

struct PodHost<'w> {
    world: &'w mut World,
    ctx: Ctx,
    cwd: String,
}

/// Commands the pods provide (besides the shell builtins).
const POD_COMMANDS: [&str; 23] = [
    "hostname", "nslookup", "curl", "wget", "ls", "mkdir", "rm", "rmdir", "touch", "df", "env",
    "printenv", "sh", "bash", "ash", "dash", "cd", "pwd", "date", "id", "whoami", "uname", "true",
];

/// The commands a pod runs, for hints.
const POD_HINT: &str = "(the playground's pods run: hostname, nslookup, curl, wget, cat, echo, ls, mkdir, rm, touch, df, env, printenv, sh -c, cd, pwd, date, id, grep, wc, head, tail, sort, tr, cut, awk, sleep, exit)";

/// A command an image has as a program (`kubectl exec POD -- CMD` runs it directly):
/// the pod commands and the shell's builtins that exist as binaries.
fn known_command(name: &str) -> bool {
    POD_COMMANDS.contains(&name) || is_builtin(name)
}

fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "echo"
            | "printf"
            | "true"
            | "false"
            | "seq"
            | "sleep"
            | "test"
            | "["
            | "cat"
            | "tee"
            | "grep"
            | "egrep"
            | "fgrep"
            | "wc"
            | "tr"
            | "sort"
            | "uniq"
            | "head"
            | "tail"
            | "cut"
            | "awk"
    )
}

impl PodHost<'_> {
    fn abs(&self, path: &str) -> String {
        normalize(&self.cwd, path)
    }
    fn view(&self) -> View<'_> {
        View {
            world: self.world,
            ctx: &self.ctx,
        }
    }
    /// `mkdir: cannot create directory 'x': File exists` (GNU) or BusyBox's wording.
    fn mkdir_error(&self, path: &str, e: &FsError) -> String {
        match self.ctx.flavor {
            Flavor::Busybox => format!("mkdir: can't create directory '{path}': {}\n", e.text()),
            _ => format!("mkdir: cannot create directory '{path}': {}\n", e.text()),
        }
    }
}

impl Host for PodHost<'_> {
    fn command(&mut self, st: &mut State, argv: &[String], stdin: &str) -> Option<Io> {
        let name = base_name(&argv[0]).to_string();
        let args = &argv[1..];
        Some(match name.as_str() {
            "hostname" => self.hostname(args),
            "nslookup" => self.nslookup(args),
            "curl" => self.curl(args),
            "wget" => self.wget(args),
            "ls" => self.ls(args),
            "mkdir" => self.mkdir(args),
            "rm" => self.rm(args),
            "rmdir" => self.rmdir(args),
            "touch" => self.touch(args),
            "df" => self.df(args),
            "env" => self.env(st, args),
            "printenv" => self.printenv(st, args),
            "sh" | "bash" | "ash" | "dash" => self.sh(st, &name, args, stdin),
            "cd" => self.cd(st, args),
            "pwd" => Io::out(format!("{}\n", self.cwd)),
            "date" => Io::out(format!("{}\n", date_text(self.world.now))),
            "id" => Io::out("uid=0(root) gid=0(root) groups=0(root)\n"),
            "whoami" => Io::out("root\n"),
            "uname" => Io::out(if args.iter().any(|a| a == "-n") {
                format!("{}\n", self.ctx.hostname)
            } else {
                "Linux\n".to_string()
            }),
            _ => {
                if argv[0].contains('/') && is_builtin(&name) {
                    let mut a = argv.to_vec();
                    a[0] = name;
                    return Some(shell::run_argv(self, st, &a, stdin));
                }
                return None;
            }
        })
    }

    fn read(&mut self, path: &str) -> Result<String, String> {
        if path == "/dev/null" {
            return Ok(String::new());
        }
        let abs = self.abs(path);
        self.view().read(&abs).map_err(|e| e.text())
    }

    fn write(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        if path == "/dev/null" {
            return Ok(());
        }
        let abs = self.abs(path);
        if self.view().mount_dir(&abs) {
            return Err(FsError::IsDir.text());
        }
        let ctx = self.ctx.clone();
        modify(self.world, &ctx, &abs, |t, rel, now| {
            fs::write(t, rel, data, append, now)
        })
        .map_err(|e| e.text())
    }

    fn stat(&mut self, path: &str) -> Option<bool> {
        let abs = self.abs(path);
        self.view().stat(&abs).map(|e| e.is_dir())
    }

    fn glob(&mut self, pattern: &str) -> Vec<String> {
        // Only the last component may hold wildcards.
        let (dir, name_pat) = match pattern.rsplit_once('/') {
            Some((d, n)) => (if d.is_empty() { "/" } else { d }, n),
            None => (".", pattern),
        };
        if dir.contains(['*', '?', '[']) {
            return Vec::new();
        }
        let dir_plain = dir.replace('\\', "");
        let abs = self.abs(&dir_plain);
        let Ok(entries) = self.view().list(&abs) else {
            return Vec::new();
        };
        entries
            .keys()
            .filter(|n| (!n.starts_with('.') || name_pat.starts_with('.')) && wildcard(name_pat, n))
            .map(|n| match pattern.rsplit_once('/') {
                Some((d, _)) => format!("{}/{n}", if d.is_empty() { "" } else { &dir_plain }),
                None => n.clone(),
            })
            .collect()
    }

    fn generation(&self) -> u64 {
        self.world.trace.len() as u64 + self.world.pod_files.version()
    }

    fn not_found(&mut self, st: &State, name: &str) -> Io {
        let first = match st.flavor {
            Flavor::Bash => format!("{}: {name}: command not found", st.name),
            Flavor::Dash => format!("{}: 1: {name}: not found", st.name),
            Flavor::Busybox => format!("{}: {name}: not found", st.name),
        };
        Io::fail(format!("{first}\n{POD_HINT}\n"), 127)
    }
}

/// `*`, `?`, `[...]` and backslash escapes against a file name.
fn wildcard(pat: &str, name: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matcher with star backtracking.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some(end) = p[pi + 1..]
                        .iter()
                        .position(|c| *c == ']')
                        .map(|e| e + pi + 1)
                    {
                        let set = &p[pi + 1..end];
                        let (neg, set) = match set.first() {
                            Some('!' | '^') => (true, &set[1..]),
                            _ => (false, set),
                        };
                        let mut hit = false;
                        let mut k = 0;
                        while k < set.len() {
                            if k + 2 < set.len() && set[k + 1] == '-' {
                                hit |= set[k] <= n[ni] && n[ni] <= set[k + 2];
                                k += 3;
                            } else {
                                hit |= set[k] == n[ni];
                                k += 1;
                            }
                        }
                        if hit != neg {
                            pi = end + 1;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() => {
                    if p[pi + 1] == n[ni] {
                        pi += 2;
                        ni += 1;
                        continue;
                    }
                }
                c => {
                    if c == n[ni] {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// `Wed Jan  1 00:00:42 UTC 2025`.
fn date_text(now: SimTime) -> String {
    let (y, mo, d, hh, mm, ss, wd) = civil(now);
    format!(
        "{} {} {d:>2} {hh:02}:{mm:02}:{ss:02} UTC {y}",
        WEEKDAYS[wd],
        MONTHS[mo - 1]
    )
}

/// `Wed, 01 Jan 2025 00:00:42 GMT` (HTTP dates).
fn http_date(t: SimTime) -> String {
    let (y, mo, d, hh, mm, ss, wd) = civil(t);
    format!(
        "{}, {d:02} {} {y} {hh:02}:{mm:02}:{ss:02} GMT",
        WEEKDAYS[wd],
        MONTHS[mo - 1]
    )
}

/// `Jan  1 00:00` (`ls -l`).
fn ls_date(t: SimTime) -> String {
    let (_, mo, d, hh, mm, _, _) = civil(t);
    format!("{} {d:>2} {hh:02}:{mm:02}", MONTHS[mo - 1])
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month, day, hour, minute, second, weekday with 0 = Sunday) of a virtual time.
fn civil(t: SimTime) -> (i64, usize, u32, u32, u32, u32, usize) {
    let rfc = t.rfc3339(); // 2025-01-01T00:00:05Z
    let num = |a: usize, b: usize| {
        rfc.get(a..b)
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let secs = crate::time::EPOCH_UNIX_SECONDS + (t.as_millis() / 1000) as i64;
    let wd = (secs.div_euclid(86_400) + 4).rem_euclid(7) as usize;
    (
        num(0, 4),
        num(5, 7).clamp(1, 12) as usize,
        num(8, 10) as u32,
        num(11, 13) as u32,
        num(14, 16) as u32,
        num(17, 19) as u32,
        wd,
    )
}

// ----- commands -----

impl PodHost<'_> {
    fn hostname(&self, args: &[String]) -> Io {
        let c = &self.ctx;
        match args.first().map(String::as_str) {
            None | Some("-s") | Some("--short") => Io::out(format!("{}\n", c.hostname)),
            Some("-f") | Some("--fqdn") | Some("--long") | Some("-A") => {
                Io::out(format!("{}\n", c.fqdn()))
            }
            Some("-i") | Some("-I") | Some("--ip-address") => {
                Io::out(format!("{}\n", c.ip.clone().unwrap_or_default()))
            }
            Some("-d") | Some("--domain") => Io::out(format!(
                "{}\n",
                c.subdomain
                    .as_ref()
                    .map(|sd| format!("{sd}.{}.svc.{CLUSTER_DOMAIN}", c.ns))
                    .unwrap_or_default()
            )),
            Some(other) if other.starts_with('-') => Io::fail(
                format!(
                    "hostname: invalid option -- '{}'\n",
                    other.trim_start_matches('-')
                ),
                1,
            ),
            Some(_) => Io::fail("hostname: you must be root to change the host name\n", 1),
        }
    }

    fn cd(&mut self, st: &State, args: &[String]) -> Io {
        let target = args.first().cloned().unwrap_or_else(|| {
            st.vars
                .get("HOME")
                .cloned()
                .unwrap_or_else(|| "/root".into())
        });
        let abs = self.abs(&target);
        match self.view().stat(&abs) {
            Some(e) if e.is_dir() => {
                self.cwd = abs;
                Io::default()
            }
            found => {
                let e = if found.is_some() {
                    FsError::NotDir
                } else {
                    FsError::NotFound
                };
                let msg = match st.flavor {
                    Flavor::Bash => format!("{}: cd: {target}: {}\n", st.name, e.text()),
                    Flavor::Dash => format!("{}: 1: cd: can't cd to {target}\n", st.name),
                    Flavor::Busybox => {
                        format!("{}: cd: can't cd to {target}: {}\n", st.name, e.text())
                    }
                };
                Io::fail(msg, if st.flavor == Flavor::Dash { 2 } else { 1 })
            }
        }
    }

    fn sh(&mut self, st: &mut State, name: &str, args: &[String], stdin: &str) -> Io {
        if name == "bash" && self.ctx.flavor == Flavor::Busybox {
            return self.not_found(st, "bash");
        }
        let flavor = if name == "bash" {
            Flavor::Bash
        } else {
            self.ctx.flavor
        };
        let mut script: Option<String> = None;
        let mut params: Vec<String> = Vec::new();
        let mut i = 0;
        let mut from_c = false;
        while i < args.len() {
            let a = &args[i];
            i += 1;
            if from_c {
                params.push(a.clone());
                continue;
            }
            if a.starts_with('-') && a.len() > 1 && script.is_none() {
                if a.contains('c') {
                    match args.get(i) {
                        Some(s) => {
                            script = Some(s.clone());
                            i += 1;
                            from_c = true;
                        }
                        None => {
                            return Io::fail(
                                format!("{name}: -c: option requires an argument\n"),
                                2,
                            )
                        }
                    }
                }
                continue;
            }
            // `sh FILE ARGS`: the file is the script.
            match self.read(a) {
                Ok(text) => {
                    script = Some(text);
                    params.push(a.clone());
                    params.extend(args[i..].iter().cloned());
                    break;
                }
                Err(e) => {
                    return Io::fail(
                        match flavor {
                            Flavor::Dash => format!("{name}: 0: cannot open {a}: No such file\n"),
                            Flavor::Busybox => format!("{name}: can't open '{a}': {e}\n"),
                            Flavor::Bash => format!("{name}: {a}: {e}\n"),
                        },
                        if flavor == Flavor::Bash { 127 } else { 2 },
                    )
                }
            }
        }
        let script = match script {
            Some(s) => s,
            None if !stdin.is_empty() => stdin.to_string(),
            None => return Io::default(),
        };
        let mut child = st.child();
        child.name = name.to_string();
        child.flavor = flavor;
        child.args = if params.is_empty() {
            vec![name.to_string()]
        } else {
            params
        };
        let saved_cwd = self.cwd.clone();
        let mut io = shell::run_source(self, &mut child, &script, "");
        self.cwd = saved_cwd;
        if let Some(code) = child.exit {
            io.code = code;
        }
        st.rejoin(child);
        io
    }

    fn env(&self, st: &State, args: &[String]) -> Io {
        if let Some(a) = args.iter().find(|a| !a.contains('=')) {
            return Io::fail(
                format!("env: '{a}': running other commands through env is not supported in the playground\n"),
                127,
            );
        }
        let mut out = String::new();
        for (k, v) in self.environment(st) {
            out.push_str(&format!("{k}={v}\n"));
        }
        for a in args {
            out.push_str(a);
            out.push('\n');
        }
        Io::out(out)
    }

    /// The environment: the container's, then exported session variables.
    fn environment(&self, st: &State) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = Vec::new();
        for (k, _) in &self.ctx.env {
            if let Some(v) = st.vars.get(k) {
                if st.exported.contains(k) {
                    env.push((k.clone(), v.clone()));
                }
            }
        }
        for k in &st.exported {
            if !self.ctx.env.iter().any(|(e, _)| e == k) {
                if let Some(v) = st.vars.get(k) {
                    env.push((k.clone(), v.clone()));
                }
            }
        }
        env
    }

    fn printenv(&self, st: &State, args: &[String]) -> Io {
        let env = self.environment(st);
        if args.is_empty() {
            return self.env(st, &[]);
        }
        let mut out = String::new();
        let mut code = 0;
        for a in args {
            match env.iter().find(|(k, _)| k == a) {
                Some((_, v)) => {
                    out.push_str(v);
                    out.push('\n');
                }
                None => code = 1,
            }
        }
        let mut io = Io::out(out);
        io.code = code;
        io
    }

    fn ls(&self, args: &[String]) -> Io {
        let (mut long, mut all, mut almost, mut dir_only) = (false, false, false, false);
        let mut paths = Vec::new();
        for a in args {
            if a.starts_with('-') && a.len() > 1 {
                for f in a[1..].chars() {
                    match f {
                        'l' => long = true,
                        'a' => all = true,
                        'A' => almost = true,
                        'd' => dir_only = true,
                        '1' | 'h' | 'F' | 'p' | 'n' | 'G' => {}
                        other => {
                            return Io::fail(
                                format!("ls: invalid option -- '{other}'\nTry 'ls --help' for more information.\n"),
                                2,
                            )
                        }
                    }
                }
            } else {
                paths.push(a.clone());
            }
        }
        if paths.is_empty() {
            paths.push(".".into());
        }
        let view = self.view();
        let mut io = Io::default();
        let mut files_out = String::new();
        let mut dirs = Vec::new();
        for p in &paths {
            let abs = self.abs(p);
            match view.stat(&abs) {
                None => {
                    io.err(match self.ctx.flavor {
                        Flavor::Busybox => format!("ls: {p}: No such file or directory\n"),
                        _ => format!("ls: cannot access '{p}': No such file or directory\n"),
                    });
                    io.code = if self.ctx.flavor == Flavor::Busybox {
                        1
                    } else {
                        2
                    };
                }
                Some(e) if !e.is_dir() || dir_only => {
                    files_out.push_str(&ls_line(p, &e, long));
                }
                Some(_) => dirs.push((p.clone(), abs)),
            }
        }
        let mut out = files_out;
        let many = paths.len() > 1;
        for (k, (p, abs)) in dirs.iter().enumerate() {
            if many {
                if !out.is_empty() || k > 0 {
                    out.push('\n');
                }
                out.push_str(&format!("{p}:\n"));
            }
            let Ok(mut entries) = view.list(abs) else {
                continue;
            };
            if all {
                entries.insert(
                    ".".into(),
                    Entry::Dir {
                        mtime: SimTime::ZERO,
                    },
                );
                entries.insert(
                    "..".into(),
                    Entry::Dir {
                        mtime: SimTime::ZERO,
                    },
                );
            }
            let shown: Vec<(&String, &Entry)> = entries
                .iter()
                .filter(|(n, _)| all || almost || !n.starts_with('.'))
                .collect();
            if long && self.ctx.flavor != Flavor::Busybox {
                let blocks: usize = shown.iter().map(|(_, e)| blocks_1k(e)).sum();
                out.push_str(&format!("total {blocks}\n"));
            }
            for (n, e) in shown {
                out.push_str(&ls_line(n, e, long));
            }
        }
        io.push_out(&out);
        io
    }

    fn mkdir(&mut self, args: &[String]) -> Io {
        let parents = args.iter().any(|a| a == "-p" || a == "--parents");
        let mut io = Io::default();
        let dirs: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        if dirs.is_empty() {
            return Io::fail("mkdir: missing operand\n", 1);
        }
        for d in dirs {
            let abs = self.abs(d);
            if self.view().mount_dir(&abs) || abs == "/" {
                if !parents {
                    io.err(self.mkdir_error(d, &FsError::Exists));
                    io.code = 1;
                }
                continue;
            }
            let ctx = self.ctx.clone();
            if let Err(e) = modify(self.world, &ctx, &abs, |t, rel, now| {
                fs::mkdir(t, rel, parents, now)
            }) {
                io.err(self.mkdir_error(d, &e));
                io.code = 1;
            }
        }
        io
    }

    fn rm(&mut self, args: &[String]) -> Io {
        let (mut recursive, mut force) = (false, false);
        let mut paths = Vec::new();
        for a in args {
            if a.starts_with('-') && a.len() > 1 {
                for f in a[1..].chars() {
                    match f {
                        'r' | 'R' => recursive = true,
                        'f' => force = true,
                        'v' | 'i' | 'd' => {}
                        other => return Io::fail(format!("rm: invalid option -- '{other}'\n"), 1),
                    }
                }
            } else {
                paths.push(a.clone());
            }
        }
        if paths.is_empty() {
            return if force {
                Io::default()
            } else {
                Io::fail("rm: missing operand\n", 1)
            };
        }
        let mut io = Io::default();
        for p in paths {
            let abs = self.abs(&p);
            let err = |io: &mut Io, e: &FsError| {
                io.err(match self.ctx.flavor {
                    Flavor::Busybox => format!("rm: can't remove '{p}': {}\n", e.text()),
                    _ => format!("rm: cannot remove '{p}': {}\n", e.text()),
                });
                io.code = 1;
            };
            if abs == "/" {
                io.err("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
                io.code = 1;
                continue;
            }
            let Some(entry) = self.view().stat(&abs) else {
                if !force {
                    err(&mut io, &FsError::NotFound);
                }
                continue;
            };
            if entry.is_dir() && !recursive {
                err(&mut io, &FsError::IsDir);
                continue;
            }
            // Mounts at or below the path: their contents go, the mount points stay
            // (busy), and so do the directories leading to them.
            let mut mounts: Vec<Mount> = self
                .ctx
                .mounts
                .iter()
                .filter(|m| m.path == abs || m.path.starts_with(&format!("{abs}/")))
                .cloned()
                .collect();
            mounts.sort_by(|a, b| a.path.cmp(&b.path));
            for m in &mounts {
                if let Source::Store { key, owner, .. } = &m.source {
                    if !m.read_only {
                        let sub = m.sub.clone();
                        let r = self.world.pod_files.update(key, owner, Tree::new, |t| {
                            fs::remove_contents(t, &sub);
                            Ok(())
                        });
                        if let Err(e) = r {
                            err(&mut io, &e);
                        }
                    }
                }
                let shown = format!("{}{}", p.trim_end_matches('/'), &m.path[abs.len()..]);
                io.err(match self.ctx.flavor {
                    Flavor::Busybox => {
                        format!("rm: can't remove '{shown}': {}\n", FsError::Busy.text())
                    }
                    _ => format!("rm: cannot remove '{shown}': {}\n", FsError::Busy.text()),
                });
                io.code = 1;
            }
            if mounts.iter().any(|m| m.path == abs) {
                continue;
            }
            if !mounts.is_empty() {
                // The directory holds mount points: everything else in it goes.
                let ctx = self.ctx.clone();
                let keep: Vec<String> = mounts
                    .iter()
                    .map(|m| m.path.trim_start_matches('/').to_string())
                    .collect();
                let r = modify(self.world, &ctx, &abs, |t, rel, _| {
                    let prefix = format!("{rel}/");
                    let doomed: Vec<String> = t
                        .keys()
                        .filter(|k| k.starts_with(&prefix))
                        .filter(|k| {
                            !keep
                                .iter()
                                .any(|m| m.starts_with(&format!("{k}/")) || m == *k)
                        })
                        .cloned()
                        .collect();
                    for k in doomed {
                        t.remove(&k);
                    }
                    Ok(())
                });
                if let Err(e) = r {
                    err(&mut io, &e);
                }
                continue;
            }
            let ctx = self.ctx.clone();
            if let Err(e) = modify(self.world, &ctx, &abs, |t, rel, _| {
                fs::remove(t, rel, recursive)
            }) {
                err(&mut io, &e);
            }
        }
        io
    }

    fn rmdir(&mut self, args: &[String]) -> Io {
        let mut io = Io::default();
        for p in args.iter().filter(|a| !a.starts_with('-')) {
            let abs = self.abs(p);
            let e = match self.view().list(&abs) {
                Err(e) => Some(e),
                Ok(children) if !children.is_empty() => Some(FsError::NotEmpty),
                Ok(_) if self.view().mount_dir(&abs) => Some(FsError::Busy),
                Ok(_) => {
                    let ctx = self.ctx.clone();
                    modify(self.world, &ctx, &abs, |t, rel, _| fs::remove(t, rel, true)).err()
                }
            };
            if let Some(e) = e {
                io.err(format!("rmdir: failed to remove '{p}': {}\n", e.text()));
                io.code = 1;
            }
        }
        io
    }

    fn touch(&mut self, args: &[String]) -> Io {
        let mut io = Io::default();
        for p in args.iter().filter(|a| !a.starts_with('-')) {
            let abs = self.abs(p);
            let existing = self.view().read(&abs).ok();
            let r = match existing {
                Some(text) => {
                    let ctx = self.ctx.clone();
                    modify(self.world, &ctx, &abs, |t, rel, now| {
                        fs::write(t, rel, &text, false, now)
                    })
                }
                None if self.view().stat(&abs).is_some() => Ok(()),
                None => {
                    let ctx = self.ctx.clone();
                    modify(self.world, &ctx, &abs, |t, rel, now| {
                        fs::write(t, rel, "", false, now)
                    })
                }
            };
            if let Err(e) = r {
                io.err(format!("touch: cannot touch '{p}': {}\n", e.text()));
                io.code = 1;
            }
        }
        io
    }

    fn df(&self, args: &[String]) -> Io {
        let human = args.iter().any(|a| a.starts_with('-') && a.contains('h'));
        let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        // (filesystem, size, used, mount point); sizes in bytes.
        const NODE_DISK: i128 = 100 << 30;
        const NODE_USED: i128 = 18 << 30;
        let mut rows: Vec<(String, i128, i128, String)> = vec![
            ("overlay".into(), NODE_DISK, NODE_USED, "/".into()),
            ("tmpfs".into(), 64 << 20, 0, "/dev".into()),
            (
                "/dev/sda1".into(),
                NODE_DISK,
                NODE_USED,
                "/etc/hosts".into(),
            ),
            ("shm".into(), 64 << 20, 0, "/dev/shm".into()),
        ];
        let mut mounts: Vec<&Mount> = self.ctx.mounts.iter().collect();
        mounts.sort_by(|a, b| a.path.cmp(&b.path));
        for m in mounts {
            match &m.source {
                Source::Store {
                    key,
                    owner,
                    capacity,
                    device,
                } => {
                    let used: i128 = self
                        .world
                        .pod_files
                        .get(key, owner)
                        .map(|s| s.tree.values().map(|e| blocks_1k(e) as i128 * 1024).sum())
                        .unwrap_or(0);
                    match capacity {
                        Some(c) => rows.push((device.clone(), *c, used, m.path.clone())),
                        None => {
                            rows.push(("/dev/sda1".into(), NODE_DISK, NODE_USED, m.path.clone()))
                        }
                    }
                }
                Source::Files(_) => rows.push(("tmpfs".into(), 64 << 20, 4096, m.path.clone())),
                Source::File(_) => {}
            }
        }
        if !paths.is_empty() {
            let mut picked = Vec::new();
            let mut io = Io::default();
            for p in paths {
                let abs = self.abs(p);
                if self.view().stat(&abs).is_none() {
                    io.err(format!("df: {p}: No such file or directory\n"));
                    io.code = 1;
                    continue;
                }
                let best = rows
                    .iter()
                    .filter(|r| r.3 == "/" || abs == r.3 || abs.starts_with(&format!("{}/", r.3)))
                    .max_by_key(|r| r.3.len())
                    .cloned();
                if let Some(r) = best {
                    picked.push(r);
                }
            }
            if picked.is_empty() {
                return io;
            }
            let mut table = df_table(&picked, human);
            table.append_streams(&io);
            table.code = io.code;
            return table;
        }
        df_table(&rows, human)
    }

    fn nslookup(&self, args: &[String]) -> Io {
        let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        let Some(name) = names.first() else {
            return Io::fail(
                "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n",
                1,
            );
        };
        let tool = dns_tool(&self.ctx.image);
        let answer = lookup(self.world, &self.ctx.ns, name, tool != DnsTool::BusyboxNew);
        match tool {
            DnsTool::Bind => {
                let mut out = format!("Server:\t\t{DNS_SERVER}\nAddress:\t{DNS_SERVER}#53\n\n");
                match answer {
                    Some(Answer::A(fqdn, ips)) => {
                        for ip in ips {
                            out.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n"));
                        }
                        out.push('\n');
                        Io::out(out)
                    }
                    Some(Answer::Ptr(arpa, host)) => {
                        out.push_str(&format!("{arpa}\tname = {host}.\n\n"));
                        Io::out(out)
                    }
                    None => {
                        out.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
                        let mut io = Io::out(out);
                        io.code = 1;
                        io
                    }
                }
            }
            DnsTool::BusyboxOld => {
                let mut out = format!(
                    "Server:    {DNS_SERVER}\nAddress 1: {DNS_SERVER} kube-dns.kube-system.svc.{CLUSTER_DOMAIN}\n\n"
                );
                match answer {
                    Some(Answer::A(_, ips)) => {
                        out.push_str(&format!("{:<10} {name}\n", "Name:"));
                        for (k, ip) in ips.iter().enumerate() {
                            match reverse_name(self.world, ip) {
                                Some(host) => {
                                    out.push_str(&format!("Address {}: {ip} {host}\n", k + 1))
                                }
                                None => out.push_str(&format!("Address {}: {ip}\n", k + 1)),
                            }
                        }
                        Io::out(out)
                    }
                    Some(Answer::Ptr(_, host)) => {
                        out.push_str(&format!(
                            "{:<10} {name}\nAddress 1: {name} {host}\n",
                            "Name:"
                        ));
                        Io::out(out)
                    }
                    None => {
                        let mut io = Io::out(out);
                        io.err(format!("nslookup: can't resolve '{name}'\n"));
                        io.code = 1;
                        io
                    }
                }
            }
            DnsTool::BusyboxNew => {
                let mut out = format!("Server:\t\t{DNS_SERVER}\nAddress:\t{DNS_SERVER}:53\n\n");
                match answer {
                    Some(Answer::A(fqdn, ips)) => {
                        for ip in ips {
                            out.push_str(&format!("Name:\t{fqdn}\nAddress: {ip}\n"));
                        }
                        // The A answer, then the (empty) AAAA answer.
                        out.push_str("\n\n");
                    }
                    Some(Answer::Ptr(arpa, host)) => {
                        out.push_str(&format!("{arpa}\tname = {host}\n\n"));
                    }
                    None => {
                        for _ in 0..2 {
                            out.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
                        }
                    }
                }
                Io::out(out)
            }
        }
    }
}

fn blocks_1k(e: &Entry) -> usize {
    match e {
        Entry::Dir { .. } => 4,
        Entry::File { data, .. } => data.len().div_ceil(4096) * 4,
    }
}

fn ls_line(name: &str, e: &Entry, long: bool) -> String {
    if !long {
        return format!("{name}\n");
    }
    let (mode, links, size) = match e {
        Entry::Dir { .. } => ("drwxr-xr-x", 2, 4096),
        Entry::File { data, .. } => ("-rw-r--r--", 1, data.len()),
    };
    format!(
        "{mode} {links} root root {size:>5} {} {name}\n",
        ls_date(e.mtime())
    )
}

/// GNU `df` (`-h`: powers of 1024, rounded up, one decimal below 10).
fn df_table(rows: &[(String, i128, i128, String)], human: bool) -> Io {
    let fmt = |v: i128| -> String {
        if human {
            human_size(v)
        } else {
            (v.div_euclid(1024) + i128::from(v.rem_euclid(1024) != 0)).to_string()
        }
    };
    let mut table = vec![vec![
        "Filesystem".to_string(),
        if human { "Size" } else { "1K-blocks" }.to_string(),
        "Used".into(),
        if human { "Avail" } else { "Available" }.to_string(),
        "Use%".into(),
        "Mounted on".into(),
    ]];
    for (fsname, size, used, at) in rows {
        let avail = (size - used).max(0);
        let pct = if *size == 0 {
            "-".to_string()
        } else {
            format!("{}%", (used * 100 + size - 1) / size)
        };
        table.push(vec![
            fsname.clone(),
            fmt(*size),
            fmt(*used),
            fmt(avail),
            pct,
            at.clone(),
        ]);
    }
    // GNU df's minimum widths (gnulib `df.c`, `field_data`): 14 for the source, 5 for
    // human-readable sizes (9 for 1K blocks), 4 for Use%.
    let min = if human {
        [14, 5, 5, 5, 4, 0]
    } else {
        [14, 9, 9, 9, 4, 0]
    };
    let widths: Vec<usize> = (0..6)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].len())
                .max()
                .unwrap_or(0)
                .max(min[c])
        })
        .collect();
    let mut out = String::new();
    for r in &table {
        let mut line = format!("{:<w$}", r[0], w = widths[0]);
        for c in 1..5 {
            line.push_str(&format!(" {:>w$}", r[c], w = widths[c]));
        }
        line.push(' ');
        line.push_str(&r[5]);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Io::out(out)
}

fn human_size(v: i128) -> String {
    if v < 1024 {
        return v.to_string();
    }
    let units = ["K", "M", "G", "T", "P"];
    let mut unit = 0;
    let mut scale: i128 = 1024;
    while unit < 4 && v >= scale * 1024 {
        scale *= 1024;
        unit += 1;
    }
    // Tenths of the unit, rounded up.
    let tenths = (v * 10 + scale - 1) / scale;
    if tenths < 100 {
        format!("{}.{}{}", tenths / 10, tenths % 10, units[unit])
    } else {
        let whole = (v + scale - 1) / scale;
        if whole >= 1024 && unit < 4 {
            format!("{}.0{}", 1, units[unit + 1])
        } else {
            format!("{whole}{}", units[unit])
        }
    }
}

// ---------------------------------------------------------------------------------------
// DNS

/// Which nslookup an image has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DnsTool {
    /// BIND's nslookup (dnsutils-style images and Debian-based ones).
    Bind,
    /// BusyBox up to 1.28: libc resolver (search domains), `Address 1:` lines.
    BusyboxOld,
    /// BusyBox from 1.29 (and Alpine): its own resolver, which queries the name as
    /// given, without the search domains; `web-0.nginx` is NXDOMAIN there.
    BusyboxNew,
}

fn dns_tool(image: &str) -> DnsTool {
    let (name, tag) = image_name_tag(image);
    if name.contains("busybox") {
        let mut parts = tag.split(|c: char| !c.is_ascii_digit());
        let major = parts.next().and_then(|p| p.parse::<u32>().ok());
        let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
        return match (major, minor) {
            (Some(1), Some(m)) if m <= 28 => DnsTool::BusyboxOld,
            (Some(0), _) => DnsTool::BusyboxOld,
            _ => DnsTool::BusyboxNew,
        };
    }
    if name.contains("dnsutils") || name.contains("dnstools") || name.contains("netshoot") {
        return DnsTool::Bind;
    }
    if flavor_of(image) == Flavor::Busybox {
        DnsTool::BusyboxNew
    } else {
        DnsTool::Bind
    }
}

/// A DNS answer.
enum Answer {
    /// (name found, addresses).
    A(String, Vec<String>),
    /// (in-addr.arpa name, host name).
    Ptr(String, String),
}

/// Every A record of the cluster: headless Service records (I-4), Services with a
/// cluster IP, and the built-in `kubernetes` and `kube-dns` Services.
fn records(world: &World) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in world.dns_records() {
        out.entry(r.name).or_default().push(r.ip);
    }
    for ((ns, name), svc) in &world.services {
        if svc.headless() {
            continue;
        }
        if let Some(ip) = svc.spec.cluster_ip.clone() {
            out.entry(format!("{name}.{ns}.svc.{CLUSTER_DOMAIN}"))
                .or_default()
                .push(ip);
        }
    }
    out.entry(format!("kubernetes.default.svc.{CLUSTER_DOMAIN}"))
        .or_insert_with(|| vec![KUBERNETES_SERVICE.to_string()]);
    out.entry(format!("kube-dns.kube-system.svc.{CLUSTER_DOMAIN}"))
        .or_insert_with(|| vec![DNS_SERVER.to_string()]);
    out
}

/// Resolves `name` from a pod in `ns` (`search` domains first for names with fewer than
/// five dots, `options ndots:5`, unless the resolver ignores them), or a PTR query for
/// an IPv4 address.
fn lookup(world: &World, ns: &str, name: &str, search: bool) -> Option<Answer> {
    if let Some(arpa) = arpa_name(name) {
        return reverse_name(world, name).map(|h| Answer::Ptr(arpa, h));
    }
    let recs = records(world);
    let name = name.trim_end_matches('.').to_lowercase();
    let mut candidates = Vec::new();
    if search && name.matches('.').count() < 5 {
        for d in [
            format!("{ns}.svc.{CLUSTER_DOMAIN}"),
            format!("svc.{CLUSTER_DOMAIN}"),
            CLUSTER_DOMAIN.to_string(),
        ] {
            candidates.push(format!("{name}.{d}"));
        }
    }
    candidates.push(name);
    candidates
        .into_iter()
        .find_map(|c| recs.get(&c).map(|ips| Answer::A(c.clone(), ips.clone())))
}

fn arpa_name(name: &str) -> Option<String> {
    let parts: Vec<u8> = name
        .split('.')
        .map(|p| p.parse::<u8>().ok())
        .collect::<Option<Vec<_>>>()?;
    if parts.len() != 4 {
        return None;
    }
    Some(format!(
        "{}.{}.{}.{}.in-addr.arpa",
        parts[3], parts[2], parts[1], parts[0]
    ))
}

/// The name an address resolves back to: a pod's headless-Service name, a Service.
fn reverse_name(world: &World, ip: &str) -> Option<String> {
    let recs = records(world);
    // Prefer the most specific (longest) name: `web-0.nginx...` over `nginx...`.
    recs.iter()
        .filter(|(_, ips)| ips.iter().any(|i| i == ip))
        .map(|(n, ips)| (ips.len(), n))
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.len().cmp(&a.1.len())))
        .map(|(_, n)| n.clone())
}

// ---------------------------------------------------------------------------------------
// HTTP: curl and wget against nginx pods

struct Response {
    status: u16,
    reason: &'static str,
    headers: Vec<(String, String)>,
    body: String,
}

enum Fetch {
    Resolve,
    Refused(String),
    Ok(Response),
}

/// Parses `[http://]host[:port][/path]`.
fn parse_url(url: &str) -> Result<(String, u16, String), String> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_lowercase(), r),
        None => ("http".to_string(), url),
    };
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        other => return Err(format!("Protocol \"{other}\" not supported")),
    };
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (
            h.to_string(),
            p.parse::<u16>().map_err(|_| {
                "Port number was not a decimal number between 0 and 65535".to_string()
            })?,
        ),
        None => (hostport.to_string(), default_port),
    };
    if host.is_empty() {
        return Err("No host part in the URL".into());
    }
    Ok((host, port, path))
}

impl PodHost<'_> {
    /// The pod (and its nginx container) that answers `host:port`.
    fn fetch(&self, host: &str, port: u16, path: &str) -> Fetch {
        let ip = if host == "localhost" || host == "127.0.0.1" {
            match &self.ctx.ip {
                Some(ip) => ip.clone(),
                None => return Fetch::Refused("127.0.0.1".into()),
            }
        } else if arpa_name(host).is_some() {
            host.to_string()
        } else {
            match lookup(self.world, &self.ctx.ns, host, true) {
                Some(Answer::A(_, ips)) if !ips.is_empty() => ips[0].clone(),
                _ => return Fetch::Resolve,
            }
        };
        // A Service's cluster IP forwards to its first Ready endpoint.
        let target = self
            .world
            .pods
            .iter()
            .find(|(_, p)| p.status.pod_ip.as_deref() == Some(ip.as_str()))
            .map(|(k, _)| k.clone())
            .or_else(|| {
                let svc = self
                    .world
                    .services
                    .iter()
                    .find(|(_, s)| s.spec.cluster_ip.as_deref() == Some(ip.as_str()))?;
                let (sns, _) = svc.0;
                self.world
                    .pods
                    .iter()
                    .filter(|((pns, _), p)| {
                        pns == sns
                            && p.running_and_ready()
                            && svc
                                .1
                                .spec
                                .selector
                                .iter()
                                .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
                            && !svc.1.spec.selector.is_empty()
                    })
                    .map(|(k, _)| k.clone())
                    .next()
            });
        let Some(key) = target else {
            return Fetch::Refused(ip);
        };
        let Some(pod) = self.world.pods.get(&key) else {
            return Fetch::Refused(ip);
        };
        let server = pod
            .spec
            .containers
            .iter()
            .find(|c| is_nginx(&c.image) && container_running(pod, &c.name));
        let Some(server) = server else {
            return Fetch::Refused(ip);
        };
        if port != 80 {
            return Fetch::Refused(ip);
        }
        let Some(ctx) = pod_ctx(self.world, &key, &server.name) else {
            return Fetch::Refused(ip);
        };
        Fetch::Ok(serve(self.world, &ctx, host, path))
    }

    fn curl(&mut self, args: &[String]) -> Io {
        let (mut silent, mut show_error, mut head, mut include, mut fail, mut follow) =
            (false, false, false, false, false, false);
        let mut output: Option<String> = None;
        let mut urls = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            i += 1;
            match a.as_str() {
                "--silent" => silent = true,
                "--show-error" => show_error = true,
                "--head" => head = true,
                "--include" | "--verbose" => include = true,
                "--fail" => fail = true,
                "--location" => follow = true,
                "--output" | "--max-time" | "--connect-timeout" | "--request" | "--header"
                | "--user-agent" | "--write-out" => {
                    let v = args.get(i).cloned();
                    i += 1;
                    if a == "--output" {
                        output = v;
                    }
                }
                s if s.starts_with("--") => {}
                s if s.starts_with('-') && s.len() > 1 => {
                    let flags: Vec<char> = s[1..].chars().collect();
                    for (k, f) in flags.iter().enumerate() {
                        match f {
                            's' => silent = true,
                            'S' => show_error = true,
                            'I' => head = true,
                            'i' | 'v' => include = true,
                            'f' => fail = true,
                            'L' => follow = true,
                            'k' => {}
                            'o' | 'm' | 'X' | 'H' | 'A' | 'w' => {
                                let rest: String = flags[k + 1..].iter().collect();
                                let v = if rest.is_empty() {
                                    let v = args.get(i).cloned();
                                    i += 1;
                                    v
                                } else {
                                    Some(rest)
                                };
                                if *f == 'o' {
                                    output = v;
                                }
                                break;
                            }
                            other => {
                                return Io::fail(
                                    format!("curl: option -{other}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n"),
                                    2,
                                )
                            }
                        }
                    }
                }
                _ => urls.push(a.clone()),
            }
        }
        let Some(url) = urls.first() else {
            return Io::fail(
                "curl: try 'curl --help' or 'curl --manual' for more information\n",
                2,
            );
        };
        let errors = !silent || show_error;
        let (host, port, path) = match parse_url(url) {
            Ok(u) => u,
            Err(e) => {
                return Io::fail(
                    if errors {
                        format!("curl: (3) URL rejected: {e}\n")
                    } else {
                        String::new()
                    },
                    3,
                )
            }
        };
        let mut resp = match self.fetch(&host, port, &path) {
            Fetch::Resolve => {
                return Io::fail(
                    if errors {
                        format!("curl: (6) Could not resolve host: {host}\n")
                    } else {
                        String::new()
                    },
                    6,
                )
            }
            Fetch::Refused(_) => {
                return Io::fail(
                    if errors {
                        format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n")
                    } else {
                        String::new()
                    },
                    7,
                )
            }
            Fetch::Ok(r) => r,
        };
        if follow && resp.status == 301 {
            if let Some(loc) = resp
                .headers
                .iter()
                .find(|(k, _)| k == "Location")
                .map(|(_, v)| v.clone())
            {
                if let Ok((h, p, path)) = parse_url(&loc) {
                    if let Fetch::Ok(r) = self.fetch(&h, p, &path) {
                        resp = r;
                    }
                }
            }
        }
        if fail && resp.status >= 400 {
            return Io::fail(
                if errors {
                    format!(
                        "curl: (22) The requested URL returned error: {}\n",
                        resp.status
                    )
                } else {
                    String::new()
                },
                22,
            );
        }
        let mut text = String::new();
        if head || include {
            text.push_str(&format!("HTTP/1.1 {} {}\n", resp.status, resp.reason));
            for (k, v) in &resp.headers {
                text.push_str(&format!("{k}: {v}\n"));
            }
            text.push('\n');
        }
        if !head {
            text.push_str(&resp.body);
        }
        match output {
            Some(f) if f != "-" => match self.write(&f, &text, false) {
                Ok(()) => Io::default(),
                Err(e) => Io::fail(
                    format!("curl: (23) Failure writing output to destination, passed {} returned 0 ({e})\n", text.len()),
                    23,
                ),
            },
            _ => Io::out(text),
        }
    }

    fn wget(&mut self, args: &[String]) -> Io {
        let mut quiet = false;
        let mut output: Option<String> = None;
        let mut urls = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            i += 1;
            if let Some(v) = a.strip_prefix("--output-document=") {
                output = Some(v.to_string());
            } else if a == "--quiet" {
                quiet = true;
            } else if a.starts_with("--") {
                continue;
            } else if a.starts_with('-') && a.len() > 1 {
                let flags: Vec<char> = a[1..].chars().collect();
                for (k, f) in flags.iter().enumerate() {
                    match f {
                        'q' => quiet = true,
                        'O' | 'T' | 'U' => {
                            let rest: String = flags[k + 1..].iter().collect();
                            let v = if rest.is_empty() {
                                let v = args.get(i).cloned();
                                i += 1;
                                v
                            } else {
                                Some(rest)
                            };
                            if *f == 'O' {
                                output = v;
                            }
                            break;
                        }
                        'S' | 's' | 'c' => {}
                        other => {
                            return Io::fail(format!("wget: unrecognized option: {other}\n"), 1)
                        }
                    }
                }
            } else {
                urls.push(a.clone());
            }
        }
        let Some(url) = urls.first() else {
            return Io::fail("wget: missing URL\n", 1);
        };
        let (host, port, path) = match parse_url(url) {
            Ok(u) => u,
            Err(e) => return Io::fail(format!("wget: {e}\n"), 1),
        };
        let resp = match self.fetch(&host, port, &path) {
            Fetch::Resolve => return Io::fail(format!("wget: bad address '{host}'\n"), 1),
            Fetch::Refused(ip) => {
                let mut io = Io::default();
                if !quiet {
                    io.err(format!("Connecting to {host} ({ip}:{port})\n"));
                }
                io.err(format!(
                    "wget: can't connect to remote host ({ip}): Connection refused\n"
                ));
                io.code = 1;
                return io;
            }
            Fetch::Ok(r) => r,
        };
        let mut io = Io::default();
        if !quiet {
            let ip = match lookup(self.world, &self.ctx.ns, &host, true) {
                Some(Answer::A(_, ips)) if !ips.is_empty() => ips[0].clone(),
                _ => self.ctx.ip.clone().unwrap_or_else(|| "127.0.0.1".into()),
            };
            io.err(format!("Connecting to {host} ({ip}:{port})\n"));
        }
        if resp.status >= 400 {
            io.err(format!(
                "wget: server returned error: HTTP/1.1 {} {}\n",
                resp.status, resp.reason
            ));
            io.code = 1;
            return io;
        }
        let file = output.unwrap_or_else(|| {
            let last = path.rsplit('/').next().unwrap_or("");
            if last.is_empty() {
                "index.html".into()
            } else {
                last.to_string()
            }
        });
        if file == "-" {
            if !quiet {
                io.err("writing to stdout\n");
            }
            io.push_out(&resp.body);
            if !quiet {
                io.err("written to stdout\n");
            }
            return io;
        }
        if !quiet {
            io.err(format!("saving to '{file}'\n"));
        }
        if let Err(e) = self.write(&file, &resp.body, false) {
            io.err(format!("wget: can't open '{file}': {e}\n"));
            io.code = 1;
            return io;
        }
        if !quiet {
            io.err(format!("'{file}' saved\n"));
        }
        io
    }
}

/// nginx answering `GET path` from its document root.
fn serve(world: &World, ctx: &Ctx, host: &str, path: &str) -> Response {
    let view = View { world, ctx };
    let version = nginx_version(&ctx.image);
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let abs = normalize(DOCROOT, &format!(".{path}"));
    let abs = if abs.starts_with(DOCROOT) {
        abs
    } else {
        DOCROOT.to_string()
    };
    let date = http_date(world.now);
    let base = |status: u16, reason: &'static str, body: String, extra: Vec<(String, String)>| {
        let mut headers = vec![
            ("Server".to_string(), format!("nginx/{version}")),
            ("Date".to_string(), date.clone()),
            ("Content-Type".to_string(), "text/html".to_string()),
            ("Content-Length".to_string(), body.len().to_string()),
        ];
        headers.extend(extra);
        headers.push(("Connection".into(), "keep-alive".into()));
        Response {
            status,
            reason,
            headers,
            body,
        }
    };
    let error = |status: u16, reason: &'static str, extra: Vec<(String, String)>| {
        let body = format!(
            "<html>\n<head><title>{status} {reason}</title></head>\n<body>\n<center><h1>{status} {reason}</h1></center>\n<hr><center>nginx/{version}</center>\n</body>\n</html>\n"
        );
        base(status, reason, body, extra)
    };
    let file = match view.stat(&abs) {
        Some(Entry::Dir { .. }) => {
            if !path.ends_with('/') {
                return error(
                    301,
                    "Moved Permanently",
                    vec![("Location".into(), format!("http://{host}{path}/"))],
                );
            }
            let index = format!("{}/index.html", abs.trim_end_matches('/'));
            match view.stat(&index) {
                Some(e @ Entry::File { .. }) => (index, e),
                _ => return error(403, "Forbidden", Vec::new()),
            }
        }
        Some(e @ Entry::File { .. }) => (abs, e),
        None => return error(404, "Not Found", Vec::new()),
    };
    let (name, entry) = file;
    let Entry::File { data, mtime } = entry else {
        return error(404, "Not Found", Vec::new());
    };
    let mtime_secs = crate::time::EPOCH_UNIX_SECONDS + (mtime.as_millis() / 1000) as i64;
    let mut r = base(
        200,
        "OK",
        data.to_string(),
        vec![("Last-Modified".into(), http_date(mtime))],
    );
    if let Some(ct) = r.headers.iter_mut().find(|(k, _)| k == "Content-Type") {
        ct.1 = content_type(&name).to_string();
    }
    r.headers.push((
        "ETag".into(),
        format!("\"{mtime_secs:x}-{:x}\"", data.len()),
    ));
    r.headers.push(("Accept-Ranges".into(), "bytes".into()));
    r
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" | "htm" => "text/html",
        "txt" => "text/plain",
        "css" => "text/css",
        "js" => "application/javascript",
        "json" => "application/json",
        "xml" => "text/xml",
        _ => "application/octet-stream",
    }
}

/// nginx's version from the image tag (`nginx:1.14.2` → `1.14.2`); the tutorials'
/// `nginx/1.27.4` for `latest`, `alpine` and other non-numeric tags.
fn nginx_version(image: &str) -> String {
    let (name, tag) = image_name_tag(image);
    let v = tag.split('-').next().unwrap_or("");
    if name == "nginx" && v.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        v.to_string()
    } else {
        "1.27.4".to_string()
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(v) = u8::from_str_radix(hex, 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_wildcards() {
        assert_eq!(normalize("/usr/share", "../lib/./x//y"), "/usr/lib/x/y");
        assert_eq!(normalize("/", ".."), "/");
        assert!(wildcard("*.html", "index.html"));
        assert!(!wildcard("*.html", "index.htm"));
        assert!(wildcard("web-[0-2]", "web-1"));
        assert!(wildcard("a\\*", "a*"));
        assert!(!wildcard("a\\*", "ab"));
    }

    #[test]
    fn sizes_and_dates() {
        assert_eq!(human_size(1 << 30), "1.0G");
        assert_eq!(human_size(10 << 30), "10G");
        assert_eq!(human_size(4096), "4.0K");
        assert_eq!(human_size(0), "0");
        assert_eq!(date_text(SimTime(42_000)), "Wed Jan  1 00:00:42 UTC 2025");
        assert_eq!(http_date(SimTime(0)), "Wed, 01 Jan 2025 00:00:00 GMT");
        assert_eq!(base64_decode("cGFzc3dvcmQ=").as_deref(), Some("password"));
    }

    #[test]
    fn exec_and_run_arguments() {
        let w = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        let a = parse_exec(&w("-it web-0 -c nginx -- sh -c hostname"), None).expect("parses");
        assert_eq!(
            (a.pod.as_str(), a.container.as_deref(), a.stdin, a.tty),
            ("web-0", Some("nginx"), true, true)
        );
        assert_eq!(a.command, w("sh -c hostname"));
        assert!(parse_exec(&w("web-0 ls"), None)
            .unwrap_err()
            .contains("not supported anymore"));
        let r = parse_run(
            &w("-i --tty --image busybox:1.28 dns-test --restart=Never --rm"),
            None,
        )
        .expect("parses");
        assert_eq!(
            (r.name.as_str(), r.image.as_str(), r.rm, r.command.len()),
            ("dns-test", "busybox:1.28", true, 0)
        );
        assert!(parse_run(&w("x --image=busybox --rm"), None)
            .unwrap_err()
            .contains("attached"));
        assert!(is_interactive_shell(&w("/bin/sh")));
        assert!(is_interactive_shell(&w("bash -l")));
        assert!(!is_interactive_shell(&w("sh -c hostname")));
        assert!(!is_interactive_shell(&w("sh script.sh")));
    }
}
