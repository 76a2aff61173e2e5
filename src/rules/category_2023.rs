//! category-2023 (rules 12–17): 24-hour conversations kept per category, several open at once;
//! a template is free inside a conversation of its own category, a free-form message inside any.

use super::conversations::{
    AUTHENTICATION, CONVERSATION, Conversations, MARKETING, Ruling, SERVICE, UTILITY, billable,
};
use super::windows::Delivery;
use super::{Context, Message, MessageKind, Reason, TemplateCategory, is_authentication_international};
use crate::pricing::ledger::{FreeTier, Unit};
use crate::pricing::{BillCategory, Model};
use crate::time::{Date, Time};

const MODEL: Model = Model::Category2023;

/// Rule 16: from 2024-11-01 every service conversation is free.
fn service_conversations_free_from() -> Date {
    Date::ymd(2024, 11, 1)
}

/// Prices a delivered outbound message under category-2023, opening or closing the customer's
/// conversations.
#[inline(always)]
pub(super) fn price(
    conversations: &mut Conversations,
    message: &Message,
    delivery: &Delivery,
    cx: &Context<'_>,
) -> Ruling {
    // Rule 15: the reply that opens an entry-point window opens a free entry-point conversation
    // instead of any other, and closes every other open conversation.
    if delivery.opens_entry_point_window {
        conversations.category_until = [Time::NEVER; 4];
        return Ruling {
            reason: Reason::OpensEntryPointConversation,
            bill: None,
            opened: Some(BillCategory::EntryPoint),
        };
    }
    // Rules 13, 14 and 15: everything delivered while an entry-point conversation is open is
    // free, and no other conversation opens while it lasts.
    if delivery.entry_point_window_open {
        return Ruling::free(Reason::InsideEntryPointConversation);
    }
    match message.kind {
        MessageKind::Template(category) => template(conversations, category, message.time, cx),
        _ => free_form(conversations, message.time, cx),
    }
}

/// Rules 13 and 17: a delivered template of category C, outside any entry-point conversation.
#[inline(always)]
fn template(conversations: &mut Conversations, category: TemplateCategory, t: Time, cx: &Context<'_>) -> Ruling {
    let slot = match category {
        TemplateCategory::Marketing => MARKETING,
        TemplateCategory::Utility => UTILITY,
        TemplateCategory::Authentication => AUTHENTICATION,
    };
    // Rule 13: free if a C conversation is open.
    if t < conversations.category_until[slot] {
        return Ruling::free(Reason::InsideSameCategoryConversation);
    }
    // Rule 13: otherwise it opens a C conversation, lasting 24 hours (rule 12), charged at the
    // market's C rate.
    conversations.category_until[slot] = t.plus(CONVERSATION);
    let (category, reason) = match category {
        // Rule 17: an authentication conversation takes the authentication-international rate
        // when rule 24 holds, is reported under it, and still counts as the open authentication
        // conversation.
        TemplateCategory::Authentication => {
            conversations.authentication_international = is_authentication_international(cx, MODEL);
            if conversations.authentication_international {
                (BillCategory::AuthenticationInternational, Reason::OpensAuthenticationInternationalConversation)
            } else {
                (BillCategory::Authentication, Reason::OpensCategoryConversation)
            }
        }
        _ => (category.bill_category(), Reason::OpensCategoryConversation),
    };
    Ruling { reason, bill: billable(cx, MODEL, category, Unit::Conversation, None, None), opened: Some(category) }
}

/// Rules 14 and 16: a delivered free-form message, outside any entry-point conversation.
#[inline(always)]
fn free_form(conversations: &mut Conversations, t: Time, cx: &Context<'_>) -> Ruling {
    // Rule 14: free if any conversation of any category is open.
    if conversations.category_until.iter().any(|until| t < *until) {
        return Ruling::free(Reason::FreeFormInsideOpenConversation);
    }
    // Rule 14: otherwise it opens a service conversation, lasting 24 hours (rule 12).
    conversations.category_until[SERVICE] = t.plus(CONVERSATION);
    // Rule 16: from 2024-11-01 every service conversation is free, by rule: no rate, not
    // charged, still opened.
    if cx.date >= service_conversations_free_from() {
        return Ruling { reason: Reason::ServiceConversationFree, bill: None, opened: Some(BillCategory::Service) };
    }
    // Rules 14 and 16: before that, charged at the market's service rate, unless it is among the
    // month's first N service conversations.
    Ruling {
        reason: Reason::OpensServiceConversation,
        bill: billable(
            cx,
            MODEL,
            BillCategory::Service,
            Unit::Conversation,
            Some(FreeTier::ServiceConversations),
            None,
        ),
        opened: Some(BillCategory::Service),
    }
}

#[cfg(test)]
mod tests {
    use super::super::conversations::fixture::{
        delivered, inside_entry_point_window, message, opens_entry_point_window, settings, with_context,
    };
    use super::*;
    use crate::rules::Settings;
    use crate::time::HOUR;

    fn template(c: TemplateCategory) -> MessageKind {
        MessageKind::Template(c)
    }

    #[test]
    fn a_template_is_free_only_inside_its_own_category() {
        let day = Date::ymd(2023, 7, 3);
        let mut c = Conversations::default();
        let marketing = message(day, 0, template(TemplateCategory::Marketing));
        let utility = message(day, 4, template(TemplateCategory::Utility));
        let utility_again = message(day, 10, template(TemplateCategory::Utility));
        with_context(&marketing, &settings(), |cx| {
            let r = price(&mut c, &marketing, &delivered(false), cx);
            assert_eq!((r.reason, r.opened), (Reason::OpensCategoryConversation, Some(BillCategory::Marketing)));
            let r = price(&mut c, &utility, &delivered(false), cx);
            assert_eq!((r.reason, r.opened), (Reason::OpensCategoryConversation, Some(BillCategory::Utility)));
            let r = price(&mut c, &utility_again, &delivered(false), cx);
            assert_eq!(r, Ruling::free(Reason::InsideSameCategoryConversation));
        });
        assert_eq!(c.category_until[UTILITY], utility.time.plus(24 * HOUR), "not extended");
    }

    #[test]
    fn free_form_is_free_inside_any_conversation_and_otherwise_opens_service() {
        let mut c = Conversations::default();
        let before = Date::ymd(2024, 10, 7);
        let marketing = message(before, 0, template(TemplateCategory::Marketing));
        let inside = message(before, 5, MessageKind::FreeForm);
        let outside = message(before, 25, MessageKind::FreeForm);
        with_context(&marketing, &settings(), |cx| {
            price(&mut c, &marketing, &delivered(false), cx);
            let r = price(&mut c, &inside, &delivered(true), cx);
            assert_eq!(r, Ruling::free(Reason::FreeFormInsideOpenConversation));
        });
        with_context(&outside, &settings(), |cx| {
            let r = price(&mut c, &outside, &delivered(true), cx);
            assert_eq!((r.reason, r.opened), (Reason::OpensServiceConversation, Some(BillCategory::Service)));
            assert_eq!(r.bill.expect("billed").free_tier, Some(FreeTier::ServiceConversations));
        });
        // Rule 16: from 2024-11-01 the service conversation is free by rule, and still opened.
        let mut c = Conversations::default();
        let after = message(Date::ymd(2024, 11, 1), 0, MessageKind::FreeForm);
        with_context(&after, &settings(), |cx| {
            let r = price(&mut c, &after, &delivered(true), cx);
            assert_eq!(
                r,
                Ruling { reason: Reason::ServiceConversationFree, bill: None, opened: Some(BillCategory::Service) }
            );
        });
    }

    #[test]
    fn authentication_international_is_still_the_authentication_conversation() {
        let india = crate::pricing::markets::Country::parse("IN").unwrap();
        let home = crate::pricing::markets::Country::parse("BR").unwrap();
        let settings = Settings {
            primary_country: Some(home),
            auth_international_from: Some(Date::ymd(2024, 6, 1)),
            ..settings()
        };
        let day = Date::ymd(2024, 10, 7);
        let mut c = Conversations::default();
        let first = message(day, 0, template(TemplateCategory::Authentication));
        assert_eq!(first.country, india);
        with_context(&first, &settings, |cx| {
            let r = price(&mut c, &first, &delivered(false), cx);
            assert_eq!(r.reason, Reason::OpensAuthenticationInternationalConversation);
            assert_eq!(r.opened, Some(BillCategory::AuthenticationInternational));
            assert!(c.authentication_international);
            let again = message(day, 1, template(TemplateCategory::Authentication));
            assert_eq!(
                price(&mut c, &again, &delivered(false), cx),
                Ruling::free(Reason::InsideSameCategoryConversation)
            );
        });
    }

    #[test]
    fn the_entry_point_conversation_closes_every_other() {
        let day = Date::ymd(2023, 7, 3);
        let mut c = Conversations::default();
        let marketing = message(day, 0, template(TemplateCategory::Marketing));
        let reply = message(day, 1, template(TemplateCategory::Utility));
        let inside = message(day, 2, template(TemplateCategory::Marketing));
        with_context(&marketing, &settings(), |cx| {
            price(&mut c, &marketing, &delivered(false), cx);
            let r = price(&mut c, &reply, &opens_entry_point_window(), cx);
            assert_eq!(r.opened, Some(BillCategory::EntryPoint));
            assert_eq!(c.category_until, [Time::NEVER; 4]);
            assert_eq!(
                price(&mut c, &inside, &inside_entry_point_window(), cx),
                Ruling::free(Reason::InsideEntryPointConversation)
            );
        });
    }
}
