//! A customer's planned events, put in processing order fast: each event's order is packed into
//! one integer as it is drawn (one 64-bit word when the run is short enough, else 128 bits),
//! the integers are sorted, and the events gathered in that order. The test holds it to a plain
//! sort by [`Event::order`].

use crate::event::{Event, What};
use crate::time::Time;

/// A customer's planned events, with the buffers that sort them (reused from customer to
/// customer: planning allocates nothing once warm).
#[derive(Clone, Debug, Default)]
pub struct Happenings {
    /// In the order drawn: `raw[i]` is event number `i`.
    raw: Vec<Event>,
    /// The packed orders of the events within the run, while drawing, when they fit in one
    /// word (see [`Happenings::push`]); then sorted.
    short_keys: Vec<u64>,
    /// The same in 128 bits, when they do not fit.
    keys: Vec<u128>,
    sorted: Vec<Event>,
    /// Support answers' content ids and when the customer asked (the visit's first message), in
    /// the order drawn (ids increase).
    asked: Vec<(u64, Time)>,
    /// The run: events outside it are not kept.
    start: Time,
    end: Time,
    /// Bits of the event number in a short key (`0`: the run is too long for them).
    number_bits: u32,
}

impl Happenings {
    /// The events within the run, in processing order.
    #[must_use]
    pub fn sorted(&self) -> &[Event] {
        &self.sorted
    }

    /// Starts a customer's events within `start..end`.
    pub(crate) fn clear(&mut self, start: Time, end: Time) {
        self.raw.clear();
        self.short_keys.clear();
        self.sorted.clear();
        self.asked.clear();
        (self.start, self.end) = (start, end);
        // Short keys: (time since the start, business after customer, event number) in one
        // word, when the run's span leaves room for a few event numbers.
        let span_bits = u64::BITS - ((end.0 - start.0).max(0) as u64).leading_zeros();
        self.number_bits = (u64::BITS - 1).saturating_sub(span_bits);
    }

    /// Adds the next event drawn, with its short key if within the run.
    pub(crate) fn push(&mut self, time: Time, what: What) {
        let number = self.raw.len() as u64;
        let e = Event::new(time, number, what);
        self.raw.push(e);
        if self.start <= time && time < self.end {
            let since = (time.0 - self.start.0) as u64;
            let business = u64::from(e.sequence.is_business());
            // Wrong only when the event number outgrows its bits: then unused (see `sort`).
            let key = (since << 1 | business).wrapping_shl(self.number_bits) | number;
            self.short_keys.push(key);
        }
    }

    /// Adds an agent's answer, `what` (content with an id above every earlier one's), due at
    /// `time` to a visit whose first message was at `asked`.
    pub(crate) fn push_answer(&mut self, time: Time, what: What, asked: Time) {
        if let What::Content { id, .. } = what {
            self.asked.push((id, asked));
        }
        self.push(time, what);
    }

    /// When the customer asked the question that support answer `id` answers.
    #[must_use]
    pub fn asked(&self, id: u64) -> Option<Time> {
        let at = self.asked.partition_point(|(i, _)| *i < id);
        self.asked.get(at).filter(|(i, _)| *i == id).map(|(_, t)| *t)
    }

    /// Puts the events within the run in processing order: sorts their packed orders (unique:
    /// they end with the event number, which is also the index in `raw`), then gathers (cheaper
    /// than moving whole events while sorting).
    pub(crate) fn sort(&mut self) {
        let raw = &self.raw;
        if self.number_bits > 0 && (raw.len() as u64) <= 1u64 << self.number_bits {
            // One-word keys sort faster.
            self.short_keys.sort_unstable();
            let mask = (1u64 << self.number_bits) - 1;
            self.sorted.extend(self.short_keys.iter().map(|k| raw[(k & mask) as usize]));
        } else {
            let (start, end) = (self.start, self.end);
            self.keys.clear();
            self.keys.extend(raw.iter().filter(|e| start <= e.time && e.time < end).map(long_key));
            self.keys.sort_unstable();
            self.sorted.extend(self.keys.iter().map(|k| raw[(*k as u32) as usize]));
        }
    }

    /// Every event drawn, within the run or not, in the order drawn.
    #[cfg(test)]
    pub(crate) fn drawn(&self) -> &[Event] {
        &self.raw
    }
}

/// [`Event::order`] packed into 128 bits (time, business after customer, event number below
/// 2^32), for sorting.
fn long_key(e: &Event) -> u128 {
    let time = (e.time.0 as u64) ^ (1 << 63); // order-preserving for negative times too
    (u128::from(time) << 40) | (u128::from(e.sequence.is_business()) << 32) | u128::from(e.sequence.number())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::Content;
    use crate::time::{DAY, SECOND};
    use proptest::prelude::*;

    proptest! {
        /// Sorting packed keys gives exactly a plain sort by (time, sequence) of the events
        /// within the run, for a month (one-word keys) and ten years (128-bit keys), with many
        /// events at one instant and some outside the run.
        #[test]
        fn packed_keys_sort_like_the_event_order(
            events in prop::collection::vec((-3i64..40, any::<bool>()), 0..400),
            ten_years in any::<bool>(),
        ) {
            let start = Time(1_700_000_000 * SECOND);
            let days = if ten_years { 3650 } else { 30 };
            let end = start.plus(days * DAY);
            let step = if ten_years { 100 * DAY } else { DAY };
            let mut h = Happenings::default();
            h.clear(start, end);
            for (at, inbound) in &events {
                let what = if *inbound {
                    What::Inbound { entry_point: false, answers: None }
                } else {
                    What::Content { content: Content::Utility, urgent: false, id: 1, campaign: None }
                };
                // Coarse times, so that many events share an instant.
                h.push(start.plus(at * step / 4), what);
            }
            h.sort();
            let mut want: Vec<Event> = h.drawn().iter().filter(|e| start <= e.time && e.time < end).copied().collect();
            want.sort_by_key(Event::order);
            prop_assert_eq!(h.sorted(), &want[..]);
        }
    }
}
