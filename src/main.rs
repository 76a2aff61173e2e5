//! The `wasim` command line: a thin layer over the library.

use anyhow::{Context as _, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wasim::{
    BillError, BillOptions, Country, Date, DecisionsCsv, Money, NoDecisions, Pricing, ProviderFees, RateBook, RunInfo,
    Scenario, Settings, Time, Timelines, UserFile, UserFilesError, UtcOffset, bill_log, bundled_cards, run_files,
    summary_table, write_dir,
};

/// wasim: simulate and bill WhatsApp Business Platform messaging.
#[derive(Parser)]
#[command(name = "wasim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Price a message log (CSV: time,customer,direction,type,category,country and optional
    /// status, business_number, price, max_price).
    Bill(BillArgs),
    /// Print each customer's timeline: windows, what each message opened, its cost and why.
    Explain(ExplainArgs),
    /// List the bundled rate cards, their dates, markets and provenance.
    Rates,
    /// Simulate a scenario: cost per strategy and pricing model, with its uncertainty.
    Run(RunArgs),
    /// Check a scenario without running it.
    Validate {
        /// The scenario (TOML).
        scenario: PathBuf,
    },
}

#[derive(Args)]
struct BillArgs {
    /// The message log; `-` reads standard input.
    log: PathBuf,
    #[command(flatten)]
    pricing: PricingArgs,
    /// Also write one row per message with its decision and reason to this CSV file.
    #[arg(long, value_name = "OUT.csv")]
    decisions: Option<PathBuf>,
    /// Print the bill as one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ExplainArgs {
    /// The message log; `-` reads standard input.
    log: PathBuf,
    #[command(flatten)]
    pricing: PricingArgs,
}

#[derive(Args)]
struct RunArgs {
    /// The scenario (TOML; see docs/scenario.md).
    scenario: PathBuf,
    /// Output directory (default output/<scenario name>/); replaced atomically.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replications (overrides the scenario's run.replications).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    replications: Option<u32>,
    /// Root seed (overrides the scenario's run.seed).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Also write the message log of the first N customers of replication 0, per strategy
    /// (trace-<strategy>.csv, the `wasim bill` format).
    #[arg(long, value_name = "N", default_value_t = 0)]
    trace: u64,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Skip the charts and report.html (write only the data files).
    #[arg(long)]
    no_report: bool,
    /// Add replications until every mean total is known to within this share of itself, e.g.
    /// 1% (overrides the scenario's run.precision).
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    precision: Option<f64>,
    /// The most replications --precision may run (overrides run.max-replications).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    max_replications: Option<u32>,
}

fn parse_percent(s: &str) -> Result<f64, String> {
    let bad = || format!("expected a percentage above 0 like 1%, found \"{s}\"");
    let number = s.trim().strip_suffix('%').ok_or_else(bad)?;
    match number.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 100.0 => Ok(v / 100.0),
        _ => Err(bad()),
    }
}

#[derive(Args)]
struct PricingArgs {
    /// Pricing model id (template-2018, conversation-2022, category-2023, per-message-2025,
    /// per-message-2026) or `auto`: the model in force at each message's delivery.
    #[arg(long, default_value = "auto", value_parser = parse_pricing)]
    pricing: Pricing,
    /// Your own rate card (Meta's CSV layout). Named `<model>_<YYYY-MM-DD>.csv` it adds (or
    /// replaces) that model's card from that date; otherwise it replaces every card of --pricing.
    /// May be repeated.
    #[arg(long, value_name = "FILE")]
    rates: Vec<PathBuf>,
    /// Volume-tier table (CSV: market,category,from,rate).
    #[arg(long, value_name = "FILE")]
    tiers: Option<PathBuf>,
    /// The business's time zone as a UTC offset; dated rules and months fall at its midnight.
    /// Write a negative one as --timezone=-08:00.
    #[arg(long, default_value = "+00:00", value_parser = parse_offset, allow_hyphen_values = true)]
    timezone: UtcOffset,
    /// Country of the business's own number (for authentication-international).
    #[arg(long, value_name = "XX", value_parser = parse_country)]
    primary_country: Option<Country>,
    /// Date from which the business is eligible for authentication-international rates.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    auth_international_from: Option<Date>,
    /// Size of the model's monthly free allowance (conversations, service conversations, or
    /// free-form messages per business number); 0 switches it off.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    free_tier: u64,
    /// Provider fee per delivered outbound message.
    #[arg(long, value_name = "X", value_parser = parse_money, default_value = "0")]
    fee_out: Money,
    /// Provider fee per inbound message.
    #[arg(long, value_name = "X", value_parser = parse_money, default_value = "0")]
    fee_in: Money,
    /// Provider markup on Meta's charges, in percent.
    #[arg(long, value_name = "PCT", value_parser = parse_money, default_value = "0")]
    markup: Money,
    /// The length of an entry-point window in hours, for every date (default: 24 h before
    /// 2023-03-01, 72 h before 2026-09-28, 7 days from then).
    #[arg(long, value_name = "H", value_parser = clap::value_parser!(u32).range(1..=8760))]
    entry_point_hours: Option<u32>,
    /// The last date of a government or non-profit exemption: free-form beyond the free tier is
    /// free until then (at most 2027-12-31).
    #[arg(long, value_name = "DATE", value_parser = parse_exempt_until)]
    service_exempt_until: Option<Date>,
}

fn parse_pricing(s: &str) -> Result<Pricing, String> {
    Pricing::parse(s)
}
fn parse_offset(s: &str) -> Result<UtcOffset, String> {
    UtcOffset::parse(s)
}
fn parse_country(s: &str) -> Result<Country, String> {
    Country::parse(s)
}
fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s)
}
fn parse_money(s: &str) -> Result<Money, String> {
    Money::parse(s)
}
fn parse_exempt_until(s: &str) -> Result<Date, String> {
    let date = Date::parse(s)?;
    if date > Date::from_ymd(2027, 12, 31).unwrap_or(date) {
        return Err(format!("expected a date up to 2027-12-31 (the exemption's latest end), found `{s}`"));
    }
    Ok(date)
}

impl PricingArgs {
    fn options(&self) -> Result<BillOptions> {
        if self.auth_international_from.is_some() && self.primary_country.is_none() {
            bail!(
                "--auth-international-from needs --primary-country: international means outside the business's own market"
            );
        }
        Ok(BillOptions {
            settings: Settings {
                pricing: self.pricing,
                offset: self.timezone,
                primary_country: self.primary_country,
                auth_international_from: self.auth_international_from,
                us_marketing_pause: false,
                entry_point_hours: self.entry_point_hours,
                service_exempt_until: self.service_exempt_until,
            },
            free_tier: self.free_tier,
            fees: ProviderFees { per_outbound: self.fee_out, per_inbound: self.fee_in, markup_percent: self.markup },
        })
    }

    /// The bundled book with --rates and --tiers, read here: pricing does no I/O.
    fn book(&self) -> Result<RateBook> {
        fn file((name, text): &(String, String)) -> UserFile<'_> {
            UserFile { name, text }
        }
        let named = |path: &PathBuf| Ok::<_, anyhow::Error>((path.display().to_string(), read_text(path)?));
        let cards = self.rates.iter().map(named).collect::<Result<Vec<_>>>()?;
        let tiers = self.tiers.as_ref().map(named).transpose()?;
        let unnamed = match self.pricing {
            Pricing::Fixed(model) => Some(model),
            Pricing::Auto => None,
        };
        RateBook::with_user_files(&cards.iter().map(file).collect::<Vec<_>>(), unnamed, tiers.as_ref().map(file))
            .map_err(|e| match e {
                UserFilesError::Unnamed { name, .. } => anyhow!(
                    "{name}: name the card <model>_<YYYY-MM-DD>.csv (e.g. per-message-2025_2026-01-01.csv), or pass --pricing with the model it prices"
                ),
                other => anyhow!(other),
            })
    }
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Opens a log as many times as billing needs; standard input is read once into memory.
fn log_source(path: &Path) -> Result<impl Fn() -> std::io::Result<Box<dyn Read>>> {
    let stdin: Option<std::sync::Arc<Vec<u8>>> = if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).context("cannot read standard input")?;
        Some(std::sync::Arc::new(buf))
    } else {
        fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        None
    };
    let path = path.to_path_buf();
    Ok(move || -> std::io::Result<Box<dyn Read>> {
        match &stdin {
            Some(buf) => Ok(Box::new(std::io::Cursor::new(buf.as_ref().clone()))),
            None => Ok(Box::new(std::io::BufReader::with_capacity(1 << 20, fs::File::open(&path)?))),
        }
    })
}

/// A billing error as the user reads it: in the log, or in the decisions file being written.
fn located(e: BillError, log: &Path, decisions: Option<&Path>) -> anyhow::Error {
    match (e, decisions) {
        (BillError::Decisions(e), Some(path)) => anyhow!(e).context(format!("cannot write {}", path.display())),
        (e, _) => anyhow!(e).context(log.display().to_string()),
    }
}

/// `wasim bill`.
fn bill(args: BillArgs) -> Result<()> {
    let options = args.pricing.options()?;
    let book = args.pricing.book()?;
    let open = log_source(&args.log)?;
    let decisions = args.decisions.as_deref();
    let bill = match decisions {
        Some(path) => {
            let mut sink = DecisionsCsv::create(path, &book, options.settings.offset)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let bill = bill_log(&open, &book, &options, &mut sink).map_err(|e| located(e, &args.log, decisions))?;
            sink.commit().with_context(|| format!("cannot write {}", path.display()))?;
            bill
        }
        None => bill_log(&open, &book, &options, &mut NoDecisions).map_err(|e| located(e, &args.log, None))?,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &bill.to_json(&book, &options))?;
        writeln!(out)?;
    } else {
        write!(out, "{}", bill.to_text(&book, &options))?;
    }
    Ok(())
}

/// `wasim explain`.
fn explain(args: ExplainArgs) -> Result<()> {
    let options = args.pricing.options()?;
    let book = args.pricing.book()?;
    let open = log_source(&args.log)?;
    let mut timelines = Timelines::default();
    let bill = bill_log(&open, &book, &options, &mut timelines).map_err(|e| located(e, &args.log, None))?;
    let mut out = std::io::stdout().lock();
    write!(out, "{}", timelines.render(&book, options.settings.offset))?;
    writeln!(out, "Total Meta charges: {} {}", book.currency(), bill.total_cost())?;
    Ok(())
}

/// `wasim rates`.
fn rates() -> Result<()> {
    let book = RateBook::bundled()?;
    print!("{}", bundled_cards(&book));
    Ok(())
}

/// A progress bar on a terminal's standard error, or none.
fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} customers, {eta} left") {
        bar.set_style(style);
    }
    bar
}

/// `wasim run`.
fn simulate(args: RunArgs) -> Result<()> {
    let mut s = Scenario::load(&args.scenario)?;
    if let Some(r) = args.replications {
        s.run.replications = r;
    }
    if let Some(seed) = args.seed {
        s.run.seed = seed;
    }
    if let Some(p) = args.precision {
        s.run.precision = Some(p);
    }
    if let Some(m) = args.max_replications {
        s.run.max_replications = m;
    }
    s.run.max_replications = s.run.max_replications.max(s.run.replications);
    let threads = args
        .threads
        .map_or_else(|| std::thread::available_parallelism().map_or(1, std::num::NonZero::get), usize::from);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let bar = progress_bar(s.customers.count * u64::from(s.run.replications), args.quiet);
    let started = std::time::Instant::now();
    let started_utc = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    let result = pool
        .install(|| wasim::run(&s, args.trace, &|n| bar.inc(n)))
        .with_context(|| args.scenario.display().to_string())?;
    bar.finish_and_clear();
    let info = RunInfo {
        threads,
        started_utc: Time::from_secs(started_utc).display(UtcOffset(0)),
        seconds: started.elapsed().as_secs_f64(),
    };
    let report = !args.no_report;
    let files = run_files(&s, &result, &info, report)?;
    let dir = args.out.unwrap_or_else(|| PathBuf::from("output").join(&s.name));
    write_dir(&dir, &files)?;
    print!("{}", summary_table(&s, &result, &dir, report));
    Ok(())
}

/// `wasim validate`.
fn validate(scenario: &Path) -> Result<()> {
    let s = Scenario::load(scenario)?;
    println!(
        "{}: valid: {} customers, {} days from {}, {} replications, pricing {}, strategies {}",
        scenario.display(),
        s.customers.count,
        s.period.days,
        s.period.start,
        s.run.replications,
        s.pricings.iter().map(|p| p.id()).collect::<Vec<_>>().join(", "),
        s.strategies.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ")
    );
    Ok(())
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Bill(args) => bill(args)?,
        Command::Explain(args) => explain(args)?,
        Command::Rates => rates()?,
        Command::Run(args) => simulate(args)?,
        Command::Validate { scenario } => validate(&scenario)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A reader that closed the pipe (`wasim bill log.csv | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    let pipe = Some(std::io::ErrorKind::BrokenPipe);
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == pipe
            || e.downcast_ref::<serde_json::Error>().and_then(serde_json::Error::io_error_kind) == pipe
    })
}

/// Parses the command line; a usage error is one line on stderr and exit code 2.
fn parse_cli() -> Result<Cli, ExitCode> {
    Cli::try_parse().map_err(|err| {
        use clap::error::ErrorKind;
        if matches!(err.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
            || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        {
            let _ = err.print();
            return if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
        let text = err.render().to_string();
        let first: Vec<&str> = text.lines().map(str::trim).take_while(|l| !l.is_empty()).collect();
        eprintln!("{} (see --help)", first.join(" "));
        ExitCode::from(2)
    })
}

fn main() -> ExitCode {
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
