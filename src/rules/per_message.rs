//! The per-message models (rules 19–23): no conversations; each delivered message is priced
//! alone. per-message-2026 is per-message-2025 with rule 22's two differences and rule 23's
//! allowance, written out in its own function so that each reads as its rules do.

use super::conversations::{Ruling, billable};
use super::windows::Delivery;
use super::{Context, Message, MessageKind, Reason, TemplateCategory, is_authentication_international};
use crate::pricing::ledger::{FreeTier, Unit};
use crate::pricing::tiers::TierGroup;
use crate::pricing::{BillCategory, Model};
use crate::time::Time;

/// Prices a delivered outbound message under per-message-2025. `carried_utility_until` ends the
/// utility conversation carried over by rule 18 ([`Time::NEVER`]: none).
#[inline(always)]
pub(super) fn price_2025(
    message: &Message,
    delivery: &Delivery,
    carried_utility_until: Time,
    cx: &Context<'_>,
) -> Ruling {
    const MODEL: Model = Model::PerMessage2025;
    // Rule 20: the reply that opens the entry-point window is free…
    if delivery.opens_entry_point_window {
        return Ruling::free(Reason::OpensEntryPointWindow);
    }
    // Rule 20: …and so is everything delivered while it is open, templates included.
    if delivery.entry_point_window_open {
        return Ruling::free(Reason::InsideEntryPointWindow);
    }
    match message.kind {
        // Rule 19: marketing template: charged.
        MessageKind::Template(TemplateCategory::Marketing) => marketing(cx, MODEL),
        // Rule 19: authentication template: charged (at the international rate when rule 24 holds).
        MessageKind::Template(TemplateCategory::Authentication) => authentication(cx, MODEL),
        // Rule 19: utility template: free when a CSW is open at delivery;
        MessageKind::Template(TemplateCategory::Utility) if delivery.service_window_open => {
            Ruling::free(Reason::UtilityInsideServiceWindow)
        }
        // Rule 19 (decision): otherwise free when a utility conversation carried over by rule 18
        // is still open;
        MessageKind::Template(TemplateCategory::Utility) if message.time < carried_utility_until => {
            Ruling::free(Reason::InsideCarriedUtilityConversation)
        }
        // Rule 19: otherwise charged, in the month's utility volume tiers (rule 21).
        MessageKind::Template(TemplateCategory::Utility) => Ruling {
            reason: Reason::ChargedUtilityOutsideWindow,
            bill: billable(cx, MODEL, BillCategory::Utility, Unit::Message, None, Some(TierGroup::Utility)),
            opened: None,
        },
        // Rule 19: free-form message: free.
        _ => Ruling::free(Reason::FreeFormNotCharged),
    }
}

/// Prices a delivered outbound message under per-message-2026: as per-message-2025 (rules 19–21)
/// except for rule 22's two differences and rule 23's allowance, marked below. Rule 18's
/// carried-over utility conversation is per-message-2025's alone.
#[inline(always)]
pub(super) fn price_2026(message: &Message, delivery: &Delivery, cx: &Context<'_>) -> Ruling {
    const MODEL: Model = Model::PerMessage2026;
    // Rule 20, as under per-message-2025: the reply that opens the entry-point window is free…
    if delivery.opens_entry_point_window {
        return Ruling::free(Reason::OpensEntryPointWindow);
    }
    // Rule 20, as under per-message-2025: …and so is everything delivered while it is open.
    if delivery.entry_point_window_open {
        return Ruling::free(Reason::InsideEntryPointWindow);
    }
    match message.kind {
        // Rule 19, as under per-message-2025: marketing template: charged.
        MessageKind::Template(TemplateCategory::Marketing) => marketing(cx, MODEL),
        // Rule 19, as under per-message-2025: authentication template: charged (rule 24).
        MessageKind::Template(TemplateCategory::Authentication) => authentication(cx, MODEL),
        // Rule 22, the first difference: utility templates are charged inside the CSW too.
        MessageKind::Template(TemplateCategory::Utility) => Ruling {
            reason: Reason::ChargedUtility,
            bill: billable(cx, MODEL, BillCategory::Utility, Unit::Message, None, Some(TierGroup::Utility)),
            opened: None,
        },
        // Rule 22, the second difference: free-form messages are charged at the market's service
        // rate (never tiered). Rule 23: the first N of the month per business number are free,
        // by the month ledger's free tier; beyond it, a government or non-profit business's are
        // free while its exemption holds (Direct Send, priced as a template, is not free-form).
        _ => {
            let exempt = cx.settings.service_exempt_until.is_some_and(|last| cx.date <= last);
            let mut bill =
                billable(cx, MODEL, BillCategory::Service, Unit::Message, Some(FreeTier::FreeFormMessages), None);
            if let Some(b) = bill.as_mut() {
                b.exempt = exempt;
            }
            let reason = if exempt { Reason::ServiceExempt } else { Reason::ChargedFreeForm };
            Ruling { reason, bill, opened: None }
        }
    }
}

/// Rule 19: a marketing template is charged (volume tiers are for utility and authentication
/// only, rule 21).
#[inline(always)]
fn marketing(cx: &Context<'_>, model: Model) -> Ruling {
    Ruling {
        reason: Reason::ChargedMarketing,
        bill: billable(cx, model, BillCategory::Marketing, Unit::Message, None, None),
        opened: None,
    }
}

/// Rules 19 and 24: an authentication template is charged, at the market's
/// authentication-international rate when rule 24 holds; both count in the month's
/// authentication volume tiers (rule 21).
#[inline(always)]
fn authentication(cx: &Context<'_>, model: Model) -> Ruling {
    let (category, reason) = if is_authentication_international(cx, model) {
        (BillCategory::AuthenticationInternational, Reason::ChargedAuthenticationInternational)
    } else {
        (BillCategory::Authentication, Reason::ChargedAuthentication)
    };
    Ruling {
        reason,
        bill: billable(cx, model, category, Unit::Message, None, Some(TierGroup::Authentication)),
        opened: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::conversations::fixture::{
        delivered, inside_entry_point_window, message, opens_entry_point_window, settings, with_context,
    };
    use super::*;
    use crate::time::{Date, HOUR};

    fn template(c: TemplateCategory) -> MessageKind {
        MessageKind::Template(c)
    }

    /// Rule 19 and 22 side by side: (kind, CSW open) → reason under 2025 and under 2026.
    #[test]
    fn per_message_2026_differs_from_2025_in_utility_and_free_form_only() {
        let cases = [
            (template(TemplateCategory::Marketing), false, Reason::ChargedMarketing, Reason::ChargedMarketing),
            (template(TemplateCategory::Marketing), true, Reason::ChargedMarketing, Reason::ChargedMarketing),
            (
                template(TemplateCategory::Authentication),
                true,
                Reason::ChargedAuthentication,
                Reason::ChargedAuthentication,
            ),
            (template(TemplateCategory::Utility), true, Reason::UtilityInsideServiceWindow, Reason::ChargedUtility),
            (template(TemplateCategory::Utility), false, Reason::ChargedUtilityOutsideWindow, Reason::ChargedUtility),
            (MessageKind::FreeForm, true, Reason::FreeFormNotCharged, Reason::ChargedFreeForm),
        ];
        for (kind, csw, in_2025, in_2026) in cases {
            let m = message(Date::ymd(2026, 1, 20), 0, kind);
            with_context(&m, &settings(), |cx| {
                let d = delivered(csw);
                assert_eq!(price_2025(&m, &d, Time::NEVER, cx).reason, in_2025, "{kind:?}, CSW {csw}");
                assert_eq!(price_2026(&m, &d, cx).reason, in_2026, "{kind:?}, CSW {csw}");
            });
        }
    }

    #[test]
    fn free_form_under_2026_uses_the_allowance_and_no_tier() {
        let m = message(Date::ymd(2026, 10, 5), 0, MessageKind::FreeForm);
        with_context(&m, &settings(), |cx| {
            let bill = price_2026(&m, &delivered(true), cx).bill.expect("billed");
            assert_eq!(
                (bill.category, bill.free_tier, bill.tier),
                (BillCategory::Service, Some(FreeTier::FreeFormMessages), None)
            );
        });
    }

    #[test]
    fn a_carried_utility_conversation_keeps_utility_free_until_it_expires() {
        let m = message(Date::ymd(2025, 7, 1), 3, template(TemplateCategory::Utility));
        let until = m.time.plus(HOUR);
        with_context(&m, &settings(), |cx| {
            let r = price_2025(&m, &delivered(false), until, cx);
            assert_eq!(r, Ruling::free(Reason::InsideCarriedUtilityConversation));
            let r = price_2025(&m, &delivered(false), m.time, cx);
            assert_eq!(r.reason, Reason::ChargedUtilityOutsideWindow, "half-open: expired at its end");
        });
    }

    #[test]
    fn everything_in_the_entry_point_window_is_free_under_both() {
        let m = message(Date::ymd(2026, 10, 5), 0, template(TemplateCategory::Marketing));
        with_context(&m, &settings(), |cx| {
            for (d, reason) in [
                (opens_entry_point_window(), Reason::OpensEntryPointWindow),
                (inside_entry_point_window(), Reason::InsideEntryPointWindow),
            ] {
                assert_eq!(price_2025(&m, &d, Time::NEVER, cx), Ruling::free(reason));
                assert_eq!(price_2026(&m, &d, cx), Ruling::free(reason));
            }
        });
    }
}
