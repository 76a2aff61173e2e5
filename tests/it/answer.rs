//! The answer to a scenario's question and the service beside the cost, end to end: support
//! answers counted on scenarios small enough to work out by hand, the service figure beside any
//! "cheapest", the service floor, no interval from one replication, precision on demand and the
//! warm-up. Expected figures are worked out from the scenario, never taken from the code.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn wasim() -> Command {
    Command::cargo_bin("wasim").expect("binary built")
}

/// Runs `text` as a scenario into `dir/<out>`; returns summary.json and the console output.
fn run_in(dir: &Path, out: &str, text: &str, extra: &[&str]) -> (Value, String) {
    let scenario = dir.join(format!("{out}.toml"));
    fs::write(&scenario, text).unwrap();
    let target = dir.join(out);
    let assert = wasim().arg("run").arg(&scenario).arg("--out").arg(&target).arg("--quiet").args(extra).assert();
    let assert = assert.success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    let summary = serde_json::from_str(&fs::read_to_string(target.join("summary.json")).unwrap()).unwrap();
    (summary, stdout)
}

fn service<'a>(summary: &'a Value, strategy: &str) -> &'a Value {
    let r = summary["results"].as_array().unwrap().iter().find(|r| r["strategy"] == strategy).unwrap();
    &r["service"]
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn traffic<'a>(summary: &'a Value, strategy: &str) -> &'a Value {
    summary["traffic"].as_array().unwrap().iter().find(|r| r["strategy"] == strategy).unwrap()
}

/// Customers write only from Tuesday to Saturday and agents work only on Mondays: every answer
/// is due at least two days after the visit, long after the 24-hour window closed. Two weeks
/// from Monday 2026-01-05: the first week's visits are answered on Monday 12 at 09:01, the
/// second week's on Monday 19, after the run. So every answer owed is late under window-check
/// (a utility template, delivered: everyone opted in), blocked under free-form-first, dropped
/// under drop-late-support, and under the last two every customer owed an answer gets none.
const ALWAYS_LATE: &str = r#"
[run]
start = "2026-01-05"
days = 14
pricing = ["per-message-2025"]
replications = 2
seed = 3

[customers]
count = 300
countries = { IN = 1.0 }

[customers.visits]
per-day = 0.2
weekly = [0, 1, 1, 1, 1, 1, 0]

[support]
replies-per-visit = 1
response = { kind = "fixed", value = "1m" }
office-hours = { from = "09:00", to = "17:00", days = ["mon"] }

[[strategy]]
name = "window-check"
kind = "window-check"

[[strategy]]
name = "free-form-first"
kind = "free-form-first"

[[strategy]]
name = "drop-late"
kind = "drop-late-support"
"#;

#[test]
fn office_hours_that_make_every_answer_late() {
    let dir = tempfile::tempdir().unwrap();
    let (summary, _) = run_in(dir.path(), "late", ALWAYS_LATE, &[]);
    let wc = service(&summary, "window-check");
    let owed = f(&wc["answers_owed"]);
    assert!(owed > 50.0, "owed {owed}");
    assert_eq!(f(&wc["answers_late"]), owed);
    assert_eq!(f(&wc["answers_on_time"]), 0.0);
    assert_eq!(f(&wc["customers_unanswered"]), 0.0);
    // Every late answer is one delivered utility template: nothing else sends one here.
    let delivered_utility = f(&traffic(&summary, "window-check")["by_kind_and_outcome"]["utility"]["delivered"]);
    assert_eq!(delivered_utility, owed);
    // At least two days (Saturday 09:00 at the latest, Monday 09:01) between question and answer.
    assert!(f(&wc["median_answer_seconds"]) >= 2.0 * 86_400.0);
    for (strategy, field) in [("free-form-first", "answers_blocked"), ("drop-late", "answers_dropped")] {
        let s = service(&summary, strategy);
        assert_eq!(f(&s["answers_owed"]), owed, "{strategy}: the same answers owed");
        assert_eq!(f(&s[field]), owed, "{strategy}");
        assert_eq!(f(&s["answers_late"]) + f(&s["answers_on_time"]), 0.0, "{strategy}");
        assert_eq!(f(&s["customers_unanswered"]), f(&s["customers_owed_answer"]), "{strategy}");
        assert_eq!(s["median_answer_seconds"], Value::Null, "{strategy}: no answer, no time");
    }
    // The answer never calls a strategy that leaves customers unanswered cheapest without saying
    // so in the same sentence: window-check, the only one that answers, costs the most.
    let answer = summary["answer"].as_str().unwrap();
    for sentence in answer.split(". ").filter(|s| s.contains("cheapest") || s.contains("lowest")) {
        if sentence.contains("free-form-first") || sentence.contains("drop-late") {
            assert!(sentence.contains("customers unanswered"), "{sentence}");
        }
    }
    assert!(answer.contains("unanswered"), "{answer}");
}

/// A service floor of no unanswered customer names window-check, the dearest strategy, and says
/// which cheaper ones fall short of it.
#[test]
fn a_service_floor_names_the_cheapest_strategy_that_meets_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{ALWAYS_LATE}\n[question]\ncompare = \"strategies\"\nmax-unanswered = 0\n");
    let (summary, stdout) = run_in(dir.path(), "floor", &text, &[]);
    let answer = summary["answer"].as_str().unwrap();
    assert!(answer.contains("window-check is the only one"), "{answer}");
    assert!(answer.contains("Cheaper, but below the floor: ") && answer.contains("drop-late"), "{answer}");
    assert_eq!(summary["question"]["max_unanswered"], 0.0);
    // The console says the same.
    assert!(stdout.contains(&format!("Answer: {answer}")), "{stdout}");
}

/// No office hours and a fixed one-minute response to one-message visits: every answer is due
/// one minute after the message that opened the window, so it is on time, and the median time to
/// answer is exactly 60 seconds.
#[test]
fn prompt_answers_are_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let text = ALWAYS_LATE.replace("office-hours = { from = \"09:00\", to = \"17:00\", days = [\"mon\"] }\n", "");
    let (summary, _) = run_in(dir.path(), "prompt", &text, &[]);
    for strategy in ["window-check", "free-form-first", "drop-late"] {
        let s = service(&summary, strategy);
        assert!(f(&s["answers_owed"]) > 50.0);
        assert_eq!(f(&s["answers_on_time"]), f(&s["answers_owed"]), "{strategy}");
        assert_eq!(f(&s["answers_late"]) + f(&s["answers_blocked"]) + f(&s["answers_dropped"]), 0.0, "{strategy}");
        assert_eq!(f(&s["customers_unanswered"]), 0.0, "{strategy}");
        assert_eq!(f(&s["median_answer_seconds"]), 60.0, "{strategy}");
    }
}

/// One campaign send to every customer, who never write first: re-engage holds each message and
/// sends one re-engagement template per customer. With a reply probability of 1 every template
/// is replied to; with 0, none is.
#[test]
fn re_engagement_templates_sent_and_replied_to() {
    let dir = tempfile::tempdir().unwrap();
    let text = |p: u32| {
        format!(
            r#"
[run]
start = "2026-01-05"
days = 5
pricing = ["per-message-2025"]
replications = 1

[customers]
count = 120
countries = {{ IN = 1.0 }}

[customers.replies.marketing]
probability = {p}
delay = {{ kind = "fixed", value = "10m" }}

[[campaign]]
name = "sale"
first = "2026-01-06T10:00"

[[strategy]]
name = "re-engage"
kind = "re-engage"
wait = "1d"
"#
        )
    };
    let (all, _) = run_in(dir.path(), "p1", &text(1), &[]);
    let s = service(&all, "re-engage");
    assert_eq!((f(&s["reengagements_sent"]), f(&s["reengagements_replied"])), (120.0, 120.0));
    let (none, _) = run_in(dir.path(), "p0", &text(0), &[]);
    let s = service(&none, "re-engage");
    assert_eq!((f(&s["reengagements_sent"]), f(&s["reengagements_replied"])), (120.0, 0.0));
    // No visits: no support answer owed, so no customer is unanswered.
    assert_eq!((f(&s["answers_owed"]), f(&s["customers_unanswered"])), (0.0, 0.0));
}

/// One replication: no interval anywhere (null in summary.json, n/a on the page and the
/// console), no share of replications, and a warning.
#[test]
fn one_replication_gives_no_interval() {
    let dir = tempfile::tempdir().unwrap();
    let (summary, stdout) = run_in(dir.path(), "one", ALWAYS_LATE, &["--replications", "1"]);
    for r in summary["results"].as_array().unwrap() {
        for stat in ["total_cost", "provider_fees"] {
            assert_eq!(r[stat]["ci95"], Value::Null, "{stat}");
            assert_eq!(r[stat]["p50_ci95"], Value::Null, "{stat}");
            assert_eq!(r[stat]["p90_ci95"], Value::Null, "{stat}");
        }
        assert_eq!(r["budget"]["upper_bound"], Value::Null);
        assert_eq!(r["budget"]["enough_replications"], false);
    }
    for p in summary["paired_differences"].as_array().unwrap() {
        assert_eq!(p["difference_a_minus_b"]["ci95"], Value::Null);
        assert_eq!(p["a_cheaper_share"], Value::Null);
    }
    let answer = summary["answer"].as_str().unwrap();
    assert!(!answer.contains("is the cheapest") && !answer.contains("cheaper in"), "{answer}");
    assert!(answer.contains("with one replication no strategy can be called cheapest"), "{answer}");
    let warnings = summary["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().starts_with("One replication")), "{warnings:?}");
    let html = fs::read_to_string(dir.path().join("one/report.html")).unwrap();
    assert!(html.contains("<td class=\"num\">n/a</td>"));
    assert!(!html.contains("cheaper in"));
    assert!(html.contains("One replication: no confidence interval"));
    assert!(stdout.contains("n/a") && stdout.contains("warning: One replication"), "{stdout}");
}

/// `--precision 2%` adds replications in batches until every mean total's 95% interval is within
/// 2% of it, and stops there; the run, and so every file but the manifest, is the same with one
/// thread or two. A cap too low to reach the target says so.
#[test]
fn precision_stops_at_the_target_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let text = ALWAYS_LATE.replace("replications = 2\n", "replications = 3\n");
    let (one, stdout) = run_in(dir.path(), "p1", &text, &["--precision", "2%", "--threads", "1", "--no-report"]);
    let (two, _) = run_in(dir.path(), "p2", &text, &["--precision", "2%", "--threads", "2", "--no-report"]);
    let without_name = |s: &Value| {
        let mut s = s.clone();
        s.as_object_mut().unwrap().remove("scenario");
        s
    };
    assert_eq!(without_name(&one), without_name(&two), "the same for any thread count");
    let n = one["replications"].as_u64().unwrap();
    assert!(n > 3 && n % 3 == 0, "batches of 3: {n}");
    for r in one["results"].as_array().unwrap() {
        let t = &r["total_cost"];
        let half = (f(&t["ci95"][1]) - f(&t["ci95"][0])) / 2.0;
        // A total that is zero in every replication is exact.
        assert!(half == 0.0 || half / f(&t["mean"]) <= 0.02, "{}: {half} of {}", r["strategy"], t["mean"]);
        assert_eq!(r["total_cost_by_replication"].as_array().unwrap().len() as u64, n);
    }
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("p1/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["precision"]["reached"], true);
    assert_eq!(manifest["precision"]["replications"].as_u64(), Some(n));
    assert!(stdout.contains(&format!("Precision: {n} replications")), "{stdout}");
    // The first replications are those of a plain run: a precise run only adds to them.
    let (plain, _) = run_in(dir.path(), "plain", &text, &["--no-report"]);
    let first = |s: &Value| s["results"][0]["total_cost_by_replication"].as_array().unwrap()[..3].to_vec();
    assert_eq!(first(&plain), first(&one));

    let (capped, _) =
        run_in(dir.path(), "cap", &text, &["--precision", "0.01%", "--max-replications", "6", "--no-report"]);
    assert_eq!(capped["replications"], 6);
    let warnings: Vec<&str> = capped["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(warnings.iter().any(|w| w.contains("was not reached within 6 replications")), "{warnings:?}");
}

/// A warm-up's days are simulated but left out: daily.csv starts after them, and the totals are
/// those of the remaining days.
#[test]
fn warm_up_days_are_left_out_of_the_figures() {
    let dir = tempfile::tempdir().unwrap();
    let text = ALWAYS_LATE.replace("seed = 3\n", "seed = 3\nwarm-up = \"7d\"\n");
    let (warm, _) = run_in(dir.path(), "warm", &text, &["--no-report"]);
    let (cold, _) = run_in(dir.path(), "cold", ALWAYS_LATE, &["--no-report"]);
    let daily = fs::read_to_string(dir.path().join("warm/daily.csv")).unwrap();
    let first = daily.lines().nth(1).unwrap();
    assert!(first.contains(",2026-01-12,"), "{first}");
    assert_eq!(daily.lines().count(), 1 + 3 * 7);
    // Answers of the first week fall on Monday 12, after the warm-up: the same owed either way.
    let owed = |s: &Value| f(&service(s, "window-check")["answers_owed"]);
    assert_eq!(owed(&warm), owed(&cold));
    // Costs: only Monday 12's templates, the same in both runs.
    let cost = |s: &Value| f(&s["results"][0]["total_cost"]["mean"]);
    assert!((cost(&warm) - cost(&cold)).abs() < 1e-9, "{} vs {}", cost(&warm), cost(&cold));
    // A warm-up as long as the run is refused, located.
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, ALWAYS_LATE.replace("seed = 3\n", "seed = 3\nwarm-up = \"14d\"\n")).unwrap();
    let assert = wasim().arg("validate").arg(&bad).assert().code(2);
    let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        err.contains("bad.toml:8:11: run.warm-up: expected whole days shorter than the run (14 days), found \"2w\""),
        "{err}"
    );
}

/// A question naming what the run does not have is one located line, exit 2.
#[test]
fn a_bad_question_is_located() {
    let dir = tempfile::tempdir().unwrap();
    for (question, expected) in [
        (
            "compare = \"pricing\"\nfrom = \"per-message-2025\"\nto = \"auto\"",
            "question.to: expected one of run.pricing (per-message-2025), found \"auto\"",
        ),
        (
            "compare = \"what-if\"\nabout = \"x\"\nwith = [\"window-check\"]\nwithout = [\"nope\"]",
            "question.without[0]: expected a strategy's name",
        ),
        ("compare = \"markets\"\nfrom = \"auto\"", "question.from: unknown field `from` for compare = \"markets\""),
        ("compare = \"everything\"", "question.compare: unknown variant `everything`"),
    ] {
        let scenario = dir.path().join("q.toml");
        fs::write(&scenario, format!("{ALWAYS_LATE}\n[question]\n{question}\n")).unwrap();
        let assert = wasim().arg("validate").arg(&scenario).assert().code(2);
        let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: ") && err.contains("q.toml:") && err.contains(expected), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
