//! Invariants over random logs: a few customers in a few countries, random kinds and statuses,
//! times over a few days within one era, or across a switch of model under `auto`.

use crate::support::{Recorded, bill_csv, book, book_with_tiers};
use proptest::prelude::*;
use std::collections::BTreeMap;
use wasim::log::bill::{BillOptions, ProviderFees};
use wasim::pricing::money::Money;
use wasim::pricing::{Pricing, RateBook};
use wasim::rules::{Outcome, Settings};

/// Where the random logs fall: a pricing, a start, the countries every card in use prices fully.
struct Era {
    pricing: &'static str,
    base: i64,
    countries: &'static [&'static str],
}

const ALL: &[&str] = &["IN", "BR", "US", "DE", "ID"];

/// Seconds since the epoch of a UTC midnight (computed once by hand, checked in `eras_are_dated`).
const ERAS: [Era; 7] = [
    // 2022-06-05: the conversation-2022 card prices Brazil (not the others).
    Era { pricing: "conversation-2022", base: 1_654_387_200, countries: &["BR"] },
    // 2024-10-02, card 2024-10-01.
    Era { pricing: "category-2023", base: 1_727_827_200, countries: ALL },
    // 2024-10-30: across 2024-11-01, when service conversations become free.
    Era { pricing: "category-2023", base: 1_730_246_400, countries: ALL },
    // 2026-01-05, card 2026-01-01.
    Era { pricing: "per-message-2025", base: 1_767_571_200, countries: ALL },
    // 2026-10-05.
    Era { pricing: "per-message-2026", base: 1_791_158_400, countries: ALL },
    // 2025-06-29 under auto: category-2023 → per-message-2025 on 2025-07-01.
    Era { pricing: "auto", base: 1_751_155_200, countries: ALL },
    // 2026-09-29 under auto: per-message-2025 → per-message-2026 on 2026-10-01.
    Era { pricing: "auto", base: 1_790_640_000, countries: ALL },
];

#[test]
fn eras_are_dated() {
    let dates = ["2022-06-05", "2024-10-02", "2024-10-30", "2026-01-05", "2026-10-05", "2025-06-29", "2026-09-29"];
    for (era, date) in ERAS.iter().zip(dates) {
        let t = chrono::DateTime::parse_from_rfc3339(&format!("{date}T00:00:00Z")).unwrap();
        assert_eq!(t.timestamp(), era.base, "{date}");
    }
}

/// One generated message.
#[derive(Clone, Debug)]
struct Msg {
    /// Seconds after the era's start; distinct within a log.
    at: i64,
    customer: usize,
    kind: &'static str,
    failed: bool,
}

#[derive(Clone, Debug)]
struct Log {
    era: usize,
    /// Country per customer.
    countries: Vec<&'static str>,
    messages: Vec<Msg>,
    allowance: u64,
    tiers: bool,
}

const KINDS: [&str; 6] = ["in", "ep", "mk", "ut", "au", "ff"];

fn kind() -> impl Strategy<Value = &'static str> {
    prop_oneof![4 => Just(KINDS[0]), 1 => Just(KINDS[1]), 2 => Just(KINDS[2]), 2 => Just(KINDS[3]),
                1 => Just(KINDS[4]), 4 => Just(KINDS[5])]
}

fn log() -> impl Strategy<Value = Log> {
    let customers = 1..=4usize;
    (0..ERAS.len(), customers).prop_flat_map(|(era, n)| {
        let countries = ERAS[era].countries;
        let message = (0..4 * 24 * 60i64, 0..n, kind(), prop::bool::weighted(0.1));
        (
            Just(era),
            prop::collection::vec(prop::sample::select(countries), n),
            prop::collection::vec(message, 1..40),
            prop_oneof![Just(0u64), Just(2u64)],
            any::<bool>(),
        )
            .prop_map(|(era, countries, raw, allowance, tiers)| {
                // Minutes plus the index in seconds: every time is distinct.
                let messages = raw
                    .into_iter()
                    .enumerate()
                    .map(|(i, (minute, customer, kind, failed))| Msg {
                        at: minute * 60 + i as i64,
                        customer,
                        kind,
                        failed,
                    })
                    .collect();
                Log { era, countries, messages, allowance, tiers }
            })
    })
}

fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The log as CSV, rows in the given order.
fn csv(log: &Log, order: &[usize]) -> String {
    let mut s = String::from("time,customer,direction,type,category,country,status\n");
    for &i in order {
        let m = &log.messages[i];
        let (direction, ty, category) = match m.kind {
            "in" => ("in", "message", ""),
            "ep" => ("in", "entry_point", ""),
            "mk" => ("out", "template", "marketing"),
            "ut" => ("out", "template", "utility"),
            "au" => ("out", "template", "authentication"),
            _ => ("out", "freeform", ""),
        };
        let status = if direction == "out" && m.failed { "failed" } else { "" };
        s.push_str(&format!(
            "{},c{},{direction},{ty},{category},{},{status}\n",
            rfc3339(ERAS[log.era].base + m.at),
            m.customer,
            log.countries[m.customer]
        ));
    }
    s
}

fn in_order(log: &Log) -> Vec<usize> {
    (0..log.messages.len()).collect()
}

fn setup(log: &Log) -> (RateBook, BillOptions) {
    let book = if log.tiers {
        book_with_tiers(
            "market,category,from,rate\nIndia,utility,2,0.0010\nIndia,authentication,2,0.0009\nBrazil,authentication,3,0.0050\n",
        )
    } else {
        book()
    };
    let options = BillOptions {
        settings: Settings::new(Pricing::parse(ERAS[log.era].pricing).unwrap()),
        allowance: log.allowance,
        fees: ProviderFees::default(),
    };
    (book, options)
}

/// Decisions keyed by (customer, seconds after the era's start).
fn by_message(log: &Log, decisions: &[Recorded]) -> BTreeMap<(String, i64), Recorded> {
    let base = ERAS[log.era].base * 1_000_000_000;
    decisions.iter().map(|d| ((d.customer.clone(), (d.row.time.0 - base) / 1_000_000_000), d.clone())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Rules 1–2, checked from the inbound times alone: a free-form message is delivered (or
    /// failed) exactly when an inbound of the same customer came in the last 24 h; otherwise it
    /// is blocked.
    #[test]
    fn free_form_only_inside_the_customer_service_window(log in log()) {
        let (book, options) = setup(&log);
        let (_, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let decided = by_message(&log, &decisions);
        prop_assert_eq!(decided.len(), log.messages.len());
        for m in log.messages.iter().filter(|m| m.kind == "ff") {
            let open = log.messages.iter().any(|i| {
                i.customer == m.customer && (i.kind == "in" || i.kind == "ep") && i.at <= m.at && m.at < i.at + 24 * 3600
            });
            let d = &decided[&(format!("c{}", m.customer), m.at)];
            let expected = match (open, m.failed) {
                (false, _) => Outcome::Blocked,
                (true, true) => Outcome::Failed,
                (true, false) => Outcome::Delivered,
            };
            prop_assert_eq!(d.priced.decision.outcome, expected, "{:?}", m);
        }
    }

    /// Every charge has a rule-named reason starting with "charged"; every free message one that
    /// does not. Only delivered outbound messages are charged.
    #[test]
    fn every_charge_and_every_free_message_has_its_reason(log in log()) {
        let (book, options) = setup(&log);
        let (_, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        for d in &decisions {
            let text = d.priced.reason.text();
            prop_assert_eq!(d.priced.charged, text.starts_with("charged"), "{}", text);
            prop_assert!(!text.is_empty());
            if d.priced.charged {
                prop_assert_eq!(d.priced.decision.outcome, Outcome::Delivered);
                prop_assert!(d.priced.decision.bill.is_some());
            } else {
                prop_assert_eq!(d.priced.cost, Money::ZERO);
            }
        }
    }

    /// The total equals the sum of the decisions, of the bill's lines and of its reasons.
    #[test]
    fn totals_equal_the_sum_of_the_decisions(log in log()) {
        let (book, options) = setup(&log);
        let (bill, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let by_decision: Money = decisions.iter().map(|d| d.priced.cost).sum();
        let by_line: Money = bill.lines.values().map(|l| l.cost).sum();
        let by_reason: Money = bill.reasons.values().map(|l| l.cost).sum();
        let by_category: Money = bill.charged_by_category().values().map(|l| l.cost).sum();
        prop_assert_eq!(bill.total_cost(), by_decision);
        prop_assert_eq!(bill.total_cost(), by_line);
        prop_assert_eq!(bill.total_cost(), by_reason);
        prop_assert_eq!(bill.total_cost(), by_category);
        let charged = decisions.iter().filter(|d| d.priced.charged).count() as u64;
        prop_assert_eq!(bill.lines.values().map(|l| l.charged).sum::<u64>(), charged);
        let m = bill.messages;
        prop_assert_eq!(m.inbound + m.outbound, log.messages.len() as u64);
        prop_assert_eq!(m.delivered + m.blocked + m.suppressed + m.failed, m.outbound);
    }

    /// Rows in any order (times distinct) give the same bill.
    #[test]
    fn shuffled_rows_give_the_same_bill(
        (log, order) in log().prop_flat_map(|log| {
            let order: Vec<usize> = (0..log.messages.len()).collect();
            (Just(log), Just(order).prop_shuffle())
        })
    ) {
        let (book, options) = setup(&log);
        let (sorted, _) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let (shuffled, _) = bill_csv(&csv(&log, &order), &book, &options).unwrap();
        prop_assert_eq!(sorted, shuffled);
    }

    /// With allowances and tiers off, each customer billed alone is priced as in the whole log.
    #[test]
    fn billing_by_customer_gives_the_same_charges(log in log()) {
        let log = Log { allowance: 0, tiers: false, ..log };
        let (book, options) = setup(&log);
        let (whole, decisions) = bill_csv(&csv(&log, &in_order(&log)), &book, &options).unwrap();
        let whole_decisions = by_message(&log, &decisions);
        let mut sum = Money::ZERO;
        for customer in 0..log.countries.len() {
            let rows: Vec<usize> = (0..log.messages.len()).filter(|&i| log.messages[i].customer == customer).collect();
            if rows.is_empty() {
                continue;
            }
            let (part, decisions) = bill_csv(&csv(&log, &rows), &book, &options).unwrap();
            sum += part.total_cost();
            for (key, d) in by_message(&log, &decisions) {
                let w = &whole_decisions[&key];
                prop_assert_eq!(
                    (d.priced.decision.outcome, d.priced.charged, d.priced.cost, d.priced.reason),
                    (w.priced.decision.outcome, w.priced.charged, w.priced.cost, w.priced.reason),
                    "{:?}", key
                );
            }
        }
        prop_assert_eq!(sum, whole.total_cost());
    }
}
