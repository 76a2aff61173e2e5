//! conversation-2022 (rules 7–11): at most one open conversation per customer, user- or
//! business-initiated, lasting 24 hours; everything inside it is free.

use super::conversations::{CONVERSATION, Conversations, Ruling, billable};
use super::windows::Delivery;
use super::{Context, Message, Reason};
use crate::pricing::ledger::{FreeTier, Unit};
use crate::pricing::{BillCategory, Model};
use crate::time::Time;

const MODEL: Model = Model::Conversation2022;

/// Prices a delivered outbound message under conversation-2022, opening or closing the
/// customer's conversation.
#[inline(always)]
pub(super) fn price(
    conversations: &mut Conversations,
    message: &Message,
    delivery: &Delivery,
    cx: &Context<'_>,
) -> Ruling {
    // Rule 11: the reply that opens an entry-point window opens a free entry-point conversation
    // instead of any other, closing the open conversation if there is one.
    if delivery.opens_entry_point_window {
        conversations.open_until = Time::NEVER;
        return Ruling {
            reason: Reason::OpensEntryPointConversation,
            bill: None,
            opened: Some(BillCategory::EntryPoint),
        };
    }
    // Rule 11: everything delivered inside the entry-point conversation (the entry-point
    // window itself) is free.
    if delivery.entry_point_window_open {
        return Ruling::free(Reason::InsideEntryPointConversation);
    }
    let t = message.time;
    // Rule 9: everything delivered inside an open conversation is free, templates included.
    if t < conversations.open_until {
        return Ruling::free(Reason::InsideOpenConversation);
    }
    // Rule 7: a conversation lasts 24 hours from the delivery that opened it.
    conversations.open_until = t.plus(CONVERSATION);
    // Rule 8: user-initiated if a CSW is open at that moment, otherwise business-initiated;
    // charged at the market's rate for that kind, unless rule 10's free tier makes it free.
    conversations.user_initiated = delivery.service_window_open;
    let (category, reason) = if conversations.user_initiated {
        (BillCategory::UserInitiated, Reason::OpensUserInitiated)
    } else {
        (BillCategory::BusinessInitiated, Reason::OpensBusinessInitiated)
    };
    Ruling {
        reason,
        bill: billable(cx, MODEL, category, Unit::Conversation, Some(FreeTier::Conversations), None),
        opened: Some(category),
    }
}

#[cfg(test)]
mod tests {
    use super::super::conversations::fixture::{
        delivered, inside_entry_point_window, message, opens_entry_point_window, settings, with_context,
    };
    use super::super::{MessageKind, TemplateCategory};
    use super::*;
    use crate::time::{Date, HOUR};

    fn template(hours: i64) -> Message {
        message(Date::ymd(2022, 6, 1), hours, MessageKind::Template(TemplateCategory::Utility))
    }

    #[test]
    fn one_conversation_at_a_time_for_24_hours() {
        let mut c = Conversations::default();
        let opens = template(0);
        with_context(&opens, &settings(), |cx| {
            let r = price(&mut c, &opens, &delivered(false), cx);
            assert_eq!((r.reason, r.opened), (Reason::OpensBusinessInitiated, Some(BillCategory::BusinessInitiated)));
            let bill = r.bill.expect("billed");
            assert_eq!((bill.unit, bill.free_tier), (Unit::Conversation, Some(FreeTier::Conversations)));
            assert_eq!(c.open_until, opens.time.plus(24 * HOUR));
        });
        // Rule 9: free inside, even with a CSW open; rule 7: not extended.
        let inside = template(23);
        with_context(&inside, &settings(), |cx| {
            assert_eq!(price(&mut c, &inside, &delivered(true), cx), Ruling::free(Reason::InsideOpenConversation));
        });
        assert_eq!(c.open_until, opens.time.plus(24 * HOUR));
        // Rule 8: the next one opens with a CSW open, so user-initiated.
        let next = template(24);
        with_context(&next, &settings(), |cx| {
            let r = price(&mut c, &next, &delivered(true), cx);
            assert_eq!((r.reason, r.opened), (Reason::OpensUserInitiated, Some(BillCategory::UserInitiated)));
        });
    }

    #[test]
    fn the_entry_point_conversation_closes_the_open_one() {
        let mut c = Conversations { open_until: template(10).time, ..Conversations::default() };
        let reply = template(1);
        with_context(&reply, &settings(), |cx| {
            let r = price(&mut c, &reply, &opens_entry_point_window(), cx);
            assert_eq!(
                r,
                Ruling {
                    reason: Reason::OpensEntryPointConversation,
                    bill: None,
                    opened: Some(BillCategory::EntryPoint)
                }
            );
            assert_eq!(c.open_until, Time::NEVER);
            let inside = price(&mut c, &template(2), &inside_entry_point_window(), cx);
            assert_eq!(inside, Ruling::free(Reason::InsideEntryPointConversation));
        });
    }
}
