//! A run's outputs: `summary.json`, `breakdown.csv`, `daily.csv`, `manifest.json`, a copy of the
//! scenario and optional traces, written into a directory atomically; and the one-screen summary
//! table. Every file but the manifest (which records the run time and thread count) is a pure
//! function of the scenario and seed, byte-identical for any thread count.

use crate::engine::{KINDS, RunResult, Tally, Traffic};
use crate::log::LogWriter;
use crate::pricing::BillCategory;
use crate::pricing::money::Money;
use crate::pricing::rate_card::CardId;
use crate::report::ReportError;
use crate::rules::{Outcome, Reason};
use crate::scenario::Scenario;
use crate::stats::{Summary, summarize};
use crate::time::Date;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

mod report_data;
pub use report_data::report_data;

/// How the run went, for the manifest.
#[derive(Clone, Debug)]
pub struct RunInfo {
    /// Worker threads.
    pub threads: usize,
    /// Start of the run, UTC, RFC 3339.
    pub started_utc: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The files of a run, by name.
pub type Files = Vec<(String, Vec<u8>)>;

/// Why the output directory could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The directory holds files wasim did not write.
    #[error("{0}: refusing to replace a non-empty directory that has no wasim manifest.json; choose another --out")]
    NotOurs(PathBuf),
    /// An I/O error.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// What.
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

/// Writes `files` as the directory `dir`: into a temporary directory beside it, then renamed into
/// place. An existing `dir` is replaced only if it is empty or holds a wasim manifest.
///
/// # Errors
/// A directory that is not wasim's, or an I/O error (the existing directory is then untouched).
pub fn write_dir(dir: &Path, files: &Files) -> Result<(), OutputError> {
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(io(dir))?;
        let empty = entries.next().is_none();
        let ours = fs::read_to_string(dir.join("manifest.json")).is_ok_and(|m| m.contains("\"wasim_version\""));
        if !empty && !ours {
            return Err(OutputError::NotOurs(dir.to_path_buf()));
        }
    }
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io(parent))?;
    let name = dir.file_name().map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&temp);
    fs::create_dir(&temp).map_err(io(&temp))?;
    let result = (|| {
        for (file, bytes) in files {
            let path = temp.join(file);
            if let Some(folder) = path.parent().filter(|f| *f != temp) {
                fs::create_dir_all(folder).map_err(io(folder))?;
            }
            fs::write(&path, bytes).map_err(io(&path))?;
        }
        if dir.exists() {
            fs::rename(dir, &old).map_err(io(dir))?;
        }
        if let Err(e) = fs::rename(&temp, dir) {
            let _ = fs::rename(&old, dir);
            return Err(OutputError::Io { path: dir.to_path_buf(), source: e });
        }
        let _ = fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&temp);
    }
    result
}

/// FNV-1a, 64 bits: the scenario's fingerprint in the manifest.
#[must_use]
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn provider_fees(s: &Scenario, tally: &Tally, traffic: &Traffic) -> Money {
    let delivered = traffic.outcome(Outcome::Delivered);
    let inbound = traffic.outcome(Outcome::Received);
    s.business.fees.per_outbound * delivered
        + s.business.fees.per_inbound * inbound
        + tally.cost().percent(s.business.fees.markup_percent)
}

fn mean_u64(values: impl Iterator<Item = u64>, n: usize) -> f64 {
    values.map(|v| v as f64).sum::<f64>() / n.max(1) as f64
}

fn round(v: f64) -> f64 {
    if v.is_finite() { (v * 1e6).round() / 1e6 } else { 0.0 }
}

fn summary_json(x: &Summary) -> Value {
    json!({
        "mean": round(x.mean), "sd": round(x.sd),
        "ci95": [round(x.ci95_low), round(x.ci95_high)],
        "p50": round(x.p50), "p90": round(x.p90), "p95": round(x.p95),
        "min": round(x.min), "max": round(x.max),
    })
}

/// The statistics of a run, computed once: `summary.json` and the report both read them, so the
/// report's numbers are summary.json's.
#[derive(Clone, Debug)]
pub struct RunStats {
    /// Per (strategy, pricing), at index `strategy * pricings + pricing`.
    pub cells: Vec<CellStats>,
    /// Per pricing, every pair of strategies `a < b`, in the scenario's order.
    pub paired: Vec<PairStats>,
}

/// The statistics of one strategy under one pricing.
#[derive(Clone, Debug)]
pub struct CellStats {
    /// The exact total of each replication.
    pub totals: Vec<Money>,
    /// The total across replications.
    pub total: Summary,
    /// The provider's fees across replications.
    pub fees: Summary,
    /// Per bill category that had charged units or cost: mean charged units and the cost.
    pub categories: Vec<CategoryStats>,
    /// Mean messages per replication by final reason (reasons that occurred).
    pub reasons: Vec<(Reason, f64)>,
    /// Mean conversations opened per replication by category (categories that occurred).
    pub conversations: Vec<(BillCategory, f64)>,
}

/// One bill category's charges.
#[derive(Clone, Debug)]
pub struct CategoryStats {
    /// The category.
    pub category: BillCategory,
    /// Mean charged units per replication.
    pub charged_mean: f64,
    /// Its cost across replications.
    pub cost: Summary,
}

/// Two strategies under one pricing, paired by replication (same simulated customers).
#[derive(Clone, Debug)]
pub struct PairStats {
    /// The pricing (index in the scenario).
    pub pricing: usize,
    /// Strategy a (index).
    pub a: usize,
    /// Strategy b (index).
    pub b: usize,
    /// Per replication, cost of a minus cost of b.
    pub difference: Summary,
    /// The exact sum of those differences over the replications.
    pub total: Money,
    /// Replications in which a costs less.
    pub a_cheaper: usize,
    /// Replications in which b costs less.
    pub b_cheaper: usize,
}

impl RunStats {
    /// Computes the statistics of a run.
    #[must_use]
    pub fn new(s: &Scenario, r: &RunResult) -> RunStats {
        let np = s.pricings.len();
        let n = r.replications.len();
        let mut cells = Vec::new();
        for si in 0..s.strategies.len() {
            for pi in 0..np {
                let tallies: Vec<&Tally> = r.replications.iter().map(|rep| &rep.tallies[si * np + pi]).collect();
                let exact = totals(s, r, si, pi);
                let costs: Vec<f64> = exact.iter().map(|m| m.as_f64()).collect();
                let fees: Vec<f64> = r
                    .replications
                    .iter()
                    .map(|rep| provider_fees(s, &rep.tallies[si * np + pi], &rep.traffic[si]).as_f64())
                    .collect();
                let mut categories = Vec::new();
                for category in BillCategory::ALL {
                    let c = category as usize;
                    let per_rep = |t: &Tally| -> (u64, Money) {
                        t.cells
                            .chunks(8)
                            .fold((0, Money::ZERO), |(k, m), cells| (k + cells[c].charged, m + cells[c].cost))
                    };
                    let counts: Vec<(u64, Money)> = tallies.iter().map(|t| per_rep(t)).collect();
                    if counts.iter().all(|(k, m)| *k == 0 && *m == Money::ZERO) {
                        continue;
                    }
                    let costs: Vec<f64> = counts.iter().map(|x| x.1.as_f64()).collect();
                    categories.push(CategoryStats {
                        category,
                        charged_mean: mean_u64(counts.iter().map(|x| x.0), n),
                        cost: summarize(&costs),
                    });
                }
                let reasons = Reason::ALL
                    .iter()
                    .enumerate()
                    .filter_map(|(k, reason)| {
                        let total: u64 = tallies.iter().map(|t| t.reasons[k]).sum();
                        (total > 0).then(|| (*reason, total as f64 / n as f64))
                    })
                    .collect();
                let conversations = BillCategory::ALL
                    .into_iter()
                    .filter_map(|category| {
                        let total: u64 = tallies.iter().map(|t| t.conversations[category as usize]).sum();
                        (total > 0).then(|| (category, total as f64 / n as f64))
                    })
                    .collect();
                cells.push(CellStats {
                    total: summarize(&costs),
                    totals: exact,
                    fees: summarize(&fees),
                    categories,
                    reasons,
                    conversations,
                });
            }
        }
        let mut paired = Vec::new();
        for pi in 0..np {
            for a in 0..s.strategies.len() {
                for b in a + 1..s.strategies.len() {
                    let (ta, tb) = (&cells[a * np + pi].totals, &cells[b * np + pi].totals);
                    let diffs: Vec<f64> = ta.iter().zip(tb).map(|(x, y)| (*x - *y).as_f64()).collect();
                    paired.push(PairStats {
                        pricing: pi,
                        a,
                        b,
                        difference: summarize(&diffs),
                        total: ta.iter().zip(tb).map(|(x, y)| *x - *y).sum(),
                        a_cheaper: ta.iter().zip(tb).filter(|(x, y)| x < y).count(),
                        b_cheaper: ta.iter().zip(tb).filter(|(x, y)| x > y).count(),
                    });
                }
            }
        }
        RunStats { cells, paired }
    }

    /// The statistics of a strategy under a pricing.
    #[must_use]
    pub fn cell(&self, s: &Scenario, strategy: usize, pricing: usize) -> &CellStats {
        &self.cells[strategy * s.pricings.len() + pricing]
    }
}

/// Builds every output file of a run: the data files and, unless `report` is false, the charts
/// (`charts/NAME.svg`, `charts/NAME.png`) and `report.html`.
///
/// # Errors
/// When a chart cannot be drawn.
pub fn render(s: &Scenario, r: &RunResult, info: &RunInfo, report: bool) -> Result<Files, ReportError> {
    let stats = RunStats::new(s, r);
    let mut files: Files = vec![
        ("summary.json".into(), summary(s, r, &stats).into_bytes()),
        ("breakdown.csv".into(), breakdown(s, r).into_bytes()),
        ("daily.csv".into(), daily(s, r).into_bytes()),
        ("scenario.toml".into(), s.text.clone().into_bytes()),
    ];
    for (si, rows) in r.trace.iter().enumerate() {
        if r.trace.iter().all(Vec::is_empty) {
            break;
        }
        let mut w = match LogWriter::new(Vec::new(), s.period.offset) {
            Ok(w) => w,
            Err(_) => continue,
        };
        for row in rows {
            let _ = w.write(row.time, &format!("c{}", row.customer), row.kind, row.country, row.status);
        }
        files.push((format!("trace-{}.csv", s.strategies[si].name), w.into_inner()));
    }
    let drawing = std::time::Instant::now();
    if report {
        let data = report_data::report_data(s, r, &stats);
        let charts = crate::report::charts::render_all(&data)?;
        for chart in &charts {
            files.push((format!("charts/{}.svg", chart.name), chart.svg.clone().into_bytes()));
            files.push((format!("charts/{}.png", chart.name), chart.png.clone()));
        }
        files.push(("report.html".into(), crate::report::html::render(&data, &charts).into_bytes()));
    }
    let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).chain(["manifest.json".to_owned()]).collect();
    let report_seconds = report.then(|| drawing.elapsed().as_secs_f64());
    files.push(("manifest.json".into(), manifest(s, r, info, report_seconds, &names).into_bytes()));
    Ok(files)
}

/// The rate cards in force on some day of the run under some pricing, by model and date.
fn cards_used(s: &Scenario) -> Vec<CardId> {
    let mut used = Vec::new();
    for d in 0..s.period.days {
        let date = Date(s.period.start.0 + d as i32);
        for p in &s.pricings {
            if let Some(id) = s.business.book.card_for(p.model_on(date), date)
                && !used.contains(&id)
            {
                used.push(id);
            }
        }
    }
    used.sort_by_key(|id| (s.business.book.card(*id).model, s.business.book.card(*id).effective));
    used
}

fn manifest(s: &Scenario, r: &RunResult, info: &RunInfo, report_seconds: Option<f64>, names: &[String]) -> String {
    let cards: Vec<Value> = cards_used(s)
        .iter()
        .map(|id| s.business.book.card(*id))
        .map(|c| json!({ "pricing_model": c.model.id(), "effective": c.effective.to_string(), "source": c.source }))
        .collect();
    let v = json!({
        "wasim_version": env!("CARGO_PKG_VERSION"),
        "scenario": s.name,
        "scenario_file": s.file.display().to_string(),
        "scenario_hash": format!("fnv1a64:{:016x}", fnv1a(s.text.as_bytes())),
        "seed": s.run.seed,
        "replications": s.run.replications,
        "customers": s.customers.count,
        "days": s.period.days,
        "pricing": s.pricings.iter().map(|p| p.id()).collect::<Vec<_>>(),
        "strategies": s.strategies.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
        "rate_cards": cards,
        "tiers": !s.business.book.tiers.is_empty(),
        "threads": info.threads,
        "started_utc": info.started_utc,
        "run_seconds": round(info.seconds),
        "report_seconds": report_seconds.map(round),
        "messages_processed": r.events,
        "files": names,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// Per (strategy, pricing), the exact total per replication.
fn totals(s: &Scenario, r: &RunResult, si: usize, pi: usize) -> Vec<Money> {
    let np = s.pricings.len();
    r.replications.iter().map(|rep| rep.tallies[si * np + pi].cost()).collect()
}

fn summary(s: &Scenario, r: &RunResult, stats: &RunStats) -> String {
    let np = s.pricings.len();
    let n = r.replications.len();
    let mut results = Vec::new();
    for (si, named) in s.strategies.iter().enumerate() {
        for (pi, pricing) in s.pricings.iter().enumerate() {
            let cell = &stats.cells[si * np + pi];
            let mut charged = Map::new();
            let mut cost_by_category = Map::new();
            for c in &cell.categories {
                charged.insert(c.category.id().into(), json!(round(c.charged_mean)));
                cost_by_category.insert(c.category.id().into(), summary_json(&c.cost));
            }
            let reasons: Vec<Value> = cell
                .reasons
                .iter()
                .map(|(reason, mean)| {
                    json!({
                        "reason": reason.text(),
                        "charged": reason.is_charge(),
                        "messages_mean": round(*mean),
                    })
                })
                .collect();
            let mut conversations = Map::new();
            for (category, mean) in &cell.conversations {
                conversations.insert(category.id().into(), json!(round(*mean)));
            }
            results.push(json!({
                "strategy": named.name,
                "pricing": pricing.id(),
                "total_cost": summary_json(&cell.total),
                "total_cost_by_replication": cell.totals.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "provider_fees": summary_json(&cell.fees),
                "charged_mean": charged,
                "cost_by_category": cost_by_category,
                "conversations_mean": conversations,
                "messages_by_reason": reasons,
            }));
        }
    }
    let mut traffic = Vec::new();
    for (si, named) in s.strategies.iter().enumerate() {
        let t = |f: &dyn Fn(&Traffic) -> u64| round(mean_u64(r.replications.iter().map(|rep| f(&rep.traffic[si])), n));
        let mut by_kind = Map::new();
        for (k, name) in KINDS.iter().enumerate() {
            let mut outcomes = Map::new();
            for (o, outcome) in crate::engine::OUTCOMES.iter().enumerate() {
                let v = t(&|x: &Traffic| x.counts[k][o]);
                if v > 0.0 {
                    outcomes.insert(outcome.id().into(), json!(v));
                }
            }
            if !outcomes.is_empty() {
                by_kind.insert((*name).into(), Value::Object(outcomes));
            }
        }
        traffic.push(json!({
            "strategy": named.name,
            "kind": named.strategy.kind(),
            "messages_mean": {
                "inbound": t(&|x: &Traffic| x.outcome(Outcome::Received)),
                "outbound": t(&|x: &Traffic| x.counts.iter().skip(2).map(|row| row.iter().sum::<u64>()).sum()),
                "delivered": t(&|x: &Traffic| x.outcome(Outcome::Delivered)),
                "blocked": t(&|x: &Traffic| x.outcome(Outcome::Blocked)),
                "suppressed": t(&|x: &Traffic| x.outcome(Outcome::Suppressed)),
                "failed": t(&|x: &Traffic| x.outcome(Outcome::Failed)),
                "dropped_by_strategy": t(&|x: &Traffic| x.dropped),
                "held_by_strategy": t(&|x: &Traffic| x.held),
                "still_held_at_end": t(&|x: &Traffic| x.held_at_end),
            },
            "by_kind_and_outcome": by_kind,
        }));
    }
    let paired: Vec<Value> = stats
        .paired
        .iter()
        .map(|p| {
            json!({
                "pricing": s.pricings[p.pricing].id(),
                "a": s.strategies[p.a].name,
                "b": s.strategies[p.b].name,
                "difference_a_minus_b": summary_json(&p.difference),
                "difference_total_over_replications": p.total.to_string(),
                "a_cheaper_share": round(p.a_cheaper as f64 / n as f64),
                "b_cheaper_share": round(p.b_cheaper as f64 / n as f64),
                "tie_share": round((n - p.a_cheaper - p.b_cheaper) as f64 / n as f64),
            })
        })
        .collect();
    // The same traffic priced two ways: what a change of pricing model costs each strategy.
    let mut pricing_differences = Vec::new();
    for (si, named) in s.strategies.iter().enumerate() {
        for a in 0..s.pricings.len() {
            for b in a + 1..s.pricings.len() {
                let (ta, tb) = (totals(s, r, si, a), totals(s, r, si, b));
                let diffs: Vec<f64> = ta.iter().zip(&tb).map(|(x, y)| (*x - *y).as_f64()).collect();
                pricing_differences.push(json!({
                    "strategy": named.name,
                    "a": s.pricings[a].id(),
                    "b": s.pricings[b].id(),
                    "difference_a_minus_b": summary_json(&summarize(&diffs)),
                }));
            }
        }
    }
    let v = json!({
        "scenario": s.name,
        "description": s.description,
        "currency": s.business.book.currency(),
        "start": s.period.start.to_string(),
        "days": s.period.days,
        "timezone": s.period.offset.to_string(),
        "customers": s.customers.count,
        "replications": s.run.replications,
        "seed": s.run.seed,
        "statistics": {
            "ci95": "two-sided 95% confidence interval of the mean across replications, Student's t with n-1 degrees of freedom",
            "quantiles": "type 7: linear interpolation between order statistics (R's default, NumPy's linear)",
            "paired_differences": "per replication, strategy a minus strategy b under the same pricing and the same simulated customers (common random numbers)",
            "pricing_differences": "per replication, the same strategy's traffic priced under pricing a minus pricing b",
            "money": "total_cost_by_replication is exact; means, deviations and intervals are floating point",
        },
        "results": results,
        "traffic": traffic,
        "paired_differences": paired,
        "pricing_differences": pricing_differences,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

fn breakdown(s: &Scenario, r: &RunResult) -> String {
    let np = s.pricings.len();
    let l = &r.layout;
    let mut out = String::from("strategy,pricing,replication,month,market,category,charged,cost\n");
    for (ri, rep) in r.replications.iter().enumerate() {
        for (si, named) in s.strategies.iter().enumerate() {
            for (pi, pricing) in s.pricings.iter().enumerate() {
                let t = &rep.tallies[si * np + pi];
                for month in 0..l.months {
                    for (mi, market) in l.markets.iter().enumerate() {
                        for category in BillCategory::ALL {
                            let c = t.cells[l.cell(month, mi, category)];
                            if c.charged == 0 && c.cost == Money::ZERO {
                                continue;
                            }
                            let m = crate::time::Month(l.first_month.0 + month as i32);
                            let _ = writeln!(
                                out,
                                "{},{},{ri},{m},{},{},{},{}",
                                named.name,
                                pricing.id(),
                                csv_field(s.business.book.markets.name(*market)),
                                category.id(),
                                c.charged,
                                c.cost
                            );
                        }
                    }
                }
            }
        }
    }
    out
}

fn daily(s: &Scenario, r: &RunResult) -> String {
    let np = s.pricings.len();
    let n = r.replications.len().max(1) as f64;
    let mut out = String::from(
        "strategy,pricing,date,inbound_mean,outbound_mean,delivered_mean,charged_mean,cost_mean_before_tiers\n",
    );
    for (si, named) in s.strategies.iter().enumerate() {
        for (pi, pricing) in s.pricings.iter().enumerate() {
            for day in 0..r.layout.days {
                let mut traffic = [0u64; 3];
                let mut charged = 0u64;
                let mut cost = Money::ZERO;
                for rep in &r.replications {
                    let d = rep.traffic[si].daily[day];
                    for k in 0..3 {
                        traffic[k] += d[k];
                    }
                    let c = rep.tallies[si * np + pi].daily[day];
                    charged += c.charged;
                    cost += c.cost;
                }
                let _ = writeln!(
                    out,
                    "{},{},{},{:.4},{:.4},{:.4},{:.4},{:.6}",
                    named.name,
                    pricing.id(),
                    Date(s.period.start.0 + day as i32),
                    traffic[0] as f64 / n,
                    traffic[1] as f64 / n,
                    traffic[2] as f64 / n,
                    charged as f64 / n,
                    cost.as_f64() / n
                );
            }
        }
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// The one-screen summary for the terminal.
#[must_use]
pub fn table(s: &Scenario, r: &RunResult, dir: &Path, report: bool) -> String {
    let np = s.pricings.len();
    let currency = s.business.book.currency();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} customers, {} days from {} ({}), {} replications; Meta charges in {currency}",
        s.name,
        s.customers.count,
        s.period.days,
        s.period.start,
        s.period.offset,
        r.replications.len()
    );
    let _ = writeln!(
        out,
        "\n{:<20} {:<18} {:>12} {:>25} {:>12} {:>10} {:>9}",
        "strategy", "pricing", "mean cost", "95% CI", "P90", "charged", "blocked"
    );
    for (si, named) in s.strategies.iter().enumerate() {
        let blocked =
            mean_u64(r.replications.iter().map(|rep| rep.traffic[si].outcome(Outcome::Blocked)), r.replications.len());
        for (pi, pricing) in s.pricings.iter().enumerate() {
            let costs: Vec<f64> = totals(s, r, si, pi).iter().map(|m| m.as_f64()).collect();
            let x = summarize(&costs);
            let charged =
                mean_u64(r.replications.iter().map(|rep| rep.tallies[si * np + pi].charged()), r.replications.len());
            let _ = writeln!(
                out,
                "{:<20} {:<18} {:>12.2} {:>25} {:>12.2} {:>10.0} {:>9.0}",
                named.name,
                pricing.id(),
                x.mean,
                format!("[{:.2}, {:.2}]", x.ci95_low, x.ci95_high),
                x.p90,
                charged,
                blocked
            );
        }
    }
    if s.strategies.len() > 1 {
        let _ = writeln!(out, "\nCheapest strategy per pricing (paired with the others, same customers):");
        for (pi, pricing) in s.pricings.iter().enumerate() {
            let means: Vec<f64> = (0..s.strategies.len())
                .map(|si| summarize(&totals(s, r, si, pi).iter().map(|m| m.as_f64()).collect::<Vec<_>>()).mean)
                .collect();
            let best = (0..means.len()).min_by(|a, b| means[*a].total_cmp(&means[*b])).unwrap_or(0);
            let mut line = format!("  {:<18} {}", pricing.id(), s.strategies[best].name);
            for other in (0..means.len()).filter(|o| *o != best) {
                let (tb, to) = (totals(s, r, best, pi), totals(s, r, other, pi));
                let diffs: Vec<f64> = to.iter().zip(&tb).map(|(x, y)| (*x - *y).as_f64()).collect();
                let d = summarize(&diffs);
                let _ = write!(
                    line,
                    "; {} costs {:+.2} more [{:.2}, {:.2}]",
                    s.strategies[other].name, d.mean, d.ci95_low, d.ci95_high
                );
            }
            let _ = writeln!(out, "{line}");
        }
    }
    let traces = if r.trace.iter().any(|t| !t.is_empty()) { ", trace-<strategy>.csv" } else { "" };
    let report = if report { ", report.html, charts/" } else { "" };
    let _ = writeln!(
        out,
        "\nWrote {} (summary.json, breakdown.csv, daily.csv, manifest.json{traces}{report})",
        dir.display()
    );
    out
}
