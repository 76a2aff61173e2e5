//! The simulator under the 2026 rules: several business numbers, calls, reactions, Direct Send,
//! marketing price caps with their reach, the government exemption and the marketing limit's
//! exemptions. Traces of every customer bill to exactly the run's charges; counts that can be
//! worked out by hand lie within bounds fixed in advance.

use crate::sim::{assert_traces_bill_to_run_totals, f, result, run, traffic, write};

/// Billing the traces (with their business_number and price columns) with `wasim bill` gives the
/// run's charges, under four pricings across 2026-09-28 (7-day entry-point windows) and
/// 2026-10-01, with the exemption ending mid-run.
#[test]
fn traces_of_the_2026_rules_bill_to_the_run_charges() {
    let scenario = r#"
[run]
start = "2026-09-20"
days = 25
pricing = ["auto", "per-message-2026", "per-message-2025", "category-2023"]
replications = 1
seed = 11
[business]
free-tier = 25
numbers = [0.6, 0.4]
service-exempt-until = "2026-10-08"
marketing-limit = 0.3
[customers]
count = 500
countries = { BR = 0.6, DE = 0.2, IN = 0.2 }
[customers.visits]
per-day = 0.15
messages = 2
entry-point-share = 0.3
[customers.calls]
per-day = 0.05
[customers.replies.marketing]
probability = 0.3
[customers.replies.utility]
probability = 0.2
[ads]
clicks-per-day = 20
[[campaign]]
name = "promo"
first = "2026-09-25T12:00"
every = "6d"
audience = 0.7
follow-ups = 1
max-price = { Brazil = "0.0400" }
[reach.Brazil]
points = [{ cap = "0.0300", delivered = 0.4, price = "0.0290" }, { cap = "0.0625", delivered = 1.0, price = "0.0600" }]
[orders]
per-day = 0.06
notifications = [{ after = "0s" }, { after = "1d" }]
[support]
response = { kind = "lognormal", median = "4h", sigma = 1.2 }
reactions = 0.4
[[strategy]]
name = "direct-send"
kind = "window-check"
direct-send = true
[[strategy]]
name = "naive"
kind = "free-form-first"
[[strategy]]
name = "defer"
kind = "defer-utility"
max-wait = "1d"
"#;
    let summary = assert_traces_bill_to_run_totals(
        scenario,
        &["direct-send", "naive", "defer"],
        &["auto", "per-message-2026", "per-message-2025", "category-2023"],
        &["--free-tier", "25", "--service-exempt-until", "2026-10-08"],
    );
    // The scenario exercised what it meant to.
    let kinds = &traffic(&summary, "direct-send")["by_kind_and_outcome"];
    assert!(f(&kinds["call"]["received"]) > 0.0, "{kinds}");
    assert!(f(&kinds["reaction"]["delivered"]) > 0.0, "{kinds}");
    assert!(f(&kinds["direct_send_utility"]["delivered"]) > 0.0, "{kinds}");
    assert!(f(&traffic(&summary, "naive")["by_kind_and_outcome"]["reaction"]["blocked"]) > 0.0);
    let capped = &result(&summary, "direct-send", "per-message-2026")["max_price"];
    assert!(f(&capped["messages_mean"]) > 0.0 && f(&capped["cost_mean"]) < f(&capped["card_cost_mean"]), "{capped}");
    let reasons = result(&summary, "naive", "per-message-2026")["messages_by_reason"].as_array().unwrap().clone();
    assert!(reasons.iter().any(|r| r["reason"].as_str().unwrap_or("").contains("government")), "{reasons:?}");
}

/// Rule 29 in a scenario: 2,000 customers in Brazil, one capped send to all at a cap of 0.0400,
/// where the reach curve gives (linear between 0.0300 → 40% at 0.0290 and 0.0625 → 100% at
/// 0.0600) a delivered share of 0.4 + 0.6 × (0.01 / 0.0325) = 0.584615… and a price of
/// 0.0290 + 0.0310 × (0.01 / 0.0325) = 0.0385384615 (rounded down to the billionth). Delivered
/// counts lie within 4 standard errors of 2,000 × 0.5846 (bounds fixed in advance); each costs
/// exactly that price, beside the card's 0.0625.
#[test]
fn a_capped_campaign_reaches_the_curves_share_at_its_price() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "capped.toml",
        r#"
[run]
start = "2026-10-05"
days = 3
pricing = ["per-message-2026"]
replications = 4
[customers]
count = 2000
countries = { BR = 1.0 }
[[campaign]]
name = "promo"
first = "2026-10-05T12:00"
max-price = { Brazil = "0.0400" }
[reach.Brazil]
points = [{ cap = "0.0300", delivered = 0.4, price = "0.0290" }, { cap = "0.0625", delivered = 1.0, price = "0.0600" }]
"#,
    );
    let summary = run(dir.path(), &s, &[]);
    let share: f64 = 0.4 + 0.6 * (0.01 / 0.0325);
    let bound = 4.0 * (2000.0 * share * (1.0 - share) / 4.0).sqrt();
    let t = &traffic(&summary, "window-check")["max_price"];
    assert_eq!(f(&t["sent_mean"]), 2000.0, "{t}");
    let delivered = f(&t["delivered_mean"]);
    assert!((delivered - 2000.0 * share).abs() < bound, "delivered {delivered}, expected {}", 2000.0 * share);
    let r = result(&summary, "window-check", "per-message-2026");
    let price = 0.038_538_461;
    assert!((f(&r["max_price"]["cost_mean"]) - delivered * price).abs() < 1e-6, "{}", r["max_price"]);
    assert!((f(&r["max_price"]["card_cost_mean"]) - delivered * 0.0625).abs() < 1e-6, "{}", r["max_price"]);
    assert!((f(&r["total_cost"]["mean"]) - delivered * price).abs() < 1e-6);
}

/// Rule 4: a marketing limit of 1 stops every marketing template, except to the EEA, the UK,
/// Japan and South Korea: of 300 customers in Germany and 300 in Brazil, exactly the German ones
/// are delivered.
#[test]
fn the_marketing_limit_spares_the_eea_uk_japan_and_korea() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "limit.toml",
        r#"
[run]
start = "2026-10-05"
days = 2
pricing = ["per-message-2026"]
replications = 2
[business]
marketing-limit = 1.0
[customers]
count = 600
countries = { BR = 1.0, DE = 1.0 }
[[campaign]]
name = "promo"
first = "2026-10-05T12:00"
"#,
    );
    let summary = run(dir.path(), &s, &[]);
    let mk = &traffic(&summary, "window-check")["by_kind_and_outcome"]["marketing"];
    let (delivered, failed) = (f(&mk["delivered"]), f(&mk["failed"]));
    assert_eq!(delivered + failed, 600.0, "{mk}");
    // Germany's marketing rate is 0.1365: the cost is the delivered count times it, exactly.
    let cost = f(&result(&summary, "window-check", "per-message-2026")["total_cost"]["mean"]);
    assert!((cost - delivered * 0.1365).abs() < 1e-6, "cost {cost} for {delivered} delivered");
    // About half the customers are German (600 draws of a fair country): within 4 standard errors.
    assert!((delivered - 300.0).abs() < 4.0 * (600.0f64 * 0.25 / 2.0).sqrt(), "{delivered}");
}

/// Calls (rule 1) at 0.5 a day over 10 days for 1,000 customers: about 5,000 a replication
/// (Poisson, within 4 standard errors), counted among the inbound messages, never charged; and
/// reactions as 40% of support answers to one-message visits answered within the hour.
#[test]
fn calls_and_reactions_are_counted_as_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "calls.toml",
        r#"
[run]
start = "2026-10-05"
days = 10
pricing = ["per-message-2026"]
replications = 2
[customers]
count = 1000
countries = { IN = 1.0 }
[customers.calls]
per-day = 0.5
[customers.visits]
per-day = 0.2
[support]
response = { kind = "fixed", value = "10m" }
reactions = 0.4
"#,
    );
    let summary = run(dir.path(), &s, &[]);
    let kinds = &traffic(&summary, "window-check")["by_kind_and_outcome"];
    let calls = f(&kinds["call"]["received"]);
    assert!((calls - 5000.0).abs() < 4.0 * (5000.0f64 / 2.0).sqrt(), "{calls}");
    // Answers: one per visit (2,000 expected), 40% of them reactions, all inside the window.
    let reactions = f(&kinds["reaction"]["delivered"]);
    let answers = reactions + f(&kinds["freeform"]["delivered"]);
    assert!((reactions / answers - 0.4).abs() < 4.0 * (0.24 / answers).sqrt(), "{reactions} of {answers}");
    let r = result(&summary, "window-check", "per-message-2026");
    let reasons = r["messages_by_reason"].as_array().unwrap();
    let mean = |text: &str| {
        reasons
            .iter()
            .find(|x| x["reason"].as_str().unwrap_or("").contains(text))
            .map_or(0.0, |x| f(&x["messages_mean"]))
    };
    assert_eq!(mean("inbound calls"), calls);
    assert_eq!(mean("reactions are never charged"), reactions);
}

/// The 2026 fields of a scenario are checked like every other: one line with file, line,
/// column, path, what was expected and what was found; exit 2.
#[test]
fn bad_2026_fields_are_located() {
    let base = "[run]\nstart = \"2026-10-05\"\n[customers]\ncountries = { BR = 1.0 }\n";
    let cases = [
        (
            "[business]\nservice-exempt-until = \"2028-01-31\"\n",
            "6:24: business.service-exempt-until: expected a date up to 2027-12-31",
        ),
        (
            "[business]\nentry-point-hours = 0\n",
            "6:21: business.entry-point-hours: expected an entry-point window of 1 to 8760 hours",
        ),
        ("[business]\nnumbers = 0\n", "business.numbers: expected 1 to 100 business numbers, found 0"),
        ("[business]\nnumbers = [0.5, -1]\n", "business.numbers[1]: expected a number between 0 and 1000, found -1"),
        (
            "[[campaign]]\nname = \"p\"\nfirst = \"2026-10-05T10:00\"\nmax-price = { Brasil = \"0.04\" }\n",
            "campaign[0].max-price.Brasil: expected a market as the rate cards name it",
        ),
        (
            "[[campaign]]\nname = \"p\"\nfirst = \"2026-10-05T10:00\"\nmax-price = { Brazil = \"0.04\" }\n",
            "campaign[0].max-price.Brazil: expected a reach curve for Brazil as well",
        ),
        (
            "[[campaign]]\nname = \"p\"\ncategory = \"utility\"\nfirst = \"2026-10-05T10:00\"\nmax-price = { Brazil = \"0.04\" }\n[reach.Brazil]\npoints = [{ cap = \"0.03\", delivered = 0.5, price = \"0.02\" }]\n",
            "campaign[0].max-price.Brazil: a max price applies to marketing templates only",
        ),
        (
            "[reach.Brazil]\npoints = [{ cap = \"0.03\", delivered = 0.5, price = \"0.04\" }]\n",
            "reach.Brazil.points[0].price: expected a price of at most the cap 0.03, found 0.04",
        ),
        (
            "[reach.Brazil]\npoints = [{ cap = \"0.03\", delivered = 0.5, price = \"0.02\" }, { cap = \"0.02\", delivered = 0.6, price = \"0.02\" }]\n",
            "reach.Brazil.points[1].cap: expected caps in increasing order, found 0.02 after 0.03",
        ),
        ("[support]\nreactions = 1.5\n", "support.reactions: expected a share between 0 and 1, found 1.5"),
        (
            "[customers.calls]\nper-day = -1\n",
            "customers.calls.per-day: expected a number between 0 and 1000, found -1",
        ),
        ("[[strategy]]\nname = \"a\"\nkind = \"window-check\"\ndirect-send = \"yes\"\n", "strategy[0].direct-send"),
    ];
    for (extra, wanted) in cases {
        let dir = tempfile::tempdir().unwrap();
        let s = write(dir.path(), "bad.toml", &format!("{base}{extra}"));
        let out = crate::sim::wasim().arg("validate").arg(&s).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains("bad.toml:") && err.contains(wanted), "{extra}: {err}");
    }
}
