//! The frames file's encoding: a small hand-written binary format.
//!
//! It replaces serde + postcard for [`FrameSet`](super::FrameSet) because the first stage
//! downloads its decoder: serde's derived visitors for the picture types, inlined into
//! one function, were the largest single item of the first-stage module (26.8 KB before
//! wasm-opt's gzip); this decoder is a handful of small shared functions.
//!
//! The layout follows the Rust types field by field, in declaration order:
//! - unsigned integers (`u32`, `u64`, `usize`): LEB128 varints; signed (`i32`, `i64`):
//!   zigzag, then LEB128;
//! - `bool`: one byte, 0 or 1; `Option<T>`: a byte 0 (none) or 1 followed by `T`;
//! - `String`: its byte length, then UTF-8; `Vec<T>`: its length, then the elements;
//! - `Rc<T>`: `T`; tuples and structs: their fields in order; enums: a tag byte (the variant's
//!   position), then the variant's fields.
//!
//! Structs are listed once in [`wire_structs!`], which destructures them on encoding and
//! builds them with a struct literal on decoding: adding a field to a listed type and not
//! here is a compile error, not a silently different file. Decoding never panics and
//! never allocates more than the input could hold. A malformed input marks the
//! [`Reader`] failed (later reads give zeros) rather than returning early: no `?` in the
//! decoders means no code to drop half-built values, which was most of their size.

use std::rc::Rc;

use sts_engine::scenario::Text;

use crate::lesson::{Beat, LessonView};
use crate::panels::{SetStatus, Why};
use crate::picture::{
    BlockerText, CardRef, ClaimCard, DnsLine, GroupKind, Lane, LegendEntry, Look, NodeState,
    Picture, Placement, PodCard, RevisionRole, ServiceDns, SetView, Slot,
};
use crate::session::CatalogEntry;

use super::{Frame, FrameSet};

/// A value in the frames file.
pub trait Wire: Sized {
    fn put(&self, o: &mut Vec<u8>);
    /// The next value; on malformed input, some value, with `r` marked failed.
    fn get(r: &mut Reader<'_>) -> Self;
}

/// The bytes not yet decoded.
pub struct Reader<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader {
            rest: bytes,
            failed: false,
        }
    }

    /// Decodes one `T` that must span all of `bytes`.
    pub fn decode<T: Wire>(bytes: &[u8]) -> Option<T> {
        let mut r = Reader::new(bytes);
        let v = T::get(&mut r);
        (!r.failed && r.rest.is_empty()).then_some(v)
    }

    /// Marks the input malformed: every later read gives zeros.
    #[inline(never)]
    fn fail(&mut self) {
        self.failed = true;
        self.rest = &[];
    }

    #[inline(never)]
    fn byte(&mut self) -> u8 {
        match self.rest.split_first() {
            Some((&b, rest)) => {
                self.rest = rest;
                b
            }
            None => {
                self.fail();
                0
            }
        }
    }

    /// A LEB128 varint of at most 64 bits.
    #[inline(never)]
    fn varint(&mut self) -> u64 {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return v;
            }
        }
        self.fail();
        0
    }

    /// A varint that must fit `T`.
    #[inline(never)]
    fn int<T: TryFrom<u64> + Default>(&mut self) -> T {
        let v = self.varint();
        T::try_from(v).unwrap_or_else(|_| {
            self.fail();
            T::default()
        })
    }

    /// A length: at most one element per remaining byte (no element is empty), so a
    /// damaged length cannot ask for a huge allocation.
    #[inline(never)]
    fn len(&mut self) -> usize {
        let n: usize = self.int();
        if n > self.rest.len() {
            self.fail();
            return 0;
        }
        n
    }

    /// An enum's tag, below `variants`.
    #[inline(never)]
    fn tag(&mut self, variants: u8) -> u8 {
        let t = self.byte();
        if t >= variants {
            self.fail();
            return 0;
        }
        t
    }
}

#[inline(never)]
fn put_varint(o: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        o.push((v as u8) | 0x80);
        v >>= 7;
    }
    o.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

impl Wire for u64 {
    fn put(&self, o: &mut Vec<u8>) {
        put_varint(o, *self);
    }
    fn get(r: &mut Reader<'_>) -> Self {
        r.varint()
    }
}

impl Wire for u32 {
    fn put(&self, o: &mut Vec<u8>) {
        put_varint(o, u64::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> Self {
        r.int()
    }
}

impl Wire for usize {
    fn put(&self, o: &mut Vec<u8>) {
        put_varint(o, *self as u64);
    }
    fn get(r: &mut Reader<'_>) -> Self {
        r.int()
    }
}

impl Wire for i64 {
    fn put(&self, o: &mut Vec<u8>) {
        put_varint(o, zigzag(*self));
    }
    fn get(r: &mut Reader<'_>) -> Self {
        unzigzag(r.varint())
    }
}

impl Wire for i32 {
    fn put(&self, o: &mut Vec<u8>) {
        put_varint(o, zigzag(i64::from(*self)));
    }
    fn get(r: &mut Reader<'_>) -> Self {
        let v = unzigzag(r.varint());
        i32::try_from(v).unwrap_or_else(|_| {
            r.fail();
            0
        })
    }
}

impl Wire for bool {
    fn put(&self, o: &mut Vec<u8>) {
        o.push(u8::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> Self {
        r.tag(2) == 1
    }
}

impl Wire for String {
    fn put(&self, o: &mut Vec<u8>) {
        put_varint(o, self.len() as u64);
        o.extend_from_slice(self.as_bytes());
    }
    #[inline(never)]
    fn get(r: &mut Reader<'_>) -> Self {
        let n = r.len();
        let (b, rest) = r.rest.split_at(n);
        r.rest = rest;
        match std::str::from_utf8(b) {
            Ok(s) => s.to_string(),
            Err(_) => {
                r.fail();
                String::new()
            }
        }
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, o: &mut Vec<u8>) {
        match self {
            None => o.push(0),
            Some(v) => {
                o.push(1);
                v.put(o);
            }
        }
    }
    #[inline(never)]
    fn get(r: &mut Reader<'_>) -> Self {
        match r.tag(2) {
            0 => None,
            _ => Some(T::get(r)),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, o: &mut Vec<u8>) {
        put_varint(o, self.len() as u64);
        for v in self {
            v.put(o);
        }
    }
    #[inline(never)]
    fn get(r: &mut Reader<'_>) -> Self {
        let n = r.len();
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::get(r));
        }
        v
    }
}

impl<T: Wire> Wire for Rc<T> {
    fn put(&self, o: &mut Vec<u8>) {
        (**self).put(o);
    }
    fn get(r: &mut Reader<'_>) -> Self {
        Rc::new(T::get(r))
    }
}

/// Tuples, field by field.
macro_rules! wire_tuples {
    ($(($($n:tt $t:ident),+))*) => {$(
        impl<$($t: Wire),+> Wire for ($($t,)+) {
            fn put(&self, o: &mut Vec<u8>) {
                $(self.$n.put(o);)+
            }
            fn get(r: &mut Reader<'_>) -> Self {
                ($($t::get(r),)+)
            }
        }
    )*};
}

wire_tuples! {
    (0 A, 1 B, 2 C, 3 D)
    (0 A, 1 B, 2 C, 3 D, 4 E)
}

/// Structs, field by field in declaration order (see the module's doc).
macro_rules! wire_structs {
    ($($t:ident { $($f:ident),+ $(,)? })*) => {$(
        impl Wire for $t {
            fn put(&self, o: &mut Vec<u8>) {
                let $t { $($f),+ } = self;
                $($f.put(o);)+
            }
            fn get(r: &mut Reader<'_>) -> Self {
                $t { $($f: Wire::get(r)),+ }
            }
        }
    )*};
}

wire_structs! {
    FrameSet {
        version, scenario, catalog, manifest, lesson, prompt, start, settled, frames,
        pictures, watch, events,
    }
    Frame { time, idle, picture, why, sets, watch, events, next_action }
    Text { en, zh }
    CatalogEntry { id, title, summary, lesson, number }
    LessonView {
        title, summary, reached, beats, current, earlier, can_advance, finished, can_reset,
    }
    SetStatus {
        name, ready, replicas, spec_replicas, ready_replicas, current_replicas,
        updated_replicas, available_replicas, current_revision, update_revision,
        observed_generation, generation, strategy, partition, policy, rollout, rolled_out,
    }
    Picture { lanes, sets, dns, pods }
    Lane { node, state, address, taints, pods, cards }
    CardRef { set, slot }
    PodCard {
        name, ordinal, set, status, ready_text, phase, ready, terminating, pending, look,
        revision, revision_number, colour, role, node, restarts, image, readiness_fault,
        waited_on,
    }
    Slot {
        first, last, count, first_name, last_name, pods, pod, mixed, placement, in_range,
        claims,
    }
    ClaimCard { name, last_name, template, status, volume, capacity, ordinal, count, pod_present }
    LegendEntry { name, number, colour, role, pods }
    BlockerText { pod, reason, en, zh }
    SetView {
        name, namespace, kind, replicas, status_replicas, ready, current, updated,
        available, current_revision, update_revision, strategy, partition, policy, start,
        slots, partition_slot, aggregated, legend, blocker, service, service_headless,
        templates,
    }
    DnsLine { name, ip, pod, ready }
    ServiceDns { name, namespace, fqdn, publish_not_ready, records, more, service_ips }
}

/// Enums without fields, as their position in `ALL`.
macro_rules! wire_unit_enums {
    ($($t:ident [$($v:ident),+ $(,)?])*) => {$(
        impl Wire for $t {
            fn put(&self, o: &mut Vec<u8>) {
                // Exhaustive: a new variant is a compile error here.
                let tag = match self { $($t::$v => $t::$v as u8),+ };
                o.push(tag);
            }
            fn get(r: &mut Reader<'_>) -> Self {
                const ALL: &[$t] = &[$($t::$v),+];
                ALL[usize::from(r.tag(ALL.len() as u8))]
            }
        }
    )*};
}

wire_unit_enums! {
    NodeState [Ready, NotReady]
    Look [Ready, NotReady, Pending, Terminating, Error, Succeeded]
    RevisionRole [Both, Current, Update, Old, Unknown]
    GroupKind [StatefulSet, Deployment, Loose]
}

impl Wire for Placement {
    fn put(&self, o: &mut Vec<u8>) {
        match self {
            Placement::Lane(n) => {
                o.push(0);
                n.put(o);
            }
            Placement::Spread { nodes } => {
                o.push(1);
                nodes.put(o);
            }
            Placement::Absent => o.push(2),
        }
    }
    fn get(r: &mut Reader<'_>) -> Self {
        match r.tag(3) {
            0 => Placement::Lane(Wire::get(r)),
            1 => Placement::Spread {
                nodes: Wire::get(r),
            },
            _ => Placement::Absent,
        }
    }
}

impl Wire for Why {
    fn put(&self, o: &mut Vec<u8>) {
        match self {
            Why::Blocked(b) => {
                o.push(0);
                b.put(o);
            }
            Why::Working(t) => {
                o.push(1);
                t.put(o);
            }
            Why::Stuck => o.push(2),
            Why::Settled => o.push(3),
        }
    }
    fn get(r: &mut Reader<'_>) -> Self {
        match r.tag(4) {
            0 => Why::Blocked(Wire::get(r)),
            1 => Why::Working(Wire::get(r)),
            2 => Why::Stuck,
            _ => Why::Settled,
        }
    }
}

impl Wire for Beat {
    fn put(&self, o: &mut Vec<u8>) {
        match self {
            Beat::Say(t) => {
                o.push(0);
                t.put(o);
            }
            Beat::Task {
                prompt,
                hint,
                solution,
                done,
                hinted,
                revealed,
            } => {
                o.push(1);
                prompt.put(o);
                hint.put(o);
                solution.put(o);
                done.put(o);
                hinted.put(o);
                revealed.put(o);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> Self {
        match r.tag(2) {
            0 => Beat::Say(Wire::get(r)),
            _ => Beat::Task {
                prompt: Wire::get(r),
                hint: Wire::get(r),
                solution: Wire::get(r),
                done: Wire::get(r),
                hinted: Wire::get(r),
                revealed: Wire::get(r),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Wire + PartialEq + std::fmt::Debug>(v: T) {
        let mut o = Vec::new();
        v.put(&mut o);
        assert_eq!(Reader::decode::<T>(&o), Some(v));
    }

    #[test]
    fn integers_round_trip_at_their_limits() {
        for v in [0, 1, 127, 128, 16_383, 16_384, u64::MAX] {
            round_trip(v);
        }
        for v in [0, -1, 1, i32::MIN, i32::MAX] {
            round_trip(v);
        }
        for v in [i64::MIN, -64, 63, i64::MAX] {
            round_trip(v);
        }
        round_trip(u32::MAX);
        round_trip(usize::MAX);
    }

    #[test]
    fn strings_options_and_lists_round_trip() {
        round_trip(String::new());
        round_trip("StatefulSet 演练场".to_string());
        round_trip(Some(Some(-3i32)));
        round_trip(None::<String>);
        round_trip(vec![vec![true, false], vec![]]);
        round_trip(("a".to_string(), Some("b".to_string()), 7u32, false));
    }

    #[test]
    fn malformed_input_is_refused() {
        // A length beyond the input, a varint of more than 64 bits, a u32 out of range,
        // an unknown enum tag, invalid UTF-8.
        // Also a value followed by more bytes, and an empty input.
        assert_eq!(Reader::decode::<Vec<bool>>(&[200, 1, 0]), None);
        assert_eq!(Reader::decode::<u64>(&[0xff; 11]), None);
        assert_eq!(Reader::decode::<u32>(&[0x80, 0x80, 0x80, 0x80, 0x10]), None);
        assert_eq!(Reader::decode::<i32>(&[0x80, 0x80, 0x80, 0x80, 0x10]), None);
        assert_eq!(Reader::decode::<Look>(&[6]), None);
        assert_eq!(Reader::decode::<bool>(&[2]), None);
        assert_eq!(Reader::decode::<String>(&[2, 0xc3, 0x28]), None);
        assert_eq!(Reader::decode::<bool>(&[1, 0]), None);
        assert_eq!(Reader::decode::<u32>(&[]), None);
        assert_eq!(Reader::decode::<Look>(&[5]), Some(Look::Succeeded));
    }
}
