//! template-2018 (rule 6): each delivered template is charged, except inside the customer service
//! window. Entry points are tracked but give no discount (rule 5's decision).

use super::conversations::{Ruling, billable};
use super::windows::Delivery;
use super::{Context, Message, MessageKind, Reason};
use crate::pricing::Model;
use crate::pricing::ledger::Unit;
use crate::pricing::tiers::TierGroup;

const MODEL: Model = Model::Template2018;

/// Prices a delivered outbound message under template-2018.
#[inline(always)]
pub(super) fn price(message: &Message, delivery: &Delivery, cx: &Context<'_>) -> Ruling {
    match message.kind {
        // Rule 6: everything delivered while a CSW is open is free, templates included.
        MessageKind::Template(_) if delivery.service_window_open => Ruling::free(Reason::FreeInsideServiceWindow),
        // Rule 6: each delivered template is charged at its market's template rate, with monthly
        // volume bands (rule 21's counting, every charged template in one count).
        MessageKind::Template(category) => Ruling {
            reason: Reason::ChargedTemplate,
            bill: billable(cx, MODEL, category.bill_category(), Unit::Message, None, Some(TierGroup::Template)),
            opened: None,
        },
        // Rule 6: free-form messages are never charged.
        _ => Ruling::free(Reason::FreeFormNotCharged),
    }
}

#[cfg(test)]
mod tests {
    use super::super::TemplateCategory;
    use super::super::conversations::fixture::{delivered, message, settings, with_context};
    use super::*;
    use crate::time::Date;

    #[test]
    fn a_template_is_charged_outside_the_window_and_free_inside_it() {
        let m = message(Date::ymd(2021, 6, 1), 0, MessageKind::Template(TemplateCategory::Marketing));
        with_context(&m, &settings(), |cx| {
            let outside = price(&m, &delivered(false), cx);
            assert_eq!(outside.reason, Reason::ChargedTemplate);
            let bill = outside.bill.expect("billed");
            assert_eq!((bill.model, bill.unit, bill.tier), (MODEL, Unit::Message, Some(TierGroup::Template)));
            assert_eq!(outside.opened, None);
            assert_eq!(price(&m, &delivered(true), cx), Ruling::free(Reason::FreeInsideServiceWindow));
        });
    }

    #[test]
    fn free_form_is_never_charged() {
        let m = message(Date::ymd(2021, 6, 1), 0, MessageKind::FreeForm);
        with_context(&m, &settings(), |cx| {
            assert_eq!(price(&m, &delivered(true), cx), Ruling::free(Reason::FreeFormNotCharged));
        });
    }
}
