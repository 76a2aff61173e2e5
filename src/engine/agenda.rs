//! A customer's agenda: the events behaviour planned for it and those the engine schedules while
//! it runs, handed out one at a time in the one order of [`Event::order`].

use crate::event::{Event, Sequence, What};
use crate::time::Time;

/// The events of one customer under one strategy.
pub(super) struct Agenda<'a> {
    /// Planned events, in processing order.
    planned: &'a [Event],
    next_planned: usize,
    /// Scheduled events, sorted so that the last is the earliest (a customer has few pending at
    /// once: a sorted vector beats a heap).
    scheduled: &'a mut Vec<Event>,
    /// The number of the last event scheduled.
    numbered: u64,
}

impl<'a> Agenda<'a> {
    /// An agenda of `planned` events (in processing order), scheduling into `buffer` (emptied).
    pub(super) fn new(planned: &'a [Event], buffer: &'a mut Vec<Event>) -> Agenda<'a> {
        buffer.clear();
        Agenda { planned, next_planned: 0, scheduled: buffer, numbered: Sequence::SCHEDULED }
    }

    /// Schedules `what` at `time`: after everything planned or scheduled so far for the same
    /// instant (customer before business).
    pub(super) fn schedule(&mut self, time: Time, what: What) {
        self.numbered += 1;
        let e = Event::new(time, self.numbered, what);
        let at = self.scheduled.partition_point(|x| x.order() > e.order());
        self.scheduled.insert(at, e);
    }

    /// The next event in order, if any is left.
    #[inline(always)]
    pub(super) fn next(&mut self) -> Option<Event> {
        let planned = self.planned.get(self.next_planned);
        let take_planned = match (planned, self.scheduled.last()) {
            (Some(p), Some(s)) => p.order() < s.order(),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if take_planned {
            self.next_planned += 1;
            planned.copied()
        } else {
            self.scheduled.pop()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strategy::Content;

    #[test]
    fn planned_and_scheduled_events_come_out_in_one_order() {
        let content = What::Content { content: Content::Utility, urgent: false, id: 1, campaign: None };
        let reply = What::Inbound { entry_point: false, answers: None };
        let planned = [Event::new(Time(1), 0, content), Event::new(Time(5), 1, reply), Event::new(Time(5), 2, content)];
        let mut buffer = Vec::new();
        let mut agenda = Agenda::new(&planned, &mut buffer);
        let first = agenda.next();
        assert_eq!(first.map(|e| e.time), Some(Time(1)));
        // Scheduled at the instant of planned events: the customer's reply after the planned
        // reply, before the planned content; the business's content after everything planned.
        agenda.schedule(Time(5), content);
        agenda.schedule(Time(5), reply);
        agenda.schedule(Time(3), content);
        let order: Vec<(i64, bool, bool)> = std::iter::from_fn(|| agenda.next())
            .map(|e| (e.time.0, e.sequence.is_business(), e.sequence.number() >= Sequence::SCHEDULED))
            .collect();
        assert_eq!(order, [(3, true, true), (5, false, false), (5, false, true), (5, true, false), (5, true, true)]);
    }
}
