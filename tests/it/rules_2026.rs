//! The rules as amended for September–October 2026 (rules 1, 4, 5, 23, 24 changed; 27–30 new):
//! the worked examples F1, R1 and DS1 of `docs/rules.md`, and a hand-computed timeline for each
//! changed or new rule. Rates are the bundled cards': per-message-2026 of 2026-10-01 (Brazil
//! marketing 0.0625, utility and service 0.0068; India marketing 0.0118, utility and service
//! 0.0014), per-message-2025 of 2026-01-01 (India utility 0.0014, authentication-international
//! 0.0280), category-2023 of 2024-10-01 (Brazil marketing 0.0625), conversation-2022 of
//! 2022-02-01 (Brazil business-initiated 0.0500).

use crate::support::{book, check, check_error, options, options_intl};
use wasim::Date;

#[test]
fn worked_example_f1_a_seven_day_entry_point_window() {
    // Rule 5: an entry-point window opened on or after 2026-09-28 lasts 7 days (168 h).
    let script = "2026-10-05T10:00:00Z BR ep
                  2026-10-05T10:30:00Z BR ff free         # opens the window until 2026-10-12T10:30Z
                  2026-10-08T12:00:00Z BR mk free
                  2026-10-12T10:29:00Z BR mk free
                  2026-10-12T10:30:00Z BR mk 0.0625       # the window is half-open";
    check("F1", &book(), &options("per-message-2026", 1000), "2026-10-05T00:00:00Z", script);
    // With --entry-point-hours 72 the window ends 2026-10-08T10:30Z.
    let mut hours_72 = options("per-message-2026", 1000);
    hours_72.settings.entry_point_hours = Some(72);
    let script = "2026-10-05T10:00:00Z BR ep
                  2026-10-05T10:30:00Z BR ff free
                  2026-10-08T12:00:00Z BR mk 0.0625
                  2026-10-12T10:29:00Z BR mk 0.0625";
    check("F1 at 72 h", &book(), &hours_72, "2026-10-05T00:00:00Z", script);
}

#[test]
fn rule_05_the_switch_to_seven_days_falls_on_2026_09_28() {
    // The reply's date decides: opened on 2026-09-27 (23:00) the window lasts 72 h, opened on
    // 2026-09-28 (00:00) it lasts 168 h. India marketing, per-message-2025 card of 2026-01-01.
    let before = "0h  a IN ep
                  23h a IN ff free                # 2026-09-27 23:00: window to 2026-09-30 23:00
                  94h a IN mk free
                  95h a IN mk 0.0118";
    check("opened 09-27", &book(), &options("per-message-2025", 0), "2026-09-27T00:00:00Z", before);
    let after = "1h   b IN ep
                 24h  b IN ff free                # 2026-09-28 00:00: window to 2026-10-05 00:00
                 95h  b IN mk free
                 191h b IN mk free
                 192h b IN mk 0.0118";
    check("opened 09-28", &book(), &options("per-message-2025", 0), "2026-09-27T00:00:00Z", after);
}

#[test]
fn worked_example_r1_reactions() {
    // Rule 23 (per-message-2026, free tier 0): the reaction is free and uses no allowance, the
    // free-form answer is charged at the service rate; a reaction with the window closed is
    // blocked (131047).
    let script = "9h      BR in
                  9h1m    BR re free
                  9h2m    BR ff 0.0068
                  1d9h    BR re blocked";
    let run = check("R1", &book(), &options("per-message-2026", 0), "2026-10-05T00:00:00Z", script);
    assert_eq!(run.bill.messages.blocked, 1);
    // With a free tier of 1 the answer takes it: the reaction did not.
    let script = "9h      BR in
                  9h1m    BR re free
                  9h2m    BR ff tier
                  9h3m    BR ff 0.0068";
    check("R1, free tier 1", &book(), &options("per-message-2026", 1), "2026-10-05T00:00:00Z", script);
}

#[test]
fn rule_23_reactions_open_nothing_under_any_model() {
    // A reaction is not the business's reply: the armed entry point stays armed (the template
    // after it opens the window), and under category-2023 no service conversation opens.
    let entry = "0h BR ep
                 1h BR re free
                 2h BR mk free opens=entry_point";
    check("armed stays armed", &book(), &options("category-2023", 0), "2024-10-07T00:00:00Z", entry);
    let service = "0h BR in
                   1h BR re free opens=-
                   2h BR ff 0.0300 opens=service";
    check("no conversation", &book(), &options("category-2023", 0), "2024-10-07T00:00:00Z", service);
}

#[test]
fn worked_example_ds1_direct_send() {
    // Rule 28 (per-message-2025, India): Direct Send of utility with no window open is delivered
    // and charged as a utility template; inside the window it is free as one (rule 19); under
    // per-message-2026 charged inside the window too (rule 22).
    let script = "0h IN du 0.0014 as=utility
                  1h IN in
                  2h IN du free";
    check("DS1", &book(), &options("per-message-2025", 0), "2026-01-05T00:00:00Z", script);
    let script = "0h IN du 0.0014 as=utility
                  1h IN in
                  2h IN du 0.0014 as=utility";
    check("DS1 under 2026", &book(), &options("per-message-2026", 0), "2026-10-05T00:00:00Z", script);
    // Direct Send is not a service message: the free tier never covers it.
    let script = "0h IN in
                  1h IN du 0.0014
                  2h IN ff tier";
    check("DS1, free tier", &book(), &options("per-message-2026", 5), "2026-10-05T00:00:00Z", script);
}

#[test]
fn rule_28_direct_send_of_authentication_takes_rule_24() {
    // Direct Send of authentication is priced as an authentication template, at the
    // international rate when rule 24 holds (India 0.0280 on the 2026-01-01 card).
    let script = "0h IN da 0.0280 as=authentication_international";
    check("DS auth", &book(), &options_intl("per-message-2025", "BR", "2026-01-01"), "2026-01-05T00:00:00Z", script);
}

#[test]
fn rule_01_a_call_opens_the_window_and_is_not_a_message() {
    // A call opens the customer service window: the free-form answer is delivered (free under
    // per-message-2025). A call arms no entry point: the template after it is charged.
    let script = "0h IN cl
                  1h IN ff free
                  2h IN mk 0.0118
                  25h IN ff blocked                # 24 h after the call";
    let run = check("calls", &book(), &options("per-message-2025", 0), "2026-01-05T00:00:00Z", script);
    assert_eq!((run.bill.messages.inbound, run.bill.messages.calls), (1, 1));
    // The per-inbound provider fee is per message: a call takes none.
    let mut with_fees = options("per-message-2025", 0);
    with_fees.fees.per_inbound = wasim::Money::parse("0.001").unwrap();
    let script = "0h IN in
                  1h IN cl
                  2h IN ff free";
    let run = check("call fees", &book(), &with_fees, "2026-01-05T00:00:00Z", script);
    assert_eq!(run.bill.provider_fees(&with_fees.fees).1, wasim::Money::parse("0.001").unwrap());
}

#[test]
fn rule_23_a_government_exemption_covers_what_is_beyond_the_free_tier() {
    // Exempt until 2026-10-06, free tier 2: the month's first two free-form messages take the
    // free tier, the next are exempt while the exemption holds, then charged. Direct Send is
    // never exempt.
    let mut exempt = options("per-message-2026", 2);
    exempt.settings.service_exempt_until = Some(Date::parse("2026-10-06").unwrap());
    let script = "0h  BR in
                  1h  BR ff tier
                  2h  BR ff tier
                  3h  BR ff exempt
                  4h  BR du 0.0068
                  24h BR in
                  25h BR ff exempt                # 2026-10-06 01:00, the last exempt day
                  48h BR in
                  49h BR ff 0.0068                # 2026-10-07";
    let run = check("exemption", &book(), &exempt, "2026-10-05T00:00:00Z", script);
    let exempt_reason = run.bill.reasons.iter().find(|((_, r), _)| r.text().contains("government"));
    assert_eq!(exempt_reason.map(|(_, t)| t.messages), Some(2));
}

#[test]
fn rule_27_several_business_numbers() {
    // Windows, entry points and conversations are per (number, customer): the customer writes
    // to `sales`; a free-form answer from `support` is blocked. Rule 23's free tier is per
    // number (size 1): one free-form message free on each number.
    let script = "0h  c BR in num=sales
                  1h  c BR ff tier num=sales
                  2h  c BR ff blocked num=support
                  3h  c BR in num=support
                  4h  c BR ff tier num=support
                  5h  c BR ff 0.0068 num=support
                  6h  c BR ff 0.0068 num=sales";
    let run = check("numbers", &book(), &options("per-message-2026", 1), "2026-10-05T00:00:00Z", script);
    assert_eq!((run.bill.numbers, run.bill.customers), (2, 1));
    // Each decision says which number it went through.
    let log = crate::support::log_of("2026-10-05T00:00:00Z", script);
    let (_, decisions) = crate::support::bill_csv(&log, &book(), &options("per-message-2026", 1)).unwrap();
    let numbers: Vec<&str> = decisions.iter().map(|d| d.number.as_deref().unwrap_or("-")).collect();
    assert_eq!(numbers, ["sales", "sales", "support", "support", "support", "support", "sales"]);
    // Rule 10's free tier stays per business: under conversation-2022, a free tier of 1 covers
    // the first conversation of the business, whatever its number.
    let script = "0h a BR mk tier num=one
                  1h b BR mk 0.0500 num=two";
    check("rule 10 per business", &book(), &options("conversation-2022", 1), "2022-06-06T00:00:00Z", script);
    // An entry point armed at one number is not answered by the other's template.
    let script = "0h  c BR ep num=sales
                  1h  c BR mk 0.0625 num=support
                  2h  c BR mk free num=sales";
    check("entry points per number", &book(), &options("per-message-2026", 0), "2026-10-05T00:00:00Z", script);
}

#[test]
fn rule_29_a_reported_price_and_a_cap() {
    // Brazil marketing 0.0625 on the 2026-10-01 card. A reported price is the charge (even above
    // the cap); a cap alone charges the lower of cap and card; every free rule applies first.
    let script = "0h  BR mk 0.0400 price=0.0400 card=0.0625
                  1h  BR mk 0.0300 max=0.0300 card=0.0625
                  2h  BR mk 0.0625 max=0.0900 card=0.0625
                  3h  BR mk 0.0500 price=0.0500 max=0.0300 card=0.0625
                  4h  BR ml 0.0450 price=0.0450 card=0.0625     # marketing_lite
                  5h  BR ep
                  6h  BR ff free
                  7h  BR mk free price=0.0400                    # inside the entry-point window";
    let run = check("max price", &book(), &options("per-message-2026", 0), "2026-10-05T00:00:00Z", script);
    let c = run.bill.capped;
    assert_eq!(c.messages, 5);
    assert_eq!((c.cost.to_string(), c.card_cost.to_string()), ("0.2275".to_owned(), "0.3125".to_owned()));
    // Under category-2023 the price replaces the marketing conversation's charge; inside the
    // open conversation the next one is free.
    let script = "0h BR mk 0.0400 price=0.0400 opens=marketing card=0.0625
                  1h BR mk free price=0.0400";
    check("price under category-2023", &book(), &options("category-2023", 0), "2024-10-07T00:00:00Z", script);
    // A missing rate is still an error with a price (Hong Kong is on no per-message-2025 card
    // after 2026-07-01).
    let e = check_error(&book(), &options("per-message-2025", 0), "2026-08-03T00:00:00Z", "0h HK mk price=0.0100");
    assert!(e.contains("does not list market Hong Kong"), "{e}");
}

#[test]
fn rule_30_unmodelled_rows_are_counted_and_have_no_effect() {
    // Between a customer's message and the answer, unmodelled rows change nothing: the answer is
    // still inside the window and the free tier of 1 is still unused.
    let script = "0h BR in
                  1h BR ai unmodelled
                  2h BR gm unmodelled
                  3h BR ff tier
                  4h BR ff 0.0068";
    let run = check("unmodelled", &book(), &options("per-message-2026", 1), "2026-10-05T00:00:00Z", script);
    let m = run.bill.messages;
    assert_eq!((m.inbound, m.outbound, m.unmodelled), (1, 2, 2));
    let by: Vec<(&str, u64)> = run.bill.unmodelled.iter().map(|(u, n)| (u.id(), *n)).collect();
    assert_eq!(by, [("general_purpose_ai", 1), ("group_marketing", 1)]);
}

#[test]
fn rule_24_is_only_for_category_2023_and_the_per_message_models() {
    // A business in Brazil, eligible: an authentication template to India is priced as any
    // template under template-2018, even with the card giving an international rate; under
    // category-2023 it takes the international rate (0.0280 on the 2024-10-01 card).
    let card = wasim::UserFile {
        name: "template-2018_2018-01-01.csv",
        text: "Market,Currency,Template,Authentication-International\nIndia,USD,0.0050,0.0900\n",
    };
    let book_2018 = wasim::RateBook::with_user_files(&[card], None, None).unwrap();
    let t2018 = "0h IN au 0.0050 as=authentication";
    check(
        "rule 24, template-2018",
        &book_2018,
        &options_intl("template-2018", "BR", "2018-01-01"),
        "2021-06-07T00:00:00Z",
        t2018,
    );
    let c2023 = "0h IN au 0.0280 as=authentication_international";
    check(
        "rule 24, category-2023",
        &book(),
        &options_intl("category-2023", "BR", "2024-01-01"),
        "2024-10-07T00:00:00Z",
        c2023,
    );
}

#[test]
fn logs_of_the_new_row_types_are_checked() {
    // One line naming row and column for each kind of bad row.
    let bad = [
        ("out,call,,BR", "type", "expected template, freeform or reaction"),
        ("out,template,promo,BR", "category", "marketing_lite"),
        ("out,reaction,utility,BR", "category", "no category"),
        ("in,call,marketing,BR", "category", "no category"),
        ("out,freeform,marketing,BR", "category", "Direct Send"),
    ];
    for (row, column, words) in bad {
        let log = format!("time,customer,direction,type,category,country\n2026-10-05T00:00:00Z,c,{row}\n");
        let e = crate::support::bill_csv(&log, &book(), &options("auto", 0)).unwrap_err().to_string();
        assert!(e.starts_with("line 2 (row 1), column `") && e.contains(&format!("`{column}`")), "{row}: {e}");
        assert!(e.contains(words), "{row}: {e}");
    }
    let header = "time,customer,direction,type,category,country,business_number,price,max_price\n";
    let bad = [
        ("out,template,utility,BR,main,0.01,", "price", "marketing templates only"),
        ("out,template,marketing,BR,main,-0.01,", "price", "non-negative"),
        ("out,freeform,,BR,main,,0.02", "max_price", "marketing templates only"),
        ("in,message,,BR,main,0.01,", "price", "marketing templates only"),
        ("out,template,marketing,BR,,,", "business_number", "empty"),
        ("out,freeform,group_utility,BR,main,0.01,", "price", "group_utility"),
    ];
    for (row, column, words) in bad {
        let log = format!("{header}2026-10-05T00:00:00Z,c,{row}\n");
        let e = crate::support::bill_csv(&log, &book(), &options("auto", 0)).unwrap_err().to_string();
        assert!(e.starts_with(&format!("line 2 (row 1), column `{column}`")), "{row}: {e}");
        assert!(e.contains(words), "{row}: {e}");
    }
}
