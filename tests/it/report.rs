//! The report renderer end to end: charts decode, are not blank, carry their titles and series;
//! the page is self-contained, escaped, and shows the data's own numbers.

use std::collections::HashSet;
use std::fs;
use std::path::Path;
use wasim::pricing::BillCategory;
use wasim::report::charts::{HEIGHT, WIDTH};
use wasim::report::sample::sample;
use wasim::report::{FreeReason, ReportData, ReportError, amount_text, write_report};

const CHARTS: [&str; 6] = [
    "cost-by-category",
    "pricing-models",
    "messages-paid-free",
    "spend-over-time",
    "total-cost-distribution",
    "cost-by-market",
];

fn render(data: &ReportData) -> (tempfile::TempDir, wasim::report::ReportFiles) {
    let dir = tempfile::tempdir().unwrap();
    let files = write_report(dir.path(), data).unwrap();
    (dir, files)
}

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

#[test]
fn every_chart_is_written_as_png_and_svg_and_is_not_blank() {
    let data = sample(60, 50);
    let (dir, files) = render(&data);
    assert_eq!(files.charts.len(), 2 * CHARTS.len());
    for name in CHARTS {
        let png = dir.path().join("charts").join(format!("{name}.png"));
        let (w, h, colours, ink) = inspect_png(&png);
        assert_eq!((w, h), (WIDTH, HEIGHT), "{name}");
        assert!(colours >= 12, "{name}: only {colours} colours");
        assert!(ink > 0.03, "{name}: only {:.1}% of pixels drawn", ink * 100.0);
        let svg = fs::read_to_string(dir.path().join("charts").join(format!("{name}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{name}");
        // No leftover temporary files.
        assert!(
            fs::read_dir(dir.path().join("charts")).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".tmp"))
        );
    }
    assert!(files.report.ends_with("report.html"));
}

#[test]
fn svgs_carry_titles_units_and_series() {
    let data = sample(60, 50);
    let (dir, _) = render(&data);
    let svg = |name: &str| fs::read_to_string(dir.path().join("charts").join(format!("{name}.svg"))).unwrap();

    let a = svg("cost-by-category");
    assert!(a.contains("Cost per strategy, by category"));
    assert!(a.contains("Mean cost per replication (USD)"));
    for cat in [BillCategory::Marketing, BillCategory::Utility, BillCategory::Service] {
        assert!(a.contains(cat.label()), "{cat:?}");
    }
    // User-initiated conversations cost nothing in the sample: no legend entry for them.
    assert!(!a.contains(BillCategory::UserInitiated.label()));
    for m in &data.pricing_models {
        assert!(a.contains(&format!("Pricing: {m}")));
    }

    let b = svg("messages-paid-free");
    assert!(b.contains("Paid and free messages per strategy"));
    for r in [FreeReason::ServiceWindow, FreeReason::EntryPoint, FreeReason::Allowance, FreeReason::FreeForm] {
        assert!(b.contains(r.label()), "{r:?}");
    }

    let c = svg("spend-over-time");
    assert!(c.contains("Spend over time") && c.contains("Cost per day (USD)"));
    assert!(c.contains("per-message-2026 starts") && c.contains("Rate card 2026-10-01"));
    assert!(c.contains("2026-08-15"), "first day labelled");

    let d = svg("total-cost-distribution");
    assert!(d.contains("Total cost across replications"));
    for dist in &data.distributions {
        assert!(d.contains(&format!("P90: USD {}", wasim::report::money_text(dist.budget.value))));
    }

    let e = svg_texts(&svg("cost-by-market"));
    for m in ["IN", "BR", "ID", "MX", "DE", "US"] {
        assert!(e.iter().any(|t| t == m), "market {m}");
    }

    let f = svg("pricing-models");
    assert!(f.contains("The same traffic under each pricing model"));
    assert!(f.contains("vs per-message-2025"));

    for name in CHARTS {
        let s = svg(name);
        for strategy in &data.strategies {
            // The sample's names contain commas only as text: plotters escapes nothing else here.
            assert!(s.contains(strategy.as_str()), "{name} lacks strategy {strategy}");
        }
    }
}

#[test]
fn the_report_shows_the_datas_numbers() {
    let data = sample(60, 50);
    let (_dir, files) = render(&data);
    let html = fs::read_to_string(&files.report).unwrap();
    for c in &data.costs {
        let r = row(&html, "costs", &format!("data-strategy=\"{}\" data-pricing=\"{}\"", c.strategy, c.pricing));
        let totals = cells(r);
        assert_eq!(totals[0], c.pricing);
        assert_eq!(totals[1], c.strategy);
        // The exact decimals, digit for digit (thousands grouped for reading).
        let exact = |a: &wasim::report::Amount| a.exact.clone().unwrap();
        assert_eq!(ungroup(&totals[2]), exact(&c.total.mean));
        assert_eq!(ungroup(&totals[4]), exact(&c.total.p50));
        assert_eq!(ungroup(&totals[5]), exact(&c.total.p90));
        assert_eq!(ungroup(&totals[6]), exact(&c.total.p95));
        let r = row(&html, "categories", &format!("data-strategy=\"{}\" data-pricing=\"{}\"", c.strategy, c.pricing));
        let by_cat: Vec<String> = cells(r)[2..].iter().map(|c| ungroup(c)).collect();
        for b in &c.by_category {
            assert!(by_cat.contains(&exact(&b.mean)), "{:?} of {} {}", b.category, c.strategy, c.pricing);
        }
    }
    for d in &data.distributions {
        let r = row(&html, "budget", &format!("data-strategy=\"{}\"", d.strategy));
        assert_eq!(cells(r)[1], amount_text(&d.budget));
        assert_eq!(cells(r)[4], d.totals.len().to_string());
    }
    for m in &data.markets {
        let r = row(&html, "markets", &format!("data-market=\"{}\"", m.market));
        assert!(cells(r).iter().any(|c| ungroup(c) == m.mean.exact.clone().unwrap()));
    }
    for m in &data.messages {
        let r = row(&html, "messages", &format!("data-strategy=\"{}\" data-pricing=\"{}\"", m.strategy, m.pricing));
        assert_eq!(cells(r)[2], wasim::report::count_text(m.paid));
    }
    let headline = data.headline.as_ref().unwrap();
    let answer = &html[html.find("id=\"headline\"").unwrap()..];
    let answer = &answer[..answer.find("</div>").unwrap()];
    assert!(answer.contains(&format!("<b>{}</b> is the cheapest", headline.cheapest)));
    assert!(answer.contains(&format!("USD {}", amount_text(&headline.saving))));
    assert!(ungroup(&amount_text(&headline.saving)) == headline.saving.exact.clone().unwrap());
    assert!(answer.contains(&headline.compared_with));
}

#[test]
fn the_report_is_self_contained_and_complete() {
    let data = sample(60, 50);
    let (_dir, files) = render(&data);
    let html = fs::read_to_string(&files.report).unwrap();
    assert_eq!(html.matches("<svg").count(), CHARTS.len(), "every chart inline");
    for name in CHARTS {
        assert!(html.contains(&format!("id=\"chart-{name}\"")));
    }
    for external in ["<script", "<link", "<img", "src=", "href=", "url(", "@import"] {
        assert!(!html.contains(external), "report uses {external}");
    }
    // The only URL is SVG's namespace name, which is never fetched.
    assert_eq!(html.matches("http").count(), html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count());
    assert!(html.contains("Which template strategy is cheapest"), "the question");
    for card in &data.rate_cards {
        assert!(html.contains(&card.effective));
    }
    // Provenance notes are text: escaped.
    assert!(html.contains("service rates as announced &lt;draft&gt; &amp; subject to change"));
    assert!(html.contains("<dt>Seed</dt><dd>42</dd>"));
    assert!(html.contains("<dt>Replications</dt><dd>50</dd>"));
}

#[test]
fn text_from_the_scenario_is_escaped_everywhere() {
    let mut data = sample(20, 5);
    let evil = "<script>alert('x')</script> & co";
    data.scenario = evil.to_string();
    data.question = format!("Is {evil} cheaper?");
    let old = data.strategies[0].clone();
    data.strategies[0] = evil.to_string();
    for c in &mut data.costs {
        if c.strategy == old {
            c.strategy = evil.to_string();
        }
    }
    for d in &mut data.daily {
        if d.strategy == old {
            d.strategy = evil.to_string();
        }
    }
    let (dir, files) = render(&data);
    let html = fs::read_to_string(&files.report).unwrap();
    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    let svg = fs::read_to_string(dir.path().join("charts").join("cost-by-category.svg")).unwrap();
    assert!(!svg.contains("<script"));
    assert!(svg.contains("&lt;script&gt;"));
}

#[test]
fn charts_without_data_are_left_out_and_odd_data_still_renders() {
    let mut data = sample(1, 1);
    data.markets.retain(|m| m.market == "IN");
    data.daily.clear();
    data.headline = None;
    for c in &mut data.costs {
        c.total.ci_low = f64::NAN;
        c.total.ci_high = f64::INFINITY;
        c.by_category.clear();
    }
    for d in &mut data.distributions {
        d.totals = vec![0.0];
        d.budget.value = 0.0;
    }
    let (dir, files) = render(&data);
    let charts = dir.path().join("charts");
    assert!(!charts.join("cost-by-market.png").exists(), "one market: no market chart");
    assert!(!charts.join("spend-over-time.png").exists(), "no daily data: no chart");
    assert_eq!(files.charts.len(), 2 * 4);
    for f in files.charts.iter().filter(|p| p.extension().is_some_and(|e| e == "png")) {
        let (w, h, colours, _) = inspect_png(f);
        assert_eq!((w, h), (WIDTH, HEIGHT));
        assert!(colours > 4, "{}", f.display());
    }
    let html = fs::read_to_string(&files.report).unwrap();
    assert!(html.contains("No comparison between strategies"));
    assert!(!html.contains("id=\"markets\""), "one market: no market table");
}

#[test]
fn an_unwritable_destination_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    fs::write(&file, "x").unwrap();
    let err = write_report(&file, &sample(5, 3)).unwrap_err();
    assert!(matches!(err, ReportError::Io { .. }), "{err}");
    assert!(err.to_string().contains("not-a-folder"));
}

/// Whether a PNG has at least `min` pixels of exactly this colour.
fn has_colour(path: &Path, rgb: (u8, u8, u8), min: usize) -> bool {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    buf[..info.buffer_size()].chunks(channels).filter(|p| (p[0], p[1], p[2]) == rgb).count() >= min
}

#[test]
fn a_colour_means_the_same_strategy_or_category_on_every_chart() {
    use wasim::report::charts::{category_colour, pricing_colour, strategy_colour};
    let data = sample(60, 50);
    let (dir, _) = render(&data);
    let png = |name: &str| dir.path().join("charts").join(format!("{name}.png"));
    for s in &data.strategies {
        let c = strategy_colour(&data, s);
        for chart in ["spend-over-time", "total-cost-distribution", "cost-by-market"] {
            assert!(has_colour(&png(chart), (c.0, c.1, c.2), 50), "{s} not drawn in its colour on {chart}");
        }
    }
    for cat in [BillCategory::Marketing, BillCategory::Utility, BillCategory::Service] {
        let c = category_colour(cat);
        assert!(has_colour(&png("cost-by-category"), (c.0, c.1, c.2), 500), "{cat:?}");
    }
    for m in &data.pricing_models {
        let c = pricing_colour(m);
        assert!(has_colour(&png("pricing-models"), (c.0, c.1, c.2), 500), "{m}");
    }
    // A strategy keeps its colour when others are missing from a chart's data.
    let mut only_last = data.clone();
    let last = data.strategies.last().unwrap().clone();
    only_last.daily.retain(|d| d.strategy == last);
    let (dir2, _) = render(&only_last);
    let spend = dir2.path().join("charts").join("spend-over-time.png");
    let (own, other) = (strategy_colour(&data, &last), strategy_colour(&data, &data.strategies[0]));
    assert!(has_colour(&spend, (own.0, own.1, own.2), 50));
    assert!(!has_colour(&spend, (other.0, other.1, other.2), 1));
}

// ---------------------------------------------------------------------------------------------
// `wasim run` writes the report of the real run.

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
                // The P90 budget of the detailed pricing (the first listed).
                let b = cells(row(&html, "budget", &format!("data-strategy=\"{s}\"")));
                assert_same(cell_f(&b[1]), json_f(&t["p90"]), "budget");
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
    assert!(headline.contains(&format!("<b>{cheapest}</b> is the cheapest")), "{headline}");
    assert!(headline.contains(&format!("than <b>{other}</b>")), "{headline}");
    let saving = headline.split("USD ").nth(1).unwrap().split("</b>").next().unwrap();
    assert_same(cell_f(saving), d, "saving");

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
    assert_same(cell_f(&b[1]), p75, "P75 budget");
    assert!(html.contains("P75 budget"));
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

/// Strategies far apart against their spread: one shared axis would squash each box to a line,
/// so every row gets its own scale and the chart says so; close strategies share one axis.
#[test]
fn distributions_far_apart_get_a_scale_each() {
    let mut data = sample(30, 40);
    for (k, d) in data.distributions.iter_mut().enumerate() {
        let level = 100.0 * 10f64.powi(k as i32);
        d.totals = (0..40).map(|i| level + f64::from(i % 7)).collect();
        d.budget = wasim::report::Amount::float(level + 6.0);
    }
    let (dir, _) = render(&data);
    let svg = fs::read_to_string(dir.path().join("charts/total-cost-distribution.svg")).unwrap();
    assert!(svg.contains("each on its own scale") && svg.contains("each row has its own scale"));
    let texts = svg_texts(&svg);
    for d in &data.distributions {
        assert!(texts.contains(&d.strategy), "no row for {}", d.strategy);
    }

    for d in &mut data.distributions {
        d.totals = (0..40).map(|i| 500.0 + f64::from(i % 9) * 10.0).collect();
        d.budget = wasim::report::Amount::float(580.0);
    }
    let (dir, _) = render(&data);
    let svg = fs::read_to_string(dir.path().join("charts/total-cost-distribution.svg")).unwrap();
    assert!(!svg.contains("own scale"));
}
