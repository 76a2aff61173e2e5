//! Every worked example of `docs/rules.md`, the seeds' own examples, and a worked timeline for
//! each numbered rule 1–26, each with charges computed by hand from the bundled rate cards.
//!
//! Rates used (USD, from `rates/*.csv`):
//! - category-2023 card 2023-06-01: Brazil marketing 0.0625, utility 0.0350, authentication
//!   0.0315, service 0.0300; Chile utility and service empty.
//! - category-2023 card 2024-10-01: Brazil marketing 0.0625, utility 0.0080, authentication
//!   0.0315 (authentication-international empty), service 0.0300; India authentication 0.0014,
//!   authentication-international 0.0280.
//! - conversation-2022 card 2022-02-01: Brazil business-initiated 0.0500, user-initiated 0.0300.
//! - per-message-2025 card 2025-07-01: India marketing 0.0107, utility/authentication 0.0014;
//!   Brazil marketing 0.0625, utility/authentication 0.0068.
//! - per-message-2025 card 2026-01-01: India marketing 0.0118, utility/authentication 0.0014,
//!   authentication-international 0.0280; North America authentication 0.0034 (no
//!   international rate).
//! - per-message-2026 card 2026-10-01: India marketing 0.0118, utility/authentication/service
//!   0.0014 (authentication-international empty); Brazil marketing 0.0625, utility/service 0.0068;
//!   Indonesia authentication-international 0.1360.
//!
//! Unless a test says otherwise the allowance (free tier) is 0, so every billable unit is charged.

use crate::support::{bill_csv, book, book_with_tiers, check, check_error, money, options, options_intl, options_tz};
use wasim::{RateBook, UserFile};

/// A timeline under the bundled cards: pricing, allowance size, base time, script.
struct Case {
    name: &'static str,
    pricing: &'static str,
    allowance: u64,
    base: &'static str,
    script: &'static str,
}

fn run_cases(cases: &[Case]) {
    let book = book();
    for c in cases {
        check(c.name, &book, &options(c.pricing, c.allowance), c.base, c.script);
    }
}

// ---------------------------------------------------------------------------------------------
// The worked examples of rules.md.

#[test]
fn worked_example_c1() {
    // Brazil, card 2023-06-01: marketing 0.0625 + utility 0.0350 = 0.0975; the hour-10 utility
    // template falls inside the utility conversation opened at hour 4.
    let run = check(
        "C1",
        &book(),
        &options("category-2023", 1000),
        "2023-07-03T00:00:00Z",
        "0h  BR mk 0.0625 opens=marketing
         4h  BR ut 0.0350 opens=utility
         10h BR ut free   opens=-",
    );
    assert_eq!(run.bill.total_cost(), money("0.0975"));
    assert_eq!(run.conversations("marketing"), 1);
    assert_eq!(run.conversations("utility"), 1);
    assert_eq!(run.conversation_counts().values().sum::<u64>(), 2, "two conversations in all");
}

#[test]
fn worked_example_c2() {
    let book = book();
    // From 2024-11-01 the service conversation opened at hour 25 is free (rule 16). Card
    // 2024-10-01: Brazil marketing 0.0625. Total 0.0625.
    let after = "0h  BR mk 0.0625 opens=marketing
                 4h  BR in
                 5h  BR ff free opens=-          # marketing conversation open (0h..24h)
                 25h BR ff free opens=service    # CSW 4h..28h open, no conversation: service opens
                 26h BR ff free opens=-";
    let run = check("C2 from 2024-11", &book, &options("category-2023", 1000), "2024-11-04T00:00:00Z", after);
    assert_eq!((run.conversations("marketing"), run.conversations("service")), (1, 1));
    // Before that, the service conversation is inside the month's first 1,000: free by the tier.
    let before = after.replace("25h BR ff free", "25h BR ff tier");
    let run = check("C2 in 2023, free tier", &book, &options("category-2023", 1000), "2023-07-03T00:00:00Z", &before);
    assert_eq!((run.conversations("marketing"), run.conversations("service")), (1, 1));
    // With no free tier it is charged at Brazil's service rate: 0.0625 + 0.0300 = 0.0925.
    let charged = after.replace("25h BR ff free", "25h BR ff 0.0300");
    let run = check("C2 in 2023, no free tier", &book, &options("category-2023", 0), "2023-07-03T00:00:00Z", &charged);
    assert_eq!(run.bill.total_cost(), money("0.0925"));
}

#[test]
fn worked_example_c3() {
    // Click-to-WhatsApp ad at 10:00, template at 22:00: entry-point conversation 22:00 → +72 h
    // (until day 3, 22:00); free-form only while the CSW (10:00 → next day 10:00) is open, unless
    // the customer writes again. Zero charges.
    let run = check(
        "C3",
        &book(),
        &options("category-2023", 0),
        "2023-07-03T00:00:00Z",
        "10h    BR ep
         22h    BR ut free opens=entry_point
         23h    BR ff free opens=-
         33h59m BR ff free
         34h    BR ff blocked        # next day 10:00: CSW closed, entry point or not
         40h    BR mk free opens=-   # templates free inside the entry-point conversation
         50h    BR in                # the customer writes again: CSW 50h..74h
         51h    BR ff free opens=-
         93h59m BR au free opens=-",
    );
    assert_eq!(run.bill.total_cost(), money("0"));
    assert_eq!(run.conversation_counts().into_iter().collect::<Vec<_>>(), [("entry_point".to_owned(), 1)]);
    assert_eq!(run.bill.messages.blocked, 1);
    // The entry-point conversation ends at 22:00 + 72 h = hour 94: a template then opens a
    // charged marketing conversation (Brazil 0.0625).
    check(
        "C3, after the entry-point conversation",
        &book(),
        &options("category-2023", 0),
        "2023-07-03T00:00:00Z",
        "10h BR ep
         22h BR ut free opens=entry_point
         94h BR mk 0.0625 opens=marketing",
    );
}

const P1: &str = "0h  {C} mk {MK}
                  2h  {C} in
                  3h  {C} ff {FF}
                  4h  {C} ut {UT4}
                  30h {C} ut {UT30}   # CSW 2h..26h closed";

fn p1(country: &str, mk: &str, ff: &str, ut4: &str, ut30: &str) -> String {
    P1.replace("{C}", country).replace("{MK}", mk).replace("{FF}", ff).replace("{UT4}", ut4).replace("{UT30}", ut30)
}

#[test]
fn worked_example_p1() {
    let book = book();
    // India, card 2026-01-01: marketing 0.0118 + utility 0.0014 = 0.0132.
    let run = check(
        "P1 India",
        &book,
        &options("per-message-2025", 1000),
        "2026-01-05T00:00:00Z",
        &p1("IN", "0.0118", "free", "free", "0.0014"),
    );
    assert_eq!(run.bill.total_cost(), money("0.0132"));
    // Brazil, card 2025-07-01: marketing 0.0625 + utility 0.0068 = 0.0693.
    let run = check(
        "P1 Brazil",
        &book,
        &options("per-message-2025", 1000),
        "2025-07-07T00:00:00Z",
        &p1("BR", "0.0625", "free", "free", "0.0068"),
    );
    assert_eq!(run.bill.total_cost(), money("0.0693"));
}

#[test]
fn worked_example_p1_under_per_message_2026() {
    let book = book();
    // India, card 2026-10-01: four charges 0.0118 + 3 × 0.0014 = 0.0160.
    let run = check(
        "P1/2026 India, no allowance",
        &book,
        &options("per-message-2026", 0),
        "2026-10-05T00:00:00Z",
        &p1("IN", "0.0118", "0.0014", "0.0014", "0.0014"),
    );
    assert_eq!(run.charged("service") + run.charged("utility") + run.charged("marketing"), 4);
    // Three when the free-form is in the month's allowance: 0.0118 + 2 × 0.0014 = 0.0146.
    let run = check(
        "P1/2026 India, allowance",
        &book,
        &options("per-message-2026", 1000),
        "2026-10-05T00:00:00Z",
        &p1("IN", "0.0118", "tier", "0.0014", "0.0014"),
    );
    assert_eq!(run.bill.total_cost(), money("0.0146"));
    // Brazil: 0.0625 + 3 × 0.0068 = 0.0829, or 0.0625 + 2 × 0.0068 = 0.0761.
    let run = check(
        "P1/2026 Brazil, no allowance",
        &book,
        &options("per-message-2026", 0),
        "2026-10-05T00:00:00Z",
        &p1("BR", "0.0625", "0.0068", "0.0068", "0.0068"),
    );
    assert_eq!(run.bill.total_cost(), money("0.0829"));
    let run = check(
        "P1/2026 Brazil, allowance",
        &book,
        &options("per-message-2026", 1000),
        "2026-10-05T00:00:00Z",
        &p1("BR", "0.0625", "tier", "0.0068", "0.0068"),
    );
    assert_eq!(run.bill.total_cost(), money("0.0761"));
}

#[test]
fn worked_example_p2() {
    run_cases(&[
        // 0.0118 + 0.0014 + 0.0014 = 0.0146: three charges.
        Case {
            name: "P2 no CSW",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h IN mk 0.0118
                     1h IN ut 0.0014
                     2h IN ut 0.0014",
        },
        // Utility inside the CSW: one charge, 0.0118.
        Case {
            name: "P2 inside CSW",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h IN in
                     1h IN mk 0.0118
                     2h IN ut free
                     3h IN ut free",
        },
    ]);
}

#[test]
fn worked_example_p4_volume_tiers() {
    // Thresholds A = 3, B = 5: messages 1..3 at the list rate (India authentication 0.0014 on
    // card 2026-01-01), 4..5 at tier 1 (0.0010), 6.. at tier 2 (0.0008). Counted across the
    // business (two customers), per market (the Brazil message has its own count), only charged
    // messages (the failed one does not count), and February starts again at 1.
    // January: 3 × 0.0014 + 2 × 0.0010 + 2 × 0.0008 = 0.0042 + 0.0020 + 0.0016 = 0.0078
    // Brazil:  0.0068 (its first, list rate)
    // February: 2 × 0.0014 = 0.0028.            Total 0.0078 + 0.0068 + 0.0028 = 0.0174.
    let book =
        book_with_tiers("market,category,from,rate\nIndia,authentication,4,0.0010\nIndia,authentication,6,0.0008\n");
    check(
        "P4",
        &book,
        &options("per-message-2025", 0),
        "2026-01-05T00:00:00Z",
        "0h  a IN au 0.0014
         1h  b IN au 0.0014
         2h  a IN au! failed
         3h  a IN au 0.0014
         4h  d BR au 0.0068
         5h  b IN au 0.0010
         6h  a IN au 0.0010
         7h  b IN au 0.0008
         8h  a IN au 0.0008
         2026-02-01T00:00:00Z a IN au 0.0014
         2026-02-01T01:00:00Z b IN au 0.0014",
    );
}

// ---------------------------------------------------------------------------------------------
// The seeds' own examples.

#[test]
fn seed_001_hour_by_hour() {
    // Seed 001 gives C1 and C2 (above); it also says a service conversation needs an open customer
    // service window: a free-form message inside the marketing conversation but without a CSW is
    // blocked, not free.
    run_cases(&[Case {
        name: "seed 001: free-form needs the CSW even in an open conversation",
        pricing: "category-2023",
        allowance: 0,
        base: "2023-07-03T00:00:00Z",
        script: "0h BR mk 0.0625 opens=marketing
                 1h BR ff blocked
                 2h BR in
                 3h BR ff free opens=-",
    }]);
}

#[test]
fn seeds_000_003_every_inbound_restarts_the_window() {
    run_cases(&[
        Case {
            name: "seed 000/003 per-message-2025",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h     IN in
                     20h    IN in          # restarts: CSW now 20h..44h
                     43h59m IN ff free
                     44h    IN ff blocked  # closed: 131047
                     45h    IN mk 0.0118   # a template may be sent...
                     46h    IN ff blocked  # ...but reopens nothing
                     47h    IN in          # until the customer replies
                     47h30m IN ff free",
        },
        Case {
            // Same under category-2023 (Brazil, card 2023-06-01): service 0.0300 + marketing
            // 0.0625 = 0.0925.
            name: "seed 000/003 category-2023",
            pricing: "category-2023",
            allowance: 0,
            base: "2023-07-03T00:00:00Z",
            script: "0h     BR in
                     20h    BR in
                     21h    BR ff 0.0300 opens=service   # service 21h..45h
                     43h59m BR ff free
                     44h    BR ff blocked                # service conversation open, CSW not
                     45h    BR mk 0.0625 opens=marketing
                     46h    BR ff blocked
                     47h    BR in
                     47h30m BR ff free opens=-           # inside the marketing conversation",
        },
    ]);
    let error = |text: &str| text.contains("131047");
    let (_, decisions) = bill_csv(
        "time,customer,direction,type,category,country\n2026-01-05T00:00:00Z,c,out,freeform,,IN\n",
        &book(),
        &options("per-message-2025", 0),
    )
    .unwrap();
    assert!(error(decisions[0].priced.reason.text()), "blocked names 131047: {}", decisions[0].priced.reason.text());
}

// ---------------------------------------------------------------------------------------------
// Windows (rules 1–5).

#[test]
fn rule_01_customer_service_window_is_half_open() {
    run_cases(&[Case {
        name: "rule 1",
        pricing: "per-message-2025",
        allowance: 0,
        base: "2026-01-05T00:00:00Z",
        script: "0h     IN in
                 24h-1s IN ut free
                 24h-1s IN ff free
                 24h    IN ut 0.0014   # [0h, 24h): closed at 24h
                 24h    IN ff blocked",
    }]);
}

#[test]
fn rule_01_entry_point_inbound_opens_the_window_too() {
    run_cases(&[Case {
        name: "rule 1, entry-point inbound",
        pricing: "category-2023",
        allowance: 0,
        base: "2023-07-03T00:00:00Z",
        script: "0h  BR ep
                 1h  BR ff free opens=entry_point   # the reply opens the entry-point conversation
                 23h BR ff free
                 24h BR ff blocked",
    }]);
}

#[test]
fn rule_02_blocked_beats_failed() {
    let run = check(
        "rule 2",
        &book(),
        &options("per-message-2025", 0),
        "2026-01-05T00:00:00Z",
        "0h IN ff! blocked   # no CSW: blocked, although the row says failed
         1h IN in
         2h IN ff! failed
         3h IN mk! failed
         4h IN mk 0.0118",
    );
    let m = run.bill.messages;
    assert_eq!((m.inbound, m.outbound, m.delivered, m.blocked, m.suppressed, m.failed), (1, 4, 1, 1, 0, 2));
}

#[test]
fn rule_05_entry_points() {
    // Under per-message-2025 (India, card 2026-01-01: marketing 0.0118, utility 0.0014) a charge
    // shows where the entry-point window is not open.
    let cases = [
        Case {
            name: "rule 5: arming, 72 h window from the reply",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h     IN ep
                     10h    IN mk free       # reply within 24 h opens the window 10h..82h
                     82h-1s IN mk free
                     82h    IN mk 0.0118",
        },
        Case {
            name: "rule 5: a later entry-point inbound re-arms",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h   IN ep
                     20h  IN ep              # re-armed: now 20h..44h
                     40h  IN mk free         # would have lapsed at 24h; opens 40h..112h
                     111h IN mk free
                     112h IN mk 0.0118",
        },
        Case {
            name: "rule 5: lapses at exactly 24 h",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h  IN ep
                     24h IN mk 0.0118        # at t_e + 24 h: lapses, priced normally
                     25h IN mk 0.0118",
        },
        Case {
            name: "rule 5: lapses after 24 h",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h  IN ep
                     30h IN ut 0.0014        # CSW 0h..24h closed: utility charged
                     31h IN mk 0.0118",
        },
        Case {
            // A blocked outbound cannot occur while armed (the entry-point inbound opened the CSW
            // for exactly the 24 h the arming lasts), so only failures are observable here.
            name: "rule 5: failed outbounds leave it armed",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h  IN ep
                     1h  IN mk! failed
                     2h  IN ff! failed
                     3h  IN mk free          # still armed: opens 3h..75h
                     74h IN mk free
                     75h IN mk 0.0118",
        },
        Case {
            name: "rule 5: free-form still needs the CSW",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h  IN ep
                     1h  IN mk free          # window 1h..73h
                     23h IN ff free
                     24h IN ff blocked       # CSW 0h..24h closed, entry-point window open
                     24h IN au free          # templates are still free in the window
                     30h IN in
                     31h IN ff free
                     72h IN mk free
                     73h IN mk 0.0118",
        },
        Case {
            name: "rule 5: an entry-point inbound while the window is open does not arm",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h  IN ep
                     1h  IN mk free          # window 1h..73h
                     50h IN ep               # window open: nothing armed
                     60h IN mk free
                     73h IN mk 0.0118        # armed at 50h it would have opened a new window",
        },
        Case {
            // conversation-2022 (Brazil business-initiated 0.0500): the reply on 2023-02-27 opens
            // a 24 h window (10h..34h).
            name: "rule 5: 24 h window when the reply is before 2023-03-01",
            pricing: "conversation-2022",
            allowance: 0,
            base: "2023-02-27T00:00:00Z",
            script: "0h     BR ep
                     10h    BR mk free opens=entry_point
                     33h59m BR mk free
                     34h    BR mk 0.0500 opens=business_initiated   # CSW 0h..24h closed",
        },
        Case {
            // The entry point is armed on 2023-02-28, the reply comes on 2023-03-01 01:00: 72 h.
            name: "rule 5: 72 h window when the reply is on 2023-03-01",
            pricing: "conversation-2022",
            allowance: 0,
            base: "2023-02-28T00:00:00Z",
            script: "20h    BR ep
                     25h    BR mk free opens=entry_point           # window 25h..97h
                     96h59m BR mk free
                     97h    BR mk 0.0500 opens=business_initiated",
        },
    ];
    run_cases(&cases);
}

// ---------------------------------------------------------------------------------------------
// template-2018 (rule 6): no bundled card; the user passes one.

fn template_2018_book(tiers: Option<&str>) -> RateBook {
    let card = UserFile {
        name: "template-2018_2018-01-01.csv",
        text: "Market,Currency,Template\nIndia,USD,0.0050\nBrazil,USD,0.0080\n",
    };
    let tiers = tiers.map(|text| UserFile { name: "tiers.csv", text });
    RateBook::with_user_files(&[card], None, tiers).expect("test card and tiers")
}

#[test]
fn rule_06_template_2018() {
    // Every template outside a CSW is charged at 0.0050 (India); inside, everything is free.
    let run = check(
        "rule 6",
        &template_2018_book(None),
        &options("template-2018", 0),
        "2021-06-07T00:00:00Z",
        "0h  IN mk 0.0050
         1h  IN in
         2h  IN mk free
         3h  IN ff free
         4h  IN au free
         25h IN ut 0.0050      # CSW 1h..25h closed
         26h IN ff blocked
         27h BR au 0.0080",
    );
    assert_eq!(run.bill.total_cost(), money("0.0180"));
    // Under auto, 2021 is template-2018's era.
    check(
        "rule 6 under auto",
        &template_2018_book(None),
        &options("auto", 0),
        "2021-06-07T00:00:00Z",
        "0h IN mk 0.0050 model=template-2018",
    );
}

#[test]
fn rule_06_template_2018_volume_bands() {
    // A band from the 3rd charged template of the month: 0.0040. Free ones do not count.
    // 0.0050 + 0.0050 + 0.0040 + 0.0040; next month back to 0.0050. Total 0.0230.
    check(
        "rule 6 bands",
        &template_2018_book(Some("market,category,from,rate\nIndia,template,3,0.0040\n")),
        &options("template-2018", 0),
        "2021-06-07T00:00:00Z",
        "0h  IN mk 0.0050
         1h  IN in
         2h  IN ut free
         30h IN ut 0.0050
         31h IN au 0.0040
         32h IN mk 0.0040
         2021-07-01T00:00:00Z IN mk 0.0050",
    );
}

// ---------------------------------------------------------------------------------------------
// conversation-2022 (rules 7–11). Brazil: business-initiated 0.0500, user-initiated 0.0300.

#[test]
fn rules_07_to_09_conversation_2022() {
    run_cases(&[
        Case {
            // 0.0500 + 0.0300 + 0.0500 = 0.1300.
            name: "rules 7–9",
            pricing: "conversation-2022",
            allowance: 0,
            base: "2022-06-06T00:00:00Z",
            script: "0h     BR mk 0.0500 opens=business_initiated  # no CSW
                     23h59m BR ut free opens=-                    # inside, templates included
                     24h    BR in
                     25h    BR ff 0.0300 opens=user_initiated      # 0h..24h ended; CSW open
                     30h    BR au free
                     48h59m BR mk free                             # 25h..49h, not extended
                     49h    BR mk 0.0500 opens=business_initiated  # CSW 24h..48h closed",
        },
        Case {
            name: "rule 8: a template inside the CSW opens a user-initiated conversation",
            pricing: "conversation-2022",
            allowance: 0,
            base: "2022-06-06T00:00:00Z",
            script: "0h BR in
                     1h BR mk 0.0300 opens=user_initiated
                     2h BR ff free opens=-",
        },
    ]);
}

#[test]
fn rule_10_free_tier_across_the_business_in_order_of_opening() {
    // A free tier of 2 conversations a month. June: c1 (1st), c2 (2nd) free; c3 and c1 again
    // charged. The entry-point conversation of c4 does not count. July starts again: c3, c2 free,
    // c1 charged. 3 × 0.0500 = 0.1500.
    let run = check(
        "rule 10",
        &book(),
        &options("conversation-2022", 2),
        "2022-06-29T00:00:00Z",
        "0h  c1 BR mk tier opens=business_initiated
         30m c4 BR ep
         40m c4 BR mk free opens=entry_point
         1h  c2 BR in
         2h  c2 BR ff tier opens=user_initiated
         3h  c3 BR mk 0.0500 opens=business_initiated
         30h c1 BR mk 0.0500 opens=business_initiated   # 2022-06-30 06:00, June's 4th
         48h c3 BR mk tier opens=business_initiated     # 2022-07-01 00:00, July's 1st
         49h c2 BR mk tier opens=business_initiated     # July's 2nd (CSW 1h..25h closed)
         55h c1 BR mk 0.0500 opens=business_initiated   # July's 3rd",
    );
    assert_eq!(run.conversations("business_initiated"), 6);
    assert_eq!(run.conversations("user_initiated"), 1);
    assert_eq!(run.conversations("entry_point"), 1);
    assert_eq!(run.charged("business_initiated"), 3);
    assert_eq!(run.charged("user_initiated"), 0);
}

#[test]
fn rule_11_entry_point_conversation() {
    // From 2023-03-01 the window lasts 72 h (the reply at 5h: 5h..77h). The business-initiated
    // conversation open before it is closed; every template inside is free.
    // Charges: 0.0500 (hour 0) + 0.0500 (hour 77) = 0.1000.
    let run = check(
        "rule 11",
        &book(),
        &options("conversation-2022", 0),
        "2023-03-06T00:00:00Z",
        "0h  BR mk 0.0500 opens=business_initiated
         1h  BR ep
         5h  BR ut free opens=entry_point
         6h  BR ff free opens=-
         30h BR au free opens=-                        # CSW 1h..25h closed, window open
         76h BR mk free
         77h BR mk 0.0500 opens=business_initiated",
    );
    assert_eq!(run.conversations("entry_point"), 1);
}

// ---------------------------------------------------------------------------------------------
// category-2023 (rules 12–18). Brazil on card 2023-06-01 unless stated.

#[test]
fn rules_12_to_15_category_2023() {
    run_cases(&[
        Case {
            // 2 × 0.0625 + 2 × 0.0350 + 0.0315 = 0.2265.
            name: "rule 12: several open, not extended",
            pricing: "category-2023",
            allowance: 0,
            base: "2023-07-03T00:00:00Z",
            script: "0h     BR mk 0.0625 opens=marketing
                     1h     BR ut 0.0350 opens=utility
                     2h     BR au 0.0315 opens=authentication
                     23h59m BR mk free opens=-
                     24h    BR mk 0.0625 opens=marketing   # 0h..24h, not extended at 23h59m
                     24h30m BR ut free opens=-             # 1h..25h
                     25h    BR ut 0.0350 opens=utility
                     25h30m BR au free opens=-             # 2h..26h",
        },
        Case {
            // 0.0315 + 0.0300 + 0.0625 + 0.0350 = 0.1590.
            name: "rules 13–14: free-form inside any open conversation",
            pricing: "category-2023",
            allowance: 0,
            base: "2023-07-03T00:00:00Z",
            script: "0h  BR in
                     1h  BR au 0.0315 opens=authentication
                     2h  BR ff free opens=-                 # inside the authentication conversation
                     20h BR in
                     25h BR ff 0.0300 opens=service         # 1h..25h ended, CSW 20h..44h
                     26h BR mk 0.0625 opens=marketing       # a service conversation covers no template
                     27h BR ff free opens=-
                     28h BR ut 0.0350 opens=utility",
        },
        Case {
            // The entry-point conversation (2h..74h) closes marketing and utility; nothing opens
            // while it lasts. 0.0625 + 0.0350 + 0.0625 = 0.1600.
            name: "rule 15: the entry-point conversation",
            pricing: "category-2023",
            allowance: 0,
            base: "2023-07-03T00:00:00Z",
            script: "0h     BR mk 0.0625 opens=marketing
                     30m    BR ut 0.0350 opens=utility
                     1h     BR ep
                     2h     BR au free opens=entry_point
                     3h     BR mk free opens=-
                     10h    BR ff free opens=-
                     26h    BR ff blocked                  # CSW 1h..25h closed
                     50h    BR ut free opens=-
                     73h59m BR au free opens=-
                     74h    BR mk 0.0625 opens=marketing",
        },
    ]);
}

#[test]
fn rule_16_service_free_tier_then_free_service() {
    // Free tier of 1 service conversation a month; card 2024-10-01 (Brazil service 0.0300,
    // utility 0.0080). October: c1 free by the tier, c2 and c3 charged. From 2024-11-01 every
    // service conversation is free, still opened (4 in all) and still covers later free-form.
    // 0.0300 + 0.0300 + 0.0080 = 0.0680.
    let run = check(
        "rule 16",
        &book(),
        &options("category-2023", 1),
        "2024-10-30T00:00:00Z",
        "0h     c1 BR in
         1h     c1 BR ff tier opens=service
         2h     c2 BR in
         3h     c2 BR ff 0.0300 opens=service
         47h    c3 BR in                               # 2024-10-31 23:00
         47h30m c3 BR ff 0.0300 opens=service
         48h    c4 BR in                               # 2024-11-01 00:00
         48h30m c4 BR ff free opens=service
         49h    c4 BR ut 0.0080 opens=utility          # no template rides on a service conversation
         50h    c4 BR ff free opens=-",
    );
    assert_eq!(run.conversations("service"), 4);
    assert_eq!(run.charged("service"), 2);
}

#[test]
fn rule_17_rate_in_force_when_the_conversation_opens() {
    // Opened 2024-09-30 20:00 on card 2023-06-01 (utility 0.0350); still open on 2024-10-01;
    // the next one opens on card 2024-10-01 (utility 0.0080). Total 0.0430.
    run_cases(&[Case {
        name: "rule 17: rate at opening",
        pricing: "category-2023",
        allowance: 0,
        base: "2024-09-30T20:00:00Z",
        script: "0h  BR ut 0.0350 opens=utility
                 6h  BR ut free opens=-
                 24h BR ut 0.0080 opens=utility",
    }]);
}

#[test]
fn rules_17_and_24_authentication_international_conversations() {
    let book = book();
    // India on card 2024-10-01: authentication 0.0014, authentication-international 0.0280.
    // A Brazilian business eligible from 2024-10-01: international, reported as such, and still
    // the open authentication conversation.
    let run = check(
        "rule 17 international",
        &book,
        &options_intl("category-2023", "BR", "2024-10-01"),
        "2024-10-07T00:00:00Z",
        "0h  IN au 0.0280 opens=authentication_international as=authentication_international
         5h  IN au free opens=-
         24h IN au 0.0280 opens=authentication_international",
    );
    assert_eq!(run.charged("authentication_international"), 2);
    assert_eq!(run.charged("authentication"), 0);
    // An Indian business: domestic.
    check(
        "rule 24 domestic",
        &book,
        &options_intl("category-2023", "IN", "2024-10-01"),
        "2024-10-07T00:00:00Z",
        "0h IN au 0.0014 opens=authentication as=authentication",
    );
    // Not yet eligible on the day before the date.
    check(
        "rule 24 not yet eligible",
        &book,
        &options_intl("category-2023", "BR", "2024-10-08"),
        "2024-10-07T00:00:00Z",
        "0h  IN au 0.0014 opens=authentication
         24h IN au 0.0280 opens=authentication_international   # 2024-10-08",
    );
    // Brazil has no international rate (empty cell): the domestic rate 0.0315 applies.
    check(
        "rule 24 empty cell",
        &book,
        &options_intl("category-2023", "IN", "2024-10-01"),
        "2024-10-07T00:00:00Z",
        "0h BR au 0.0315 opens=authentication as=authentication",
    );
}

#[test]
fn rule_18_carry_over_only_under_auto() {
    let book = book();
    // Under auto: the utility conversation opened 2025-06-30 12:00 (category-2023, card
    // 2024-10-01: 0.0080) keeps utility templates free until 2025-07-01 12:00; marketing is not
    // carried (per-message-2025, card 2025-07-01: 0.0625); then utility is 0.0068.
    // 0.0080 + 0.0625 + 0.0068 = 0.0773.
    let script = "0h  BR ut {A} model={M1}
                  18h BR ut {B} model={M2}
                  18h BR mk 0.0625
                  24h BR ut {C}";
    let fill = |a: &str, m1: &str, b: &str, m2: &str, c: &str| {
        script.replace("{A}", a).replace("{M1}", m1).replace("{B}", b).replace("{M2}", m2).replace("{C}", c)
    };
    let base = "2025-06-30T12:00:00Z";
    check(
        "rule 18 auto",
        &book,
        &options("auto", 0),
        base,
        &fill("0.0080", "category-2023", "free", "per-message-2025", "0.0068"),
    );
    // Fixed per-message-2025: no carry-over. 3 × 0.0068 + 0.0625 = 0.0829.
    check(
        "rule 18 not under per-message-2025",
        &book,
        &options("per-message-2025", 0),
        base,
        &fill("0.0068", "per-message-2025", "0.0068", "per-message-2025", "0.0068"),
    );
    // Fixed category-2023: the conversation is simply open; the one at 24h opens anew.
    // 0.0080 + 0.0625 + 0.0080 = 0.0785.
    check(
        "rule 18 category-2023 throughout",
        &book,
        &options("category-2023", 0),
        base,
        &fill("0.0080", "category-2023", "free", "category-2023", "0.0080"),
    );
}

#[test]
fn auto_switches_models_mid_log() {
    let book = book();
    // 2023-05-31 → 2023-06-01: conversation-2022 → category-2023. Conversations do not carry over;
    // the CSW does. 0.0500 + 0.0350 + 0.0625 = 0.1475.
    check(
        "auto 2022 → 2023",
        &book,
        &options("auto", 0),
        "2023-05-31T12:00:00Z",
        "0h  BR mk 0.0500 opens=business_initiated model=conversation-2022
         8h  BR in                                         # 2023-05-31 20:00
         13h BR ut 0.0350 opens=utility model=category-2023
         14h BR mk 0.0625 opens=marketing
         15h BR ff free opens=-",
    );
    // 2026-09-30 → 2026-10-01: per-message-2025 → per-message-2026. The entry-point window
    // carries over; opened after 2026-09-28 it lasts 7 days (rule 5); utility is charged inside
    // the CSW from 2026-10-01; free-form at the service rate (India 0.0014).
    // 0.0014 + 0.0014 + 0.0118 = 0.0146.
    check(
        "auto 2025 → 2026",
        &book,
        &options("auto", 0),
        "2026-09-30T10:00:00Z",
        "0h   c1 IN ep
         1h   c1 IN mk free model=per-message-2025          # window 1h..169h
         10h  c2 IN in
         11h  c2 IN ut free model=per-message-2025
         15h  c2 IN ut 0.0014 model=per-message-2026        # 2026-10-01 01:00
         16h  c2 IN ff 0.0014 model=per-message-2026
         26h  c1 IN mk free model=per-message-2026
         73h  c1 IN mk free                                 # was the end of a 72-hour window
         169h c1 IN mk 0.0118",
    );
}

#[test]
fn time_zone_moves_messages_across_boundaries() {
    let book = book();
    // Era: 2025-06-30 20:00Z is 2025-07-01 01:30 at +05:30. Brazil utility, no CSW.
    let ut = "2025-06-30T20:00:00Z BR ut {R} model={M}";
    check(
        "UTC: category-2023",
        &book,
        &options_tz("auto", 0, "+00:00"),
        "2025-06-30T00:00:00Z",
        &ut.replace("{R}", "0.0080").replace("{M}", "category-2023"),
    );
    check(
        "+05:30: per-message-2025",
        &book,
        &options_tz("auto", 0, "+05:30"),
        "2025-06-30T00:00:00Z",
        &ut.replace("{R}", "0.0068").replace("{M}", "per-message-2025"),
    );
    // Card: 2025-12-31 20:00Z is 2026-01-01 at +05:30: India marketing 0.0107 → 0.0118.
    let mk = "2025-12-31T20:00:00Z IN mk {R}";
    check(
        "card, UTC",
        &book,
        &options_tz("per-message-2025", 0, "+00:00"),
        "2025-12-31T00:00:00Z",
        &mk.replace("{R}", "0.0107"),
    );
    check(
        "card, +05:30",
        &book,
        &options_tz("per-message-2025", 0, "+05:30"),
        "2025-12-31T00:00:00Z",
        &mk.replace("{R}", "0.0118"),
    );
    // Month: a free tier of 1 conversation. In UTC c1 is June's and c2 July's: both free. At
    // -08:00 both fall in June; at +05:30 both in July: the second is charged (0.0500).
    let month = "2022-06-30T23:00:00Z c1 BR mk tier
                 2022-07-01T01:00:00Z c2 BR mk {R}";
    let base = "2022-06-30T00:00:00Z";
    check("month, UTC", &book, &options_tz("conversation-2022", 1, "+00:00"), base, &month.replace("{R}", "tier"));
    check("month, -08:00", &book, &options_tz("conversation-2022", 1, "-08:00"), base, &month.replace("{R}", "0.0500"));
    check("month, +05:30", &book, &options_tz("conversation-2022", 1, "+05:30"), base, &month.replace("{R}", "0.0500"));
}

// ---------------------------------------------------------------------------------------------
// per-message-2025 and per-message-2026 (rules 19–23).

#[test]
fn rules_19_to_20_per_message_2025() {
    run_cases(&[
        Case {
            // 0.0118 + 0.0014 + 0.0014 = 0.0146.
            name: "rule 19",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h  IN in
                     1h  IN mk 0.0118   # marketing: charged, CSW or not
                     2h  IN au 0.0014   # authentication: charged, CSW or not
                     3h  IN ut free     # utility: free inside the CSW
                     4h  IN ff free     # free-form: free
                     30h IN ff blocked
                     30h IN au 0.0014",
        },
        Case {
            name: "rule 20: the reply and everything inside the entry-point window are free",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h  IN ep
                     1h  IN ff free    # the reply opens the window 1h..73h
                     2h  IN au free
                     3h  IN mk free
                     30h IN ut free    # CSW closed, window open
                     72h IN mk free",
        },
    ]);
}

#[test]
fn rule_21_tiers_count_only_charged_messages_and_international_with_authentication() {
    // Utility from the 2nd charged message of the month: 0.0010. The free one in the CSW does not
    // count: hour 30 is the 1st (0.0014), hour 31 the 2nd (0.0010).
    check(
        "rule 21 utility",
        &book_with_tiers("market,category,from,rate\nIndia,utility,2,0.0010\n"),
        &options("per-message-2025", 0),
        "2026-01-05T00:00:00Z",
        "0h  IN in
         1h  IN ut free
         30h IN ut 0.0014
         31h IN ut 0.0010",
    );
    // Authentication-international counts with authentication. Eligible from 2026-01-15 (a
    // Brazilian business): the 1st (domestic, list 0.0014), the 2nd (international, before its
    // tier from 3: list 0.0280), the 3rd (international tier 0.0200). Total 0.0494.
    let mut o = options_intl("per-message-2025", "BR", "2026-01-15");
    o.free_tier = 0;
    check(
        "rule 21 authentication-international",
        &book_with_tiers(
            "market,category,from,rate\nIndia,authentication,2,0.0010\nIndia,authentication_international,3,0.0200\n",
        ),
        &o,
        "2026-01-10T00:00:00Z",
        "0h                   IN au 0.0014 as=authentication
         2026-01-20T00:00:00Z IN au 0.0280 as=authentication_international
         2026-01-21T00:00:00Z IN au 0.0200 as=authentication_international",
    );
}

#[test]
fn rule_22_per_message_2026() {
    // Utility charged inside the CSW; free-form at the service rate, outside volume tiers.
    // A utility tier from the 2nd: 0.0010. 0.0014 + 0.0014 + 0.0014 + 0.0010 = 0.0052.
    check(
        "rule 22",
        &book_with_tiers("market,category,from,rate\nIndia,utility,2,0.0010\n"),
        &options("per-message-2026", 0),
        "2026-10-05T00:00:00Z",
        "0h IN in
         1h IN ut 0.0014 as=utility
         2h IN ff 0.0014 as=service
         3h IN ff 0.0014 as=service
         4h IN ut 0.0010",
    );
}

#[test]
fn rule_23_free_form_allowance() {
    // 2 free-form messages a month are free. Free-form in an entry-point window is free and does
    // not use the allowance. October: c1's 1st and 2nd free, 3rd charged (0.0014). November
    // starts again. 2 × 0.0014 = 0.0028.
    check(
        "rule 23",
        &book(),
        &options("per-message-2026", 2),
        "2026-10-30T00:00:00Z",
        "0h     c1 IN in
         1h     c1 IN ff tier
         3h     c2 IN ep
         4h     c2 IN ff free       # opens the entry-point window 4h..76h
         5h     c2 IN ff free
         6h     c1 IN ff 0.0014
         2h     c1 IN ff tier       # (listed late, priced in time order: October's 2nd)
         48h    c1 IN in            # 2026-11-01 00:00
         49h    c1 IN ff tier
         49h30m c2 IN in
         50h    c2 IN ff free       # inside the entry-point window
         51h    c1 IN ff tier
         52h    c1 IN ff 0.0014",
    );
}

#[test]
fn rule_24_authentication_international_per_message() {
    let book = book();
    let cases: [(&str, &str, &str, &str, &str, &str); 5] = [
        // (pricing, business country, eligible from, time, customer country, expected + category)
        ("per-message-2025", "BR", "2026-01-01", "2025-12-31T12:00:00Z", "IN", "0.0014 as=authentication"),
        (
            "per-message-2025",
            "BR",
            "2026-01-01",
            "2026-01-02T12:00:00Z",
            "IN",
            "0.0280 as=authentication_international",
        ),
        ("per-message-2025", "IN", "2026-01-01", "2026-01-02T12:00:00Z", "IN", "0.0014 as=authentication"),
        // India's international cell is empty on the 2026-10-01 card: domestic rate.
        ("per-message-2026", "BR", "2026-01-01", "2026-10-05T12:00:00Z", "IN", "0.0014 as=authentication"),
        (
            "per-message-2026",
            "BR",
            "2026-01-01",
            "2026-10-05T12:00:00Z",
            "ID",
            "0.1360 as=authentication_international",
        ),
    ];
    for (pricing, home, from, time, country, expect) in cases {
        check(
            &format!("rule 24 {pricing} {home} {from} {time} {country}"),
            &book,
            &options_intl(pricing, home, from),
            time,
            &format!("0h {country} au {expect}"),
        );
    }
    // North America has no international rate on card 2026-01-01: 0.0034.
    check(
        "rule 24 North America",
        &book,
        &options_intl("per-message-2025", "BR", "2026-01-01"),
        "2026-01-05T00:00:00Z",
        "0h US au 0.0034 as=authentication",
    );
}

// ---------------------------------------------------------------------------------------------
// Money (rules 25–26).

#[test]
fn rule_25_exact_money() {
    // 1,000 Brazilian marketing templates at 0.0625 are exactly 62.5; 7 Indian utility templates
    // at 0.0014 exactly 0.0098 (floats give 0.009800000000000001).
    let mut csv = String::from("time,customer,direction,type,category,country\n");
    for i in 0..1000 {
        csv.push_str(&format!("2025-07-07T{:02}:{:02}:00Z,c{i},out,template,marketing,BR\n", i / 60, i % 60));
    }
    for i in 0..7 {
        csv.push_str(&format!("2025-07-08T00:0{i}:00Z,d{i},out,template,utility,IN\n"));
    }
    let (bill, decisions) = bill_csv(&csv, &book(), &options("per-message-2025", 0)).unwrap();
    assert_eq!(bill.total_cost(), money("62.5098"));
    assert_eq!(bill.total_cost().to_string(), "62.5098");
    // Order does not matter: the same rows reversed.
    let mut lines: Vec<&str> = csv.lines().collect();
    lines[1..].reverse();
    let reversed = lines.join("\n") + "\n";
    let (again, _) = bill_csv(&reversed, &book(), &options("per-message-2025", 0)).unwrap();
    assert_eq!(again, bill);
    assert_eq!(decisions.iter().map(|d| d.priced.cost).sum::<wasim::Money>(), bill.total_cost());
}

#[test]
fn rule_25_missing_rates_are_errors_naming_market_category_and_card() {
    let book = book();
    // Chile has no utility rate on category-2023's card of 2023-06-01.
    let e = check_error(&book, &options("category-2023", 0), "2023-07-03T00:00:00Z", "0h CL ut 0.0");
    for word in ["Chile", "utility", "category-2023", "2023-06-01", "row 1"] {
        assert!(e.contains(word), "`{word}` missing from: {e}");
    }
    // Hong Kong is its own market from 2026-07-01, which per-message-2025's card of 2026-01-01
    // does not list.
    let e = check_error(&book, &options("per-message-2025", 0), "2026-08-03T00:00:00Z", "0h HK mk 0.0");
    for word in ["Hong Kong", "marketing", "per-message-2025", "2026-01-01"] {
        assert!(e.contains(word), "`{word}` missing from: {e}");
    }
    // template-2018 has no bundled card.
    let e = check_error(&book, &options("template-2018", 0), "2021-06-07T00:00:00Z", "0h IN mk 0.0");
    for word in ["India", "marketing", "template-2018"] {
        assert!(e.contains(word), "`{word}` missing from: {e}");
    }
    // Chile's empty service rate, needed once the free tier is used up (row 3).
    let e = check_error(
        &book,
        &options("category-2023", 1),
        "2023-07-03T00:00:00Z",
        "0h a CL in
         1h a CL ff tier
         2h b CL in
         3h b CL ff 0.0",
    );
    for word in ["Chile", "service", "category-2023", "row 4"] {
        assert!(e.contains(word), "`{word}` missing from: {e}");
    }
}

#[test]
fn rule_25_a_missing_rate_no_rule_needs_is_no_error() {
    // Chile on card 2023-06-01: free-form inside the free tier, a utility template inside an
    // entry-point conversation, and (from 2024-11-01) free service conversations need no rate.
    run_cases(&[
        Case {
            name: "Chile, free tier and entry point",
            pricing: "category-2023",
            allowance: 1000,
            base: "2023-07-03T00:00:00Z",
            script: "0h a CL in
                     1h a CL ff tier opens=service
                     2h b CL ep
                     3h b CL ut free opens=entry_point",
        },
        Case {
            name: "Chile, free service conversation",
            pricing: "category-2023",
            allowance: 0,
            base: "2024-11-04T00:00:00Z",
            script: "0h CL in
                     1h CL ff free opens=service",
        },
    ]);
}

#[test]
fn rule_26_provider_fees_apart_from_meta_charges() {
    // C1 plus an inbound and a free-form reply: Meta 0.0975. Fees: 4 delivered outbound × 0.0010
    // = 0.0040, 1 inbound × 0.0005 = 0.0005, 10 % of 0.0975 = 0.00975.
    let mut o = options("category-2023", 0);
    o.fees.per_outbound = money("0.0010");
    o.fees.per_inbound = money("0.0005");
    o.fees.markup_percent = money("10");
    let run = check(
        "rule 26",
        &book(),
        &o,
        "2023-07-03T00:00:00Z",
        "0h  BR mk 0.0625
         4h  BR ut 0.0350
         10h BR ut free
         11h BR in
         12h BR ff free",
    );
    assert_eq!(run.bill.total_cost(), money("0.0975"));
    assert_eq!(run.bill.provider_fees(&o.fees), (money("0.0040"), money("0.0005"), money("0.00975")));
}

// ---------------------------------------------------------------------------------------------
// Terms: markets by date, ordering of ties, models applied outside their own dates.

#[test]
fn markets_follow_the_dates_of_the_mapping() {
    let book = book();
    // per-message-2025, marketing. Card 2025-07-01: Other 0.0604, Rest of Africa 0.0225; card
    // 2026-01-01: Rest of Asia Pacific 0.0732 (Hong Kong is not listed).
    // Zimbabwe is in Other until 2025-09-30, in Rest of Africa from 2025-10-01; a well-formed code
    // that the mapping does not list (XK) is in Other; Hong Kong is in Rest of Asia Pacific until
    // 2026-06-30. 0.0604 + 0.0225 + 0.0604 + 0.0732 = 0.2165.
    check(
        "markets by date",
        &book,
        &options("per-message-2025", 0),
        "2025-09-30T00:00:00Z",
        "2025-09-30T23:59:59Z ZW mk 0.0604
         2025-10-01T00:00:00Z ZW mk 0.0225
         2025-10-01T00:00:00Z XK mk 0.0604
         2026-06-30T20:00:00Z HK mk 0.0732",
    );
    // At +08:00, 2026-06-30 20:00Z is 2026-07-01 in Hong Kong's own market, which card 2026-01-01
    // does not list: an error naming market, category and card.
    let e = check_error(&book, &options_tz("per-message-2025", 0, "+08:00"), "2026-06-30T20:00:00Z", "0h HK mk 0");
    for word in ["Hong Kong", "marketing", "per-message-2025"] {
        assert!(e.contains(word), "`{word}` missing from: {e}");
    }
}

#[test]
fn ties_inbound_first_then_file_order() {
    run_cases(&[
        Case {
            // The free-form is listed before the inbound of the same instant: the inbound goes
            // first, so the window is open. At 24h an inbound reopens it at the very instant it
            // closes.
            name: "ties: inbound before outbound",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2026-01-05T00:00:00Z",
            script: "0h  IN ff free
                     0h  IN in
                     24h IN ff free
                     24h IN ut free
                     24h IN in",
        },
        Case {
            // Two free-form messages at the same instant, one free-form allowed a month: the one
            // listed first takes it (India service 0.0014 on the other).
            name: "ties: file order for the allowance",
            pricing: "per-message-2026",
            allowance: 1,
            base: "2026-10-05T00:00:00Z",
            script: "0h a IN in
                     0h b IN in
                     1h b IN ff tier
                     1h a IN ff 0.0014",
        },
    ]);
}

#[test]
fn models_applied_outside_their_dates() {
    run_cases(&[
        Case {
            // per-message-2026 in 2024: its earliest card (2026-10-01), India marketing 0.0118,
            // free-form 0.0014; rule 5's 72 h window applies by the message's date as usual.
            name: "per-message-2026 in 2024",
            pricing: "per-message-2026",
            allowance: 0,
            base: "2024-03-04T00:00:00Z",
            script: "0h  IN mk 0.0118
                     1h  IN in
                     2h  IN ff 0.0014
                     3h  IN ep
                     4h  IN mk free     # opens the entry-point window 4h..76h
                     75h IN mk free
                     76h IN mk 0.0118",
        },
        Case {
            // per-message-2025 in 2022: earliest card 2025-07-01 (Brazil marketing 0.0625); the
            // entry-point window opened on 2022-06-06 lasts 24 h (rule 5 by date).
            name: "per-message-2025 in 2022",
            pricing: "per-message-2025",
            allowance: 0,
            base: "2022-06-06T00:00:00Z",
            script: "0h  BR ep
                     1h  BR mk free     # window 1h..25h
                     24h BR mk free
                     25h BR mk 0.0625",
        },
        Case {
            // category-2023 in 2026: its latest card (2024-10-01); service conversations are free
            // by date (rule 16). Brazil marketing 0.0625.
            name: "category-2023 in 2026",
            pricing: "category-2023",
            allowance: 0,
            base: "2026-03-02T00:00:00Z",
            script: "0h BR in
                     1h BR ff free opens=service
                     2h BR mk 0.0625 opens=marketing",
        },
    ]);
}

#[test]
fn volume_tiers_only_price_per_message_models() {
    // The same tier table (India utility from the 1st: 0.0001) changes nothing under
    // category-2023 (card 2024-10-01 India utility 0.0014 per conversation) and prices every
    // charged utility message under per-message-2025.
    let book = book_with_tiers("market,category,from,rate\nIndia,utility,1,0.0001\n");
    check(
        "no tiers for conversations",
        &book,
        &options("category-2023", 0),
        "2024-10-07T00:00:00Z",
        "0h  IN ut 0.0014 opens=utility
         24h IN ut 0.0014 opens=utility",
    );
    check(
        "tiers for messages",
        &book,
        &options("per-message-2025", 0),
        "2026-01-05T00:00:00Z",
        "0h  IN ut 0.0001
         24h IN ut 0.0001",
    );
}

#[test]
fn rule_24_compares_markets_not_countries() {
    // A user's per-message-2025 card of 2026-01-01 that gives North America and Mexico an
    // international rate. A US business: Canada is in its own market (North America), so
    // domestic 0.0034; Mexico is another market: international 0.0400.
    let card = UserFile {
        name: "per-message-2025_2026-01-01.csv",
        text: "Market,Currency,Marketing,Utility,Authentication,Authentication-International,Service\n\
               North America,USD,0.0250,0.0034,0.0034,0.0500,0\n\
               Mexico,USD,0.0305,0.0085,0.0085,0.0400,0\n",
    };
    let book = RateBook::with_user_files(&[card], None, None).expect("test card");
    check(
        "rule 24 markets",
        &book,
        &options_intl("per-message-2025", "US", "2026-01-01"),
        "2026-01-05T00:00:00Z",
        "0h a CA au 0.0034 as=authentication
         1h b MX au 0.0400 as=authentication_international
         2h c US au 0.0034 as=authentication",
    );
}
