//! The report of a real run, through the binary: `wasim run` writes every chart (decoded, not
//! blank) and a page whose numbers are `summary.json`'s, into its output directory or not at all.
//! The renderer alone, on data made by hand, is tested beside it in `src/report/tests.rs`.

use std::collections::HashSet;
use std::fs;
use std::path::Path;

/// Every chart's PNG size, as docs/report.md gives it.
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 720;

const CHARTS: [&str; 6] = [
    "cost-by-category",
    "pricing-models",
    "messages-paid-free",
    "spend-over-time",
    "total-cost-distribution",
    "cost-by-market",
];

/// Decodes a PNG; returns its size, its number of distinct colours and its share of non-white pixels.
fn inspect_png(path: &Path) -> (u32, u32, usize, f64) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let channels = info.color_type.samples();
    let mut colours = HashSet::new();
    let mut ink = 0usize;
    for px in bytes.chunks(channels) {
        colours.insert(px.to_vec());
        if px.iter().take(3).any(|&c| c < 250) {
            ink += 1;
        }
    }
    let share = ink as f64 / (bytes.len() / channels) as f64;
    (info.width, info.height, colours.len(), share)
}

/// The table row of `table` whose attributes are `attrs`, up to its `</tr>`.
fn row<'a>(html: &'a str, table: &str, attrs: &str) -> &'a str {
    let start = html.find(&format!("<table id=\"{table}\"")).unwrap_or_else(|| panic!("no table {table}"));
    let t = &html[start..];
    let t = &t[..t.find("</table>").unwrap()];
    let i = t.find(&format!("<tr {attrs}>")).unwrap_or_else(|| panic!("no row {attrs} in {table}"));
    let r = &t[i..];
    &r[..r.find("</tr>").unwrap()]
}

/// The text of every `<text>` element of an SVG document, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .map(|t| t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()].trim().to_string())
        .collect()
}

fn ungroup(s: &str) -> String {
    s.replace(',', "")
}

fn cells(row: &str) -> Vec<String> {
    row.split("<td").skip(1).map(|c| c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()].to_string()).collect()
}

/// Two markets, two strategies, two pricings, across the 2026-01-01 per-message-2025 card.
const RUN_SCENARIO: &str = r#"# A small shop in India and Brazil.
# Question: does checking the window save money
# over always sending templates?
name = "small-shop"

[run]
start = "2025-12-22"
days = 21
pricing = ["per-message-2025", "per-message-2026"]
replications = 12
seed = 7

[customers]
count = 1500
countries = { IN = 0.6, BR = 0.4 }

[customers.visits]
per-day = 0.05

[customers.replies.utility]
probability = 0.3
delay = { kind = "exponential", mean = "10m" }

[[campaign]]
name = "offer"
first = "2025-12-24T10:00"
every = "7d"
audience = 0.5

[orders]
per-day = 0.05
notifications = [{ after = "0s", urgent = true }, { after = "1d" }]

[[strategy]]
name = "window-check"
kind = "window-check"

[[strategy]]
name = "always-template"
kind = "always-template"
"#;

fn run_wasim(dir: &Path, text: &str, extra: &[&str]) -> std::path::PathBuf {
    let scenario = dir.join("scenario.toml");
    fs::write(&scenario, text).unwrap();
    let out = dir.join("out");
    assert_cmd::Command::cargo_bin("wasim")
        .unwrap()
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .args(extra)
        .assert()
        .success();
    out
}

fn json_f(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// A table cell's number (thousands separators dropped).
fn cell_f(text: &str) -> f64 {
    ungroup(text).trim().parse().unwrap_or_else(|_| panic!("not a number: {text}"))
}

/// The report prints amounts to at least two decimals; summary.json to six.
fn assert_same(report: f64, summary: f64, what: &str) {
    assert!((report - summary).abs() <= 0.0051, "{what}: report {report}, summary.json {summary}");
}

#[test]
fn a_run_writes_every_chart_and_a_report_with_summary_json_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_wasim(dir.path(), RUN_SCENARIO, &[]);
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let strategies = ["window-check", "always-template"];
    let pricings = ["per-message-2025", "per-message-2026"];

    // Every chart (two markets: cost by market too), decoded, full size, drawn on.
    for name in CHARTS {
        let (w, h, colours, ink) = inspect_png(&out.join("charts").join(format!("{name}.png")));
        assert_eq!((w, h), (WIDTH, HEIGHT), "{name}");
        assert!(colours >= 12, "{name}: only {colours} colours");
        assert!(ink > 0.03, "{name}: only {:.1}% of pixels drawn", ink * 100.0);
        let svg = fs::read_to_string(out.join("charts").join(format!("{name}.svg"))).unwrap();
        let texts = svg_texts(&svg);
        for s in strategies {
            assert!(texts.iter().any(|t| t.contains(s)), "{name}: no {s}");
        }
    }
    // Nothing else in charts/: each chart once as SVG and once as PNG, no temporary file left.
    let mut written: Vec<String> = fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut expected: Vec<String> = CHARTS.iter().flat_map(|n| [format!("{n}.png"), format!("{n}.svg")]).collect();
    expected.sort();
    assert_eq!(written, expected);
    assert!(written.iter().all(|f| !f.contains(".tmp")));
    let svg = |name: &str| fs::read_to_string(out.join("charts").join(format!("{name}.svg"))).unwrap();
    assert!(svg("cost-by-category").contains("Cost per strategy, by category"));
    assert!(svg("cost-by-category").contains("(USD)"));
    assert!(svg("pricing-models").contains("The same traffic under each pricing model"));
    assert!(svg("messages-paid-free").contains("Paid and free messages per strategy"));
    assert!(svg("total-cost-distribution").contains("P90"));
    let market_svg = svg("cost-by-market");
    assert!(market_svg.contains("India") && market_svg.contains("Brazil"));
    // The per-message-2025 card of 2026-01-01 replaces the 2025-07-01 one inside the run.
    let spend = svg("spend-over-time");
    assert!(spend.contains("Spend over time") && spend.contains("2026-01-01"));

    let html = fs::read_to_string(out.join("report.html")).unwrap();
    // Self-contained: nothing fetched.
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<img"));
    for name in CHARTS {
        assert!(html.contains(&format!("id=\"chart-{name}\"")), "{name} not inline");
    }
    // The question is the header comment, its lines joined.
    assert!(html.contains("Question: does checking the window save money over always sending templates?"));
    // The card change is listed with the bundled card's provenance.
    assert!(html.contains("<li>2026-01-01:"), "no marker at the card change");
    assert!(html.contains("rates/per-message-2025_2026-01-01.csv"));

    let np = pricings.len();
    let results = summary["results"].as_array().unwrap();
    let result = |s: &str, p: &str| results.iter().find(|r| r["strategy"] == s && r["pricing"] == p).unwrap();
    let mut means = Vec::new();
    for s in strategies {
        for p in pricings {
            let r = result(s, p);
            let t = &r["total_cost"];
            let c = cells(row(&html, "costs", &format!("data-strategy=\"{s}\" data-pricing=\"{p}\"")));
            assert_same(cell_f(&c[2]), json_f(&t["mean"]), "mean");
            let (lo, hi) = c[3].split_once(" – ").unwrap();
            assert_same(cell_f(lo), json_f(&t["ci95"][0]), "ci low");
            assert_same(cell_f(hi), json_f(&t["ci95"][1]), "ci high");
            assert_same(cell_f(&c[4]), json_f(&t["p50"]), "p50");
            assert_same(cell_f(&c[5]), json_f(&t["p90"]), "p90");
            assert_same(cell_f(&c[6]), json_f(&t["p95"]), "p95");
            // Paid messages are the charged reasons of summary.json.
            let reasons = r["messages_by_reason"].as_array().unwrap();
            let paid: f64 = reasons.iter().filter(|x| x["charged"] == true).map(|x| json_f(&x["messages_mean"])).sum();
            let m = cells(row(&html, "messages", &format!("data-strategy=\"{s}\" data-pricing=\"{p}\"")));
            assert!((cell_f(&m[2]) - paid).abs() <= 0.51, "paid {} vs {paid}", m[2]);
            // Categories: the marketing column is summary.json's marketing cost.
            let marketing = json_f(&r["cost_by_category"]["marketing"]["mean"]);
            assert!(marketing > 0.0);
            let k = cells(row(&html, "categories", &format!("data-strategy=\"{s}\" data-pricing=\"{p}\"")));
            assert_same(cell_f(&k[2]), marketing, "marketing");
            if p == pricings[0] {
                means.push((s, json_f(&t["mean"])));
                // The P90 budget of the detailed pricing (the first listed): 12 replications are
                // too few for an upper bound, so the budget is the P90 itself, and says so.
                let b = cells(row(&html, "budget", &format!("data-strategy=\"{s}\"")));
                assert_same(cell_f(&b[2]), json_f(&t["p90"]), "P90");
                assert!(b[1].contains("too few replications"), "{}", b[1]);
                assert_same(cell_f(b[1].split(' ').next().unwrap()), json_f(&r["budget"]["estimate"]), "budget");
                assert_eq!(r["budget"]["enough_replications"], false);
            }
        }
    }
    assert_eq!(np, 2);
    // The answer: the cheaper strategy under the first pricing, by the paired difference.
    means.sort_by(|a, b| a.1.total_cmp(&b.1));
    let (cheapest, other) = (means[0].0, means[1].0);
    let pair = summary["paired_differences"].as_array().unwrap().iter().find(|p| p["pricing"] == pricings[0]).unwrap();
    let d = json_f(&pair["difference_a_minus_b"]["mean"]).abs();
    let headline = &html[html.find("id=\"headline\"").unwrap()..];
    let headline = &headline[..headline.find("</div>").unwrap()];
    // The page's answer is summary.json's, sentence by sentence.
    let answer = summary["answer"].as_str().unwrap();
    let page: Vec<&str> = headline.split("<p>").skip(1).map(|p| p.split("</p>").next().unwrap()).collect();
    assert_eq!(page.join(" "), answer.replace('\'', "&#39;"));
    let first = page[0];
    assert!(first.starts_with(&format!("Under {}, ", pricings[0])), "{first}");
    let saving = if first.contains(&format!("{cheapest} is the cheapest strategy")) {
        assert!(first.contains(&format!("than the next cheapest, {other}")), "{first}");
        first.split("costs USD ").nth(1).unwrap().split(' ').next().unwrap()
    } else {
        assert!(first.contains(&format!("no clear winner: {cheapest} has the lowest mean")), "{first}");
        first.split("costs only USD ").nth(1).unwrap().split(' ').next().unwrap()
    };
    assert_same(cell_f(saving), d, "saving");
    assert_eq!(summary["question"]["compare"], "strategies");
    assert_eq!(summary["warnings"].as_array().unwrap().len(), 1, "too few replications for P90");
    let warnings = &html[html.find("id=\"warnings\"").unwrap()..];
    assert!(warnings.contains("needs at least 29 replications"));

    // The manifest lists the report's files; nothing temporary is left behind.
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("report.html") && manifest.contains("charts/cost-by-category.png"));
    assert!(fs::read_dir(dir.path()).unwrap().all(|e| !e.unwrap().file_name().to_string_lossy().starts_with('.')));
}

#[test]
fn one_market_has_no_market_chart_and_the_budget_percentile_is_the_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let text = RUN_SCENARIO.replace("{ IN = 0.6, BR = 0.4 }", "{ IN = 1.0 }") + "\n[report]\nbudget-percentile = 75\n";
    let out = run_wasim(dir.path(), &text, &[]);
    assert!(!out.join("charts/cost-by-market.svg").exists() && !out.join("charts/cost-by-market.png").exists());
    assert!(out.join("charts/cost-by-category.png").exists());
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("chart-cost-by-market") && !html.contains("id=\"markets\""));
    // P75 of the 12 exact totals, type 7: between the 9th and 10th smallest, a quarter of the way.
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let r = summary["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["strategy"] == "window-check" && r["pricing"] == "per-message-2025")
        .unwrap();
    let mut totals: Vec<f64> = r["total_cost_by_replication"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    totals.sort_by(f64::total_cmp);
    assert_eq!(totals.len(), 12);
    let p75 = totals[8] + 0.25 * (totals[9] - totals[8]);
    let b = cells(row(&html, "budget", "data-strategy=\"window-check\""));
    assert_same(cell_f(&b[2]), p75, "P75 budget");
    // 12 replications bound P75 (0.75¹² < 5%): the budget is an order statistic above it.
    assert!(b[1].contains("95% upper bound"), "{}", b[1]);
    assert!(cell_f(b[1].split(' ').next().unwrap()) >= p75);
    assert!(html.contains("P75 of the replications"));
    assert!(fs::read_to_string(out.join("charts/total-cost-distribution.svg")).unwrap().contains("P75"));
}

#[test]
fn no_report_writes_only_the_data_files_and_bad_report_settings_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_wasim(dir.path(), RUN_SCENARIO, &["--no-report"]);
    assert!(out.join("summary.json").exists());
    assert!(!out.join("report.html").exists() && !out.join("charts").exists());

    for (setting, expected) in [
        ("budget-percentile = 0", "expected a percentile from 1 to 100, found 0"),
        ("detail-pricing = \"category-2023\"", "expected one of run.pricing (per-message-2025, per-message-2026)"),
    ] {
        let scenario = dir.path().join("bad.toml");
        fs::write(&scenario, format!("{RUN_SCENARIO}\n[report]\n{setting}\n")).unwrap();
        let line = RUN_SCENARIO.lines().count() + 3;
        let assert = assert_cmd::Command::cargo_bin("wasim").unwrap().arg("validate").arg(&scenario).assert().code(2);
        let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(err.contains(expected) && err.contains(&format!(":{line}:")) && err.contains("report."), "{err}");
    }
}

/// A destination that cannot be written (a file where the output directory, or its parent,
/// should be) is an error naming it, not a panic; the file is left as it was and nothing is
/// left beside it.
#[test]
fn an_unwritable_destination_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("scenario.toml");
    fs::write(&scenario, RUN_SCENARIO).unwrap();
    let file = dir.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    for out in [file.clone(), file.join("out")] {
        let assert = assert_cmd::Command::cargo_bin("wasim")
            .unwrap()
            .arg("run")
            .arg(&scenario)
            .args(["--replications", "2", "--quiet", "--out"])
            .arg(&out)
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(err.starts_with("error: ") && err.contains("not-a-folder"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), "x");
        let mut left: Vec<String> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["not-a-folder", "scenario.toml"], "{}", out.display());
    }
}
