//! Customer ids of a log, numbered from 0 in order of first appearance.
//!
//! Billing looks an id up for every row, among hundreds of thousands of customers, so the table
//! is built for that: open addressing with linear probing, each slot holding the id's first
//! 16 bytes (a phone number fits whole), so a look-up usually reads one cache line. The ids
//! themselves are kept once, end to end, in one string.

use crate::hash::hash_bytes;

/// Bytes of an id kept in its slot.
const INLINE: usize = 16;

/// Marks a free slot.
const EMPTY: u32 = u32::MAX;

/// One slot of the table.
#[derive(Clone, Copy)]
struct Slot {
    /// The id's first bytes, zero-padded.
    head: [u8; INLINE],
    /// The id's length in bytes (saturated).
    len: u32,
    /// The customer's number, or [`EMPTY`].
    index: u32,
}

const FREE: Slot = Slot { head: [0; INLINE], len: 0, index: EMPTY };

/// The customers of a log: id to number, and number to id.
#[derive(Default)]
pub(crate) struct CustomerIds {
    /// A power of two in length, at most half full (empty before the first id).
    slots: Vec<Slot>,
    /// The table's size as a shift: a hash's top bits pick the first slot tried.
    shift: u32,
    /// Every id, end to end, in order of number.
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<usize>,
}

fn head_of(id: &[u8]) -> [u8; INLINE] {
    let mut head = [0; INLINE];
    let n = id.len().min(INLINE);
    head[..n].copy_from_slice(&id[..n]);
    head
}

fn saturated_len(id: &[u8]) -> u32 {
    u32::try_from(id.len()).unwrap_or(u32::MAX)
}

/// Ids read but not yet numbered, kept end to end; see [`CustomerIds::index_batch`].
#[derive(Default)]
pub(crate) struct IdBatch {
    text: String,
    ends: Vec<usize>,
    hashes: Vec<u64>,
}

impl IdBatch {
    /// Adds an id; returns its place in the batch.
    pub(crate) fn push(&mut self, id: &str) -> u32 {
        self.text.push_str(id);
        self.ends.push(self.text.len());
        u32::try_from(self.ends.len() - 1).unwrap_or(u32::MAX)
    }

    fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, end)| &self.text[start..*end])
    }
}

impl CustomerIds {
    /// The number of `id`, numbering it if new (one at a time: the reference for batches).
    #[cfg(test)]
    pub(crate) fn index_of(&mut self, id: &str) -> u32 {
        self.reserve(1);
        self.index_of_hashed(id, hash_bytes(id.as_bytes()))
    }

    /// Numbers every id of `batch` in order, as [`CustomerIds::index_of`] would one by one, into
    /// `out`, and empties the batch. Faster on large logs: the table slots of the whole batch are
    /// read before any is used, so the memory system fetches them together rather than one
    /// cache miss after another.
    pub(crate) fn index_batch(&mut self, batch: &mut IdBatch, out: &mut Vec<u32>) {
        self.reserve(batch.ends.len());
        let mut hashes = std::mem::take(&mut batch.hashes);
        hashes.clear();
        hashes.extend(batch.ids().map(|id| hash_bytes(id.as_bytes())));
        let touched = hashes.iter().fold(0, |acc, h| acc ^ self.slots[self.slot_of(*h)].index);
        std::hint::black_box(touched);
        out.clear();
        for (id, hash) in batch.ids().zip(&hashes) {
            out.push(self.index_of_hashed(id, *hash));
        }
        batch.text.clear();
        batch.ends.clear();
        batch.hashes = hashes;
    }

    /// Grows the table, if need be, so that `more` new ids fit without growing again.
    fn reserve(&mut self, more: usize) {
        while (self.ends.len() + more + 1) * 2 > self.slots.len() {
            self.grow();
        }
    }

    /// The number of `id` whose hash is `hash`; the table has room for it.
    fn index_of_hashed(&mut self, id: &str, hash: u64) -> u32 {
        let bytes = id.as_bytes();
        let (head, len) = (head_of(bytes), saturated_len(bytes));
        let mask = self.slots.len() - 1;
        let mut i = self.slot_of(hash);
        loop {
            let slot = self.slots[i];
            if slot.index == EMPTY {
                // Beyond u32::MAX - 1 customers numbers saturate (memory runs out long before).
                let index = u32::try_from(self.ends.len()).unwrap_or(EMPTY - 1).min(EMPTY - 1);
                self.text.push_str(id);
                self.ends.push(self.text.len());
                self.slots[i] = Slot { head, len, index };
                return index;
            }
            if slot.len == len && slot.head == head && (bytes.len() <= INLINE || self.name(slot.index) == id) {
                return slot.index;
            }
            i = (i + 1) & mask;
        }
    }

    /// The id of customer `index` (empty for a number never given out).
    pub(crate) fn name(&self, index: u32) -> &str {
        let i = index as usize;
        let Some(end) = self.ends.get(i) else { return "" };
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..*end]
    }

    /// How many customers have been numbered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The first slot tried for a hash: its top bits, the best mixed (its last step multiplies).
    fn slot_of(&self, hash: u64) -> usize {
        usize::try_from(hash >> self.shift).unwrap_or(0)
    }

    /// Doubles the table (or makes the first one) and puts every id back.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        self.shift = 64 - size.trailing_zeros();
        let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.index != EMPTY) {
            let mut i = self.slot_of(hash_bytes(self.name(slot.index).as_bytes()));
            while self.slots[i].index != EMPTY {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    #[test]
    fn numbers_ids_in_order_of_first_appearance() {
        let mut ids = CustomerIds::default();
        assert_eq!(ids.index_of("919812345678"), 0);
        assert_eq!(ids.index_of("5511987654321"), 1);
        assert_eq!(ids.index_of("919812345678"), 0);
        assert_eq!(ids.name(0), "919812345678");
        assert_eq!(ids.name(1), "5511987654321");
        assert_eq!(ids.name(2), "");
        assert_eq!(ids.len(), 2);
    }

    #[test]
    fn long_ids_sharing_their_first_16_bytes_are_distinct() {
        let mut ids = CustomerIds::default();
        let a = "customer-0000000000000001-alpha";
        let b = "customer-0000000000000001-beta";
        let c = "customer-0000000000000001-alphb";
        assert_eq!((ids.index_of(a), ids.index_of(b), ids.index_of(c)), (0, 1, 2));
        assert_eq!((ids.index_of(c), ids.index_of(b), ids.index_of(a)), (2, 1, 0));
        assert_eq!(ids.name(2), c);
    }

    #[test]
    fn ids_differing_only_by_trailing_zero_bytes_or_length_are_distinct() {
        let mut ids = CustomerIds::default();
        assert_eq!(ids.index_of("ab"), 0);
        assert_eq!(ids.index_of("ab\0"), 1);
        assert_eq!(ids.index_of("a"), 2);
        assert_eq!(ids.index_of("ab\0"), 1);
    }

    #[test]
    fn survives_growing_past_many_tables() {
        let mut ids = CustomerIds::default();
        for i in 0..100_000u32 {
            assert_eq!(ids.index_of(&format!("c{i}")), i);
        }
        for i in (0..100_000u32).rev().step_by(7) {
            assert_eq!(ids.index_of(&format!("c{i}")), i);
            assert_eq!(ids.name(i), format!("c{i}"));
        }
    }

    #[test]
    fn a_batch_is_numbered_as_one_by_one() {
        let list: Vec<String> = (0..5000u32).map(|i| format!("id-{}", (i * 7919) % 1777)).collect();
        let mut one = CustomerIds::default();
        let expected: Vec<u32> = list.iter().map(|id| one.index_of(id)).collect();
        let mut batched = CustomerIds::default();
        let (mut batch, mut out, mut got) = (IdBatch::default(), Vec::new(), Vec::new());
        for chunk in list.chunks(300) {
            for (place, id) in chunk.iter().enumerate() {
                assert_eq!(batch.push(id), u32::try_from(place).unwrap());
            }
            batched.index_batch(&mut batch, &mut out);
            got.extend_from_slice(&out);
        }
        assert_eq!(got, expected);
        assert_eq!(batched.index_of("id-5"), one.index_of("id-5"));
        assert_eq!(batched.len(), one.len());
    }

    proptest! {
        /// The table numbers ids exactly as a standard map would.
        #[test]
        fn agrees_with_a_hash_map(list in prop::collection::vec("[a-c]{0,3}|[0-9]{10,20}|\\PC{0,20}", 0..400)) {
            let mut ids = CustomerIds::default();
            let mut expected: HashMap<String, u32> = HashMap::new();
            for id in &list {
                let next = u32::try_from(expected.len()).unwrap();
                let want = *expected.entry(id.clone()).or_insert(next);
                prop_assert_eq!(ids.index_of(id), want);
                prop_assert_eq!(ids.name(want), id.as_str());
            }
            prop_assert_eq!(ids.len(), expected.len());
        }
    }
}
