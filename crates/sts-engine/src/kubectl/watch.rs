//! `kubectl get … -w`: the current table, then one row per change of a matching object.
//!
//! Design: a watch is part of the [`World`] (so it is cloned into checkpoints and
//! replayed with the timeline). Every object write the world records (the trace's
//! `object` entries, i.e. each API write of a pod, StatefulSet, claim, volume or
//! revision) and every Event is offered to the active watch, which appends its rows to
//! the trace as `watch` entries ([`crate::trace::Record::Watch`]). Like kubectl, one
//! row is printed per write even if it looks the same as the previous one, and rows keep
//! the column widths of the table printed before them (kubectl's `RememberWidths`
//! tabwriter).
//!
//! A watch ends when the cluster settles: after a step that leaves nothing but
//! background retry loops pending (so a scenario's `wait: settled` ends it), when
//! another `get -w` replaces it, or on [`crate::timeline::Input::Interrupt`] (Ctrl-C in
//! the console). Other commands run while it is active do not stop it: the console
//! behaves like a second terminal, as in the tutorials (`kubectl get pods -w` in one
//! window, `kubectl set image …` in another).
//!
//! Upstream: `kubectl/pkg/cmd/get/get.go` (`watch`: prints the list, then every watch
//! event with the same printer and a flushed tabwriter).

use std::collections::BTreeMap;

use super::get::{self, Filters, Format, Print, Selection};
use super::resources::{self, Res, View};
use super::Out;
use crate::printers::TabWriter;
use crate::trace::{Record, WatchRecord};
use crate::world::World;

/// An active `kubectl get -w`.
#[derive(Clone, Debug, PartialEq)]
pub struct Watch {
    /// Identifies the watch's rows in the trace.
    pub id: u64,
    /// The command line that started it.
    pub command: String,
    res: Res,
    /// `None`: all namespaces (`-A`).
    ns: Option<String>,
    /// Watched names (empty: every object of the type).
    names: Vec<String>,
    filters: Filters,
    print: Print,
    tw: TabWriter,
    header_done: bool,
    printed: usize,
    /// The last row printed per object, for rows of objects already gone.
    last: BTreeMap<String, String>,
}

/// Starts a watch: prints the current objects and installs the watch in the world.
#[allow(clippy::too_many_arguments)]
pub(crate) fn start(
    world: &World,
    sel: &Selection,
    groups: Vec<(Res, Vec<View<'_>>)>,
    print: &Print,
    filters: &Filters,
    ns: &str,
    all_ns: bool,
    watch_only: bool,
    missing: Vec<(Res, String)>,
) -> Result<Out, String> {
    if let Some((r, n)) = missing.first() {
        return Err(get::not_found(*r, n));
    }
    if sel.multiple_types() {
        // `get.go` (`watch`, `multipleGVKsRequested`).
        return Err("error: watch is only supported on individual resources and resource collections - more than 1 resource was found".into());
    }
    let (res, names) = match sel {
        Selection::Types(t) => (t.first().copied().unwrap_or(Res::Pod), Vec::new()),
        Selection::Named(n) => (
            n.first().map_or(Res::Pod, |(r, _)| *r),
            n.iter().map(|(_, name)| name.clone()).collect(),
        ),
    };
    let mut w = Watch {
        id: 0,
        command: String::new(),
        res,
        ns: (!all_ns).then(|| ns.to_string()),
        names,
        filters: filters.clone(),
        print: Print {
            show_kind: false,
            ..print.clone()
        },
        tw: TabWriter::kubectl(),
        header_done: false,
        printed: 0,
        last: BTreeMap::new(),
    };
    let mut out = Out::default();
    if !watch_only {
        let items: Vec<View<'_>> = groups.into_iter().flat_map(|(_, g)| g).collect();
        let mut text = String::new();
        for v in &items {
            let s = w.render(world, v)?;
            w.last.insert(v.name(), s.clone());
            text.push_str(&s);
            text.push('\n');
        }
        out.print(&text);
    }
    out.watch = Some(w);
    Ok(out)
}

impl Watch {
    /// One object as the watch prints it (without the trailing newline).
    fn render(&mut self, world: &World, v: &View<'_>) -> Result<String, String> {
        let text = match &self.print.format {
            Format::Table { .. } | Format::CustomColumns(_) => {
                let mut t = String::new();
                if !self.header_done && !self.print.no_headers {
                    let h: Vec<String> = match &self.print.format {
                        Format::CustomColumns(cols) => {
                            cols.iter().map(|(h, _)| h.clone()).collect()
                        }
                        _ => get::decorated_headers(self.res, &self.print),
                    };
                    t.push_str(&get::tab_line(&h));
                }
                self.header_done = true;
                let cells = match &self.print.format {
                    Format::CustomColumns(cols) => get::custom_columns_row(v, cols),
                    _ => get::decorated_row(world, v, &self.print),
                };
                t.push_str(&get::tab_line(&cells));
                self.tw.format(&t)
            }
            Format::Yaml if self.printed > 0 => {
                format!("---\n{}", get::render_one(v, &self.print)?)
            }
            _ => get::render_one(v, &self.print)?,
        };
        self.printed += 1;
        Ok(text.strip_suffix('\n').unwrap_or(&text).to_string())
    }

    fn wants_name(&self, name: &str) -> bool {
        self.names.is_empty() || self.names.iter().any(|n| n == name)
    }

    fn lines_for(&mut self, world: &World, record: &Record) -> Vec<String> {
        match record {
            Record::Object(o) => {
                if Res::from_kind(o.kind) != Some(self.res) || !self.wants_name(&o.name) {
                    return Vec::new();
                }
                let view = match &self.ns {
                    Some(ns) => resources::find(world, self.res, ns, &o.name),
                    None => resources::find_any_namespace(world, self.res, &o.name),
                };
                match view {
                    Some(v) if self.filters.matches(&v) => match self.render(world, &v) {
                        Ok(line) => {
                            self.last.insert(o.name.clone(), line.clone());
                            vec![line]
                        }
                        Err(e) => vec![e],
                    },
                    // It stopped matching (the API server sends that as a deletion).
                    Some(_) => self.last.remove(&o.name).into_iter().collect(),
                    None if o.verb == "DELETED" => self.last.remove(&o.name).into_iter().collect(),
                    None => Vec::new(),
                }
            }
            Record::Event(e) if self.res == Res::Event => {
                let stored = world.events.iter().find(|x| {
                    x.object == e.object && x.reason == e.reason && x.message == e.message
                });
                let event = crate::model::Event {
                    type_: e.event_type.clone(),
                    reason: e.reason.clone(),
                    object: e.object.clone(),
                    message: e.message.clone(),
                    source: stored.map(|s| s.source.clone()).unwrap_or_default(),
                    time: world.now,
                    first: stored.map_or(world.now, |s| s.first),
                    count: stored.map_or(1, |s| s.count + 1),
                };
                let v = View::Event(&event);
                if !self.filters.matches(&v) {
                    return Vec::new();
                }
                match self.render(world, &v) {
                    Ok(line) => vec![line],
                    Err(e) => vec![e],
                }
            }
            _ => Vec::new(),
        }
    }
}

/// Offers one trace record to the active watch (called by the world for each record).
pub(crate) fn on_record(world: &mut World, record: &Record) {
    if !matches!(record, Record::Object(_) | Record::Event(_)) {
        return;
    }
    let Some(mut w) = world.watch.take() else {
        return;
    };
    let lines = w.lines_for(world, record);
    let id = w.id;
    world.watch = Some(w);
    for line in lines {
        world.push(Record::Watch(WatchRecord { id, line }));
    }
}
