//! The real `wasim` binary, run in a temporary directory.

use crate::support::{log_of, money};
use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

fn wasim(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wasim"));
    cmd.current_dir(dir);
    cmd
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// C1 (Brazil, category-2023, card 2023-06-01) with an inbound, a blocked and a failed message:
/// Meta charges 0.0625 + 0.0350 = 0.0975.
const C1_PLUS: &str = "0h  BR mk 0.0625
                       1h  BR ff! blocked
                       4h  BR ut 0.0350
                       5h  BR in
                       6h  BR mk! failed
                       10h BR ut free
                       11h BR ff free";

/// Runs a command that must succeed; returns its standard output.
fn succeeds(dir: &Path, args: &[&str]) -> String {
    let out = wasim(dir).args(args).assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("UTF-8 on stdout")
}

fn bill_json(dir: &Path, args: &[&str]) -> Value {
    let args: Vec<&str> = std::iter::once("bill").chain(args.iter().copied()).chain(["--json"]).collect();
    serde_json::from_str(&succeeds(dir, &args)).expect("one JSON object on stdout")
}

fn decimal(v: &Value) -> wasim::Money {
    money(v.as_str().unwrap_or_else(|| panic!("expected a decimal string, found {v}")))
}

#[test]
fn bill_json_has_the_documented_fields() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "log.csv", &log_of("2023-07-03T00:00:00Z", C1_PLUS));
    // Fees: 4 delivered outbound × 0.001 + 1 inbound × 0.0005 + 10 % of 0.0975 = 0.01425.
    let j = bill_json(
        tmp.path(),
        &["log.csv", "--pricing", "category-2023", "--fee-out", "0.001", "--fee-in", "0.0005", "--markup", "10"],
    );
    assert_eq!(j["pricing"], "category-2023");
    assert_eq!(j["currency"], "USD");
    assert_eq!(decimal(&j["total_cost"]), money("0.0975"));
    assert_eq!(decimal(&j["provider_fees"]), money("0.01425"));
    let m = &j["messages"];
    let counts: Vec<u64> = ["inbound", "outbound", "delivered", "blocked", "suppressed", "failed"]
        .iter()
        .map(|k| m[*k].as_u64().unwrap_or_else(|| panic!("messages.{k} missing: {m}")))
        .collect();
    assert_eq!(counts, [1, 6, 4, 1, 0, 1]);
    assert_eq!(j["charged"]["marketing"], 1);
    assert_eq!(j["charged"]["utility"], 1);
    assert_eq!(j["charged"]["service"].as_u64().unwrap_or(0), 0, "the hour-11 free-form is inside a conversation");
    assert_eq!(decimal(&j["cost_by_category"]["marketing"]), money("0.0625"));
    assert_eq!(decimal(&j["cost_by_category"]["utility"]), money("0.0350"));
    assert_eq!(j["conversations"]["marketing"], 1);
    assert_eq!(j["conversations"]["utility"], 1);
    assert_eq!(j["conversations"]["service"].as_u64().unwrap_or(0), 0);
}

#[test]
fn bill_text_and_decisions_csv() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "log.csv", &log_of("2023-07-03T00:00:00Z", C1_PLUS));
    let text = succeeds(tmp.path(), &["bill", "log.csv", "--pricing", "category-2023", "--decisions", "out.csv"]);
    // Totals by model, month, market and category; every message by reason; the counts.
    for needle in [
        "0.0975",
        "category-2023",
        "2023-07",
        "Brazil",
        "marketing",
        "utility",
        "0.0625",
        "opens a 24-hour conversation",
        "131047",
        "1 blocked",
        "1 failed",
    ] {
        assert!(text.contains(needle), "`{needle}` missing from the bill:\n{text}");
    }
    let mut reader = csv::Reader::from_path(tmp.path().join("out.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col =
        |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no `{name}` in {headers:?}"));
    let (outcome, charged, cost, reason, row) =
        (col("outcome"), col("charged"), col("cost"), col("reason"), col("row"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 7, "one row per message");
    let mut total = wasim::Money::ZERO;
    let mut seen_rows: Vec<u64> = Vec::new();
    for r in &rows {
        total += money(&r[cost]);
        assert_eq!(&r[charged] == "true", r[reason].starts_with("charged"), "{r:?}");
        seen_rows.push(r[row].parse().unwrap());
    }
    seen_rows.sort_unstable();
    assert_eq!(seen_rows, (1..=7).collect::<Vec<u64>>());
    assert_eq!(total, money("0.0975"));
    let blocked: Vec<_> = rows.iter().filter(|r| &r[outcome] == "blocked").collect();
    assert_eq!(blocked.len(), 1);
    assert!(blocked[0][reason].contains("131047"), "{:?}", blocked[0]);
}

#[test]
fn explain_prints_a_timeline_per_customer() {
    let tmp = TempDir::new().unwrap();
    let script = "0h  a BR mk 0.0625
                  4h  a BR in
                  5h  a BR ff free
                  25h a BR ff 0.0300
                  1h  b BR ff blocked";
    write(tmp.path(), "log.csv", &log_of("2023-07-03T00:00:00Z", script));
    let text = succeeds(tmp.path(), &["explain", "log.csv", "--pricing", "category-2023", "--free-tier", "0"]);
    let a = text.find("Customer a").unwrap_or_else(|| panic!("no customer a:\n{text}"));
    let b = text.find("Customer b").unwrap_or_else(|| panic!("no customer b:\n{text}"));
    let (a_part, b_part) = if a < b { (&text[a..b], &text[b..]) } else { (&text[a..], &text[b..a]) };
    for needle in
        ["2023-07-03T00:00:00", "2023-07-03T05:00:00", "2023-07-04T01:00:00", "0.0625", "0.03", "marketing", "service"]
    {
        assert!(a_part.contains(needle), "`{needle}` missing from customer a's timeline:\n{a_part}");
    }
    assert!(a_part.contains("customer service window"), "the windows open at each message:\n{a_part}");
    assert!(b_part.contains("blocked") && b_part.contains("131047"), "{b_part}");
    assert!(text.contains("0.0925"), "total 0.0625 + 0.0300:\n{text}");
}

#[test]
fn rates_lists_the_bundled_cards() {
    let tmp = TempDir::new().unwrap();
    let text = succeeds(tmp.path(), &["rates"]);
    for card in [
        "conversation-2022_2022-02-01",
        "category-2023_2023-06-01",
        "category-2023_2024-10-01",
        "per-message-2025_2025-07-01",
        "per-message-2025_2026-01-01",
        "per-message-2026_2026-10-01",
        "template-2018",
    ] {
        assert!(text.contains(card), "`{card}` missing:\n{text}");
    }
}

/// Runs a failing command; checks exit code 2, no panic, a one-line message; returns it.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = wasim(dir).args(args).assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.stdout.is_empty() || !String::from_utf8_lossy(&out.stdout).contains("total"), "no bill on error");
    err
}

fn one_line(err: &str) -> &str {
    let line = err.trim_end();
    assert!(!line.contains('\n'), "expected one line, got:\n{err}");
    line
}

#[test]
fn bad_input_exits_2_with_row_and_column() {
    let header = "time,customer,direction,type,category,country,status\n";
    let good = "2025-07-07T00:00:00Z,c,in,message,,BR,\n";
    // (what, the bad row, the column the message must name)
    let cases = [
        ("bad time", "2025-13-07T00:00:00Z,c,in,message,,BR,", "time"),
        ("time without offset", "2025-07-07T01:00:00,c,in,message,,BR,", "time"),
        ("unknown category", "2025-07-07T01:00:00Z,c,out,template,promotion,BR,", "category"),
        ("bad country", "2025-07-07T01:00:00Z,c,out,template,utility,BRA,", "country"),
        ("bad direction", "2025-07-07T01:00:00Z,c,sideways,message,,BR,", "direction"),
        ("bad type", "2025-07-07T01:00:00Z,c,in,sticker,,BR,", "type"),
        ("bad outbound type", "2025-07-07T01:00:00Z,c,out,message,,BR,", "type"),
        ("empty customer", "2025-07-07T01:00:00Z,,in,message,,BR,", "customer"),
        ("bad status", "2025-07-07T01:00:00Z,c,out,template,utility,BR,lost", "status"),
    ];
    let tmp = TempDir::new().unwrap();
    for (what, row, column) in cases {
        write(tmp.path(), "bad.csv", &format!("{header}{good}{row}\n"));
        let err = fails(tmp.path(), &["bill", "bad.csv"]);
        let line = one_line(&err);
        assert!(line.contains("row 2"), "{what}: no row number in `{line}`");
        assert!(line.contains(column), "{what}: column `{column}` not named in `{line}`");
        assert!(line.contains("bad.csv"), "{what}: file not named in `{line}`");
    }
    // A missing column, named in the header's line.
    write(tmp.path(), "bad.csv", "time,customer,direction,type,category\n2025-07-07T00:00:00Z,c,in,message,\n");
    let err = fails(tmp.path(), &["bill", "bad.csv"]);
    let line = one_line(&err);
    assert!(line.contains("country") && line.contains("line 1"), "{line}");
}

/// The 2026 log format's bad rows (rules 27–30): one line naming file, row and column, exit 2.
#[test]
fn bad_2026_rows_exit_2_with_row_and_column() {
    let header = "time,customer,direction,type,category,country,status,business_number,price,max_price\n";
    let good = "2026-10-05T00:00:00Z,c,in,message,,BR,,main,,\n";
    let cases = [
        ("unknown type", "2026-10-05T01:00:00Z,c,out,sticker,,BR,,main,,", "type"),
        ("unknown category", "2026-10-05T01:00:00Z,c,out,template,promo,BR,,main,,", "category"),
        ("price on utility", "2026-10-05T01:00:00Z,c,out,template,utility,BR,,main,0.01,", "price"),
        ("negative price", "2026-10-05T01:00:00Z,c,out,template,marketing,BR,,main,-0.01,", "price"),
        ("max price on free-form", "2026-10-05T01:00:00Z,c,out,freeform,,BR,,main,,0.02", "max_price"),
        ("reaction with a category", "2026-10-05T01:00:00Z,c,out,reaction,utility,BR,,main,,", "category"),
        ("empty business number", "2026-10-05T01:00:00Z,c,out,template,marketing,BR,,,,", "business_number"),
        ("failed call", "2026-10-05T01:00:00Z,c,in,call,,BR,failed,main,,", "status"),
    ];
    let tmp = TempDir::new().unwrap();
    for (what, row, column) in cases {
        write(tmp.path(), "bad.csv", &format!("{header}{good}{row}\n"));
        let err = fails(tmp.path(), &["bill", "bad.csv"]);
        let line = one_line(&err);
        assert!(line.contains("bad.csv: line 3 (row 2), column `"), "{what}: `{line}`");
        assert!(line.contains(&format!("`{column}`")), "{what}: column `{column}` not named in `{line}`");
    }
    // The new options are checked too.
    write(tmp.path(), "log.csv", &log_of("2026-10-05T00:00:00Z", "0h BR mk 0.0625"));
    let err = fails(tmp.path(), &["bill", "log.csv", "--service-exempt-until", "2028-01-01"]);
    assert!(one_line(&err).contains("2027-12-31"), "{err}");
    let err = fails(tmp.path(), &["bill", "log.csv", "--entry-point-hours", "0"]);
    assert!(one_line(&err).contains("--entry-point-hours"), "{err}");
}

/// `bill` says in one line how many rows were unmodelled and of which categories (rule 30), and
/// `--json` counts them.
#[test]
fn unmodelled_rows_are_one_line_of_the_bill() {
    let tmp = TempDir::new().unwrap();
    let log = "time,customer,direction,type,category,country\n\
               2026-10-05T00:00:00Z,c,in,message,,BR\n\
               2026-10-05T00:01:00Z,c,out,freeform,general_purpose_ai,BR\n\
               2026-10-05T00:02:00Z,c,out,freeform,general_purpose_ai,BR\n\
               2026-10-05T00:03:00Z,c,out,template,group_utility,BR\n";
    write(tmp.path(), "log.csv", log);
    let text = succeeds(tmp.path(), &["bill", "log.csv"]);
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("Unmodelled:")).collect();
    assert_eq!(lines, ["Unmodelled: 3 rows not priced and not counted above (general_purpose_ai 2, group_utility 1)"]);
    assert!(text.contains("Messages: 1 inbound, 0 outbound"), "{text}");
    let json = bill_json(tmp.path(), &["log.csv"]);
    assert_eq!(json["messages"]["unmodelled"], 3);
    assert_eq!(json["unmodelled"]["general_purpose_ai"], 2);
}

#[test]
fn unknown_pricing_id_exits_2() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "log.csv", &log_of("2025-07-07T00:00:00Z", "0h BR mk 0.0625"));
    let err = fails(tmp.path(), &["bill", "log.csv", "--pricing", "per-message-2027"]);
    // The argument parser writes a usage hint after the message; the message itself is one line.
    let first = err.lines().next().unwrap_or("");
    assert!(first.contains("per-message-2027") && first.contains("--pricing"), "{err}");
    assert!(first.contains("per-message-2025"), "lists the valid ids: {first}");
}

#[test]
fn empty_rate_in_a_user_card_exits_2_naming_market_category_card_and_row() {
    let tmp = TempDir::new().unwrap();
    // The user's per-message-2025 card of 2025-07-01 replaces the bundled one; its India
    // marketing cell is empty, so the marketing template of row 2 has no rate.
    write(
        tmp.path(),
        "per-message-2025_2025-07-01.csv",
        "Market,Currency,Marketing,Utility,Authentication,Authentication-International,Service\nIndia,USD,,0.0014,0.0014,,0\n",
    );
    let script = "0h  IN ut 0.0014
                  1h  IN mk 0.0";
    write(tmp.path(), "log.csv", &log_of("2025-08-04T00:00:00Z", script));
    let err = fails(
        tmp.path(),
        &["bill", "log.csv", "--pricing", "per-message-2025", "--rates", "per-message-2025_2025-07-01.csv"],
    );
    let line = one_line(&err);
    for word in ["India", "marketing", "per-message-2025", "2025-07-01", "row 2"] {
        assert!(line.contains(word), "`{word}` missing from `{line}`");
    }
    // A malformed rate in the card itself names the card's line and column.
    write(
        tmp.path(),
        "per-message-2025_2025-07-01.csv",
        "Market,Currency,Marketing,Utility,Authentication,Authentication-International,Service\nIndia,USD,abc,0.0014,0.0014,,0\n",
    );
    let err = fails(
        tmp.path(),
        &["bill", "log.csv", "--pricing", "per-message-2025", "--rates", "per-message-2025_2025-07-01.csv"],
    );
    let line = one_line(&err);
    assert!(line.contains("line 2") && line.contains("Marketing") && line.contains("abc"), "{line}");
}

#[test]
fn shuffled_rows_give_the_same_bill() {
    let tmp = TempDir::new().unwrap();
    let script = "0h  a BR mk 0.0625
                  1h  b IN in
                  2h  b IN ut free
                  3h  a BR in
                  4h  a BR ff free
                  30h b IN ut 0.0014
                  31h c US au 0.0040
                  32h a BR ff blocked";
    let sorted = log_of("2025-07-07T00:00:00Z", script);
    let lines: Vec<&str> = sorted.lines().collect();
    // A fixed shuffle of the 8 data rows.
    let order = [6, 2, 8, 1, 5, 3, 7, 4];
    let shuffled: String =
        std::iter::once(lines[0]).chain(order.iter().map(|&i| lines[i])).map(|l| format!("{l}\n")).collect();
    write(tmp.path(), "sorted.csv", &sorted);
    write(tmp.path(), "shuffled.csv", &shuffled);
    let a = bill_json(tmp.path(), &["sorted.csv", "--pricing", "auto"]);
    let b = bill_json(tmp.path(), &["shuffled.csv", "--pricing", "auto"]);
    assert_eq!(a, b);
    // Brazil marketing 0.0625 + India utility 0.0014 + North America authentication 0.0040
    // (card 2025-07-01) = 0.0679.
    assert_eq!(decimal(&a["total_cost"]), money("0.0679"));
}

#[test]
fn negative_time_zone() {
    let tmp = TempDir::new().unwrap();
    // conversation-2022 with a free tier of 1: in UTC the two conversations fall in June and July
    // (both free); at -08:00 both in June, so the second is charged (Brazil 0.0500).
    let script = "2022-06-30T23:00:00Z c1 BR mk tier
                  2022-07-01T01:00:00Z c2 BR mk 0.0500";
    write(tmp.path(), "log.csv", &log_of("2022-06-30T00:00:00Z", script));
    let utc = bill_json(tmp.path(), &["log.csv", "--pricing", "conversation-2022", "--free-tier", "1"]);
    assert_eq!(decimal(&utc["total_cost"]), money("0"));
    let west =
        bill_json(tmp.path(), &["log.csv", "--pricing", "conversation-2022", "--free-tier", "1", "--timezone=-08:00"]);
    assert_eq!(decimal(&west["total_cost"]), money("0.0500"));
    assert_eq!(west["charged"]["business_initiated"], 1);
    assert_eq!(west["conversations"]["business_initiated"], 2);
}

#[test]
fn unsorted_log_writes_each_decision_once_and_stdin_works() {
    let tmp = TempDir::new().unwrap();
    let sorted = log_of("2025-07-07T00:00:00Z", "0h a BR mk 0.0625\n1h a BR in\n2h a BR ff free");
    let mut lines: Vec<&str> = sorted.lines().collect();
    lines.swap(1, 3);
    let unsorted = lines.join("\n") + "\n";
    write(tmp.path(), "log.csv", &unsorted);
    wasim(tmp.path()).args(["bill", "log.csv", "--decisions", "out.csv"]).assert().success();
    let decisions = std::fs::read_to_string(tmp.path().join("out.csv")).unwrap();
    assert_eq!(decisions.lines().count(), 1 + 3, "header and one row per message:\n{decisions}");
    let out = wasim(tmp.path())
        .args(["bill", "-", "--json", "--pricing", "per-message-2025"])
        .write_stdin(unsorted)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let j: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(decimal(&j["total_cost"]), money("0.0625"));
}

#[test]
fn bad_files_and_options_exit_2_without_panic() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "log.csv", &log_of("2025-07-07T00:00:00Z", "0h BR mk 0.0625"));
    write(tmp.path(), "empty.csv", "");
    write(tmp.path(), "short.csv", "time,customer,direction,type,category,country\n2025-07-07T00:00:00Z,c,in\n");
    let line = |args: &[&str]| one_line(&fails(tmp.path(), args)).to_owned();
    assert!(line(&["bill", "missing.csv"]).contains("missing.csv"));
    assert!(line(&["bill", "empty.csv"]).contains("time"));
    let short = line(&["bill", "short.csv"]);
    assert!(short.contains("row 1") && short.contains("line 2"), "{short}");
    let intl = line(&["bill", "log.csv", "--auth-international-from", "2025-01-01"]);
    assert!(intl.contains("--primary-country"), "{intl}");
    let tiers = write(tmp.path(), "tiers.csv", "market,category,from,rate\nIndia,marketing,2,0.1\n");
    let tiers = line(&["bill", "log.csv", "--tiers", tiers.to_str().unwrap()]);
    assert!(tiers.contains("line 2") && tiers.contains("category"), "{tiers}");
    // Argument errors come from the argument parser (a usage hint follows the first line).
    for args in [
        &["bill", "log.csv", "--timezone", "+25:00"][..],
        &["bill", "log.csv", "--markup", "ten"][..],
        &["bill", "log.csv", "--free-tier", "-1"][..],
        &["bill", "log.csv", "--primary-country", "Brazil"][..],
    ] {
        let err = fails(tmp.path(), args);
        assert!(err.lines().next().unwrap_or("").starts_with("error"), "{args:?}: {err}");
    }
}

#[test]
fn user_cards_tiers_and_authentication_international_from_the_command_line() {
    let tmp = TempDir::new().unwrap();
    // P4 with A = 1: India authentication (card 2026-01-01, 0.0014) from the 2nd at 0.0010.
    // 0.0014 + 0.0010 + 0.0010 = 0.0034.
    write(tmp.path(), "tiers.csv", "market,category,from,rate\nIndia,authentication,2,0.0010\n");
    write(tmp.path(), "log.csv", &log_of("2026-01-05T00:00:00Z", "0h IN au 0.0014\n1h IN au 0.0010\n2h IN au 0.0010"));
    let j = bill_json(tmp.path(), &["log.csv", "--pricing", "per-message-2025", "--tiers", "tiers.csv"]);
    assert_eq!(decimal(&j["total_cost"]), money("0.0034"));
    assert_eq!(j["charged"]["authentication"], 3);
    // A Brazilian business eligible from 2026-01-01: India's international rate 0.0280, three times.
    let j = bill_json(
        tmp.path(),
        &["log.csv", "--pricing", "auto", "--primary-country", "BR", "--auth-international-from", "2026-01-01"],
    );
    assert_eq!(decimal(&j["total_cost"]), money("0.0840"));
    assert_eq!(j["charged"]["authentication_international"], 3);
    assert_eq!(decimal(&j["cost_by_category"]["authentication_international"]), money("0.0840"));
    // A card whose name gives no model and date replaces every card of --pricing: 0.5 each.
    write(
        tmp.path(),
        "mine.csv",
        "Market,Currency,Marketing,Utility,Authentication,Authentication-International,Service\nIndia,USD,0.9,0.5,0.5,,0\n",
    );
    let j = bill_json(tmp.path(), &["log.csv", "--pricing", "per-message-2025", "--rates", "mine.csv"]);
    assert_eq!(decimal(&j["total_cost"]), money("1.5"));
    // Under auto it cannot tell which model the card is for.
    let err = fails(tmp.path(), &["bill", "log.csv", "--rates", "mine.csv"]);
    assert!(one_line(&err).contains("mine.csv"), "{err}");
}
