//! The `wasim bill` benchmark: rows per second on one core and peak memory, on message logs
//! generated at run time into a temporary directory (never committed).
//!
//! `cargo bench --bench bill` generates a time-sorted log of 10 million rows (and one of a tenth
//! of that, with the same 500,000 customers), bills each under per-message-2025 and category-2023
//! through the library on one thread, and prints rows/s with the peak resident memory (`VmHWM`).
//! Each bill runs in a fresh child process so that its peak memory is its own. It then bills the
//! same rows out of time order (the read-whole-and-sort path) and checks the bill is identical.
//!
//! Smaller runs: `WASIM_BENCH_ROWS=1000000` (the large log's rows; the small one is a tenth),
//! `WASIM_BENCH_CUSTOMERS=50000`. `WASIM_BENCH_DIR=some/dir` keeps the generated logs there (for
//! profiling `wasim bill` on them).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::Instant;
use wasim::{BillOptions, Model, NoDecisions, Pricing, ProviderFees, RateBook, Settings, UtcOffset, bill_log};

/// The business's time zone in the generated logs (India).
const OFFSET_SECS: i64 = 5 * 3600 + 1800;
/// 2025-09-01T00:00:00+05:30 in seconds since the epoch: the log's first day.
const START: i64 = 1_756_665_000;
/// The log spans about a month.
const SPAN: i64 = 30 * 86_400;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        child(&args[2], &args[3]);
        return;
    }
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let rows = env("WASIM_BENCH_ROWS", 10_000_000);
    let customers = env("WASIM_BENCH_CUSTOMERS", 500_000).max(1);
    let temp = tempfile::tempdir().expect("a temporary directory");
    let keep = std::env::var_os("WASIM_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = keep.as_deref().unwrap_or(temp.path());
    println!(
        "wasim bill benchmark: one thread; rows/s = rows / CPU seconds of the bill, reading and parsing the CSV included"
    );
    println!(
        "{:<9} {:>11} {:>10} {:<17} {:>7} {:>7} {:>10} {:>12}",
        "log", "rows", "customers", "pricing", "wall s", "cpu s", "rows/s", "peak RSS MB"
    );
    for size in [rows / 10, rows] {
        let sorted = dir.join(format!("sorted-{size}.csv"));
        let started = Instant::now();
        generate(&sorted, size, customers);
        let bytes = std::fs::metadata(&sorted).map(|m| m.len()).unwrap_or(0);
        eprintln!("(generated {size} rows, {} MB, in {:.1} s)", bytes / 1_000_000, started.elapsed().as_secs_f64());
        let unsorted = dir.join(format!("unsorted-{size}.csv"));
        shuffle_blocks(&sorted, &unsorted, 8);
        for model in [Model::PerMessage2025, Model::Category2023] {
            let a = run_child(&sorted, model);
            a.print("sorted", model);
            if model == Model::PerMessage2025 {
                let b = run_child(&unsorted, model);
                b.print("unsorted", model);
                assert_eq!(a.digest, b.digest, "the unsorted log must bill exactly like the sorted one");
            }
        }
        if keep.is_none() {
            std::fs::remove_file(&sorted).ok();
            std::fs::remove_file(&unsorted).ok();
        }
    }
}

/// What a child process measured.
struct Measured {
    rows: u64,
    seconds: f64,
    peak_mb: f64,
    digest: u64,
    customers: u64,
    cpu_seconds: f64,
}

impl Measured {
    fn print(&self, log: &str, model: Model) {
        println!(
            "{log:<9} {:>11} {:>10} {:<17} {:>7.2} {:>7.2} {:>10.0} {:>12.0}",
            self.rows,
            self.customers,
            model.id(),
            self.seconds,
            self.cpu_seconds,
            self.rows as f64 / self.cpu_seconds,
            self.peak_mb
        );
    }
}

fn run_child(log: &Path, model: Model) -> Measured {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(exe).arg("--child").arg(log).arg(model.id()).output().expect("the child runs");
    assert!(out.status.success(), "child failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let f: Vec<&str> = text.split_whitespace().collect();
    Measured {
        rows: f[0].parse().expect("rows"),
        seconds: f[1].parse().expect("seconds"),
        peak_mb: f[2].parse::<f64>().expect("kB") / 1024.0,
        digest: f[3].parse().expect("digest"),
        customers: f[4].parse().expect("customers"),
        cpu_seconds: f[5].parse().expect("cpu seconds"),
    }
}

/// Bills one log and prints `rows seconds peak_kB digest`.
fn child(log: &str, model: &str) {
    let book = RateBook::bundled().expect("bundled rates");
    let model = Model::from_id(model).expect("a model id");
    let mut settings = Settings::new(Pricing::Fixed(model));
    settings.offset = UtcOffset(i32::try_from(OFFSET_SECS).expect("small"));
    let options = BillOptions { settings, free_tier: 1_000, fees: ProviderFees::default() };
    let open = || File::open(log).map(|f| BufReader::with_capacity(1 << 20, f));
    let (started, cpu_started) = (Instant::now(), cpu_seconds());
    let bill = bill_log(open, &book, &options, &mut NoDecisions).expect("the generated log bills");
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_started;
    let rows = bill.messages.inbound + bill.messages.outbound;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    format!("{bill:?}").hash(&mut hasher);
    println!("{rows} {seconds} {} {} {} {cpu}", peak_rss_kb(), hasher.finish(), bill.customers);
}

/// Time this thread has spent on a CPU, in seconds (`/proc/thread-self/schedstat`): on a busy
/// machine it is steadier than the wall clock.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    stat.split_whitespace().next().and_then(|ns| ns.parse::<f64>().ok()).map_or(f64::NAN, |ns| ns / 1e9)
}

/// Peak resident set size of this process, in kB (`VmHWM`).
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// A small deterministic generator (splitmix64); the log must be the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Message kinds of the generated log.
#[derive(Clone, Copy)]
enum Kind {
    In,
    EntryPoint,
    Marketing,
    Utility,
    Authentication,
    FreeForm,
}

use Kind::{Authentication, EntryPoint, FreeForm, In, Marketing, Utility};

/// Episodes of a customer's month, with their weights in percent: a chat the customer starts, a
/// Click-to-WhatsApp ad, a marketing campaign, order updates, a one-time code, and a stray
/// free-form message (blocked when no window is open). An episode plays a prefix of its script.
const EPISODES: [(u64, &[Kind]); 6] = [
    (40, &[In, FreeForm, In, FreeForm, Utility]),
    (5, &[EntryPoint, FreeForm, In, FreeForm]),
    (25, &[Marketing, In, FreeForm]),
    (20, &[Utility, Utility]),
    (7, &[Authentication]),
    (3, &[FreeForm]),
];
/// Mean messages per episode under the weights above (prefix lengths are uniform).
const MEAN_EPISODE: f64 = 2.225;

/// Countries of the customers' numbers, with weights and calling codes.
const COUNTRIES: [(&str, u64, &str); 11] = [
    ("IN", 35, "91"),
    ("BR", 20, "55"),
    ("ID", 10, "62"),
    ("MX", 8, "52"),
    ("US", 7, "1"),
    ("NG", 5, "234"),
    ("GB", 4, "44"),
    ("DE", 4, "49"),
    ("AE", 3, "971"),
    ("CO", 2, "57"),
    ("IT", 2, "39"),
];

fn pick<T: Copy>(rng: &mut Rng, table: &[(u64, T)]) -> T {
    let total: u64 = table.iter().map(|(w, _)| w).sum();
    let mut x = rng.below(total);
    for (w, t) in table {
        if x < *w {
            return *t;
        }
        x -= w;
    }
    table[table.len() - 1].1
}

/// One customer's place in their current episode.
#[derive(Clone, Copy)]
struct State {
    country: u8,
    episode: u8,
    position: u8,
    length: u8,
}

/// Writes a time-sorted log of `rows` rows: each customer's next message waits in a heap, so the
/// generator's memory, like the biller's, depends on the customers only.
fn generate(path: &Path, rows: u64, customers: u64) {
    let mut rng = Rng(2025);
    let per_customer = rows as f64 / customers as f64;
    let mean_gap = ((SPAN as f64 * MEAN_EPISODE / per_customer) as u64).max(1);
    let country_weights: Vec<(u64, u8)> =
        COUNTRIES.iter().enumerate().map(|(i, (_, w, _))| (*w, u8::try_from(i).expect("few"))).collect();
    let episode_weights: Vec<(u64, u8)> =
        EPISODES.iter().enumerate().map(|(i, (w, _))| (*w, u8::try_from(i).expect("few"))).collect();
    let mut states = Vec::with_capacity(customers as usize);
    let mut heap = BinaryHeap::with_capacity(customers as usize);
    let new_episode = |rng: &mut Rng, s: &mut State| {
        s.episode = pick(rng, &episode_weights);
        let script = EPISODES[usize::from(s.episode)].1;
        s.length = 1 + u8::try_from(rng.below(script.len() as u64)).expect("short");
        s.position = 0;
    };
    for c in 0..customers {
        let mut s = State { country: pick(&mut rng, &country_weights), episode: 0, position: 0, length: 0 };
        new_episode(&mut rng, &mut s);
        states.push(s);
        // The month opens with every customer active in its first half hour (a newsletter goes
        // out, customers write back), so both sizes hold the same customers.
        heap.push(Reverse((START + rng.below(1800) as i64, c as u32)));
    }
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path).expect("a temporary file"));
    out.write_all(b"time,customer,direction,type,category,country,status\n").expect("write");
    let mut line = Vec::with_capacity(128);
    let mut day_text = (i64::MIN, [0u8; 10]);
    for _ in 0..rows {
        let Reverse((t, c)) = heap.pop().expect("every customer always has a next message");
        let s = &mut states[c as usize];
        let kind = EPISODES[usize::from(s.episode)].1[usize::from(s.position)];
        let (country, _, calling) = COUNTRIES[usize::from(s.country)];
        line.clear();
        let local = t + OFFSET_SECS;
        let day = local.div_euclid(86_400);
        if day != day_text.0 {
            day_text = (day, civil_date(day));
        }
        let sod = local.rem_euclid(86_400);
        line.extend_from_slice(&day_text.1);
        line.push(b'T');
        for v in [sod / 3600, sod / 60 % 60, sod % 60] {
            line.extend_from_slice(&[b'0' + (v / 10) as u8, b'0' + (v % 10) as u8, b':']);
        }
        line.pop();
        let wa_id = u64::from(c).wrapping_mul(7_919_000_003) % 10_000_000_000;
        let (direction, kind_text, category) = match kind {
            In => ("in", "message", ""),
            EntryPoint => ("in", "entry_point", ""),
            Marketing => ("out", "template", "marketing"),
            Utility => ("out", "template", "utility"),
            Authentication => ("out", "template", "authentication"),
            FreeForm => ("out", "freeform", ""),
        };
        let status = if direction == "out" && rng.below(50) == 0 { "failed" } else { "delivered" };
        writeln!(line, "+05:30,{calling}{wa_id:010},{direction},{kind_text},{category},{country},{status}")
            .expect("write to memory");
        out.write_all(&line).expect("write");
        s.position += 1;
        let next = if s.position < s.length {
            1 + rng.below(1800)
        } else {
            new_episode(&mut rng, s);
            1 + rng.below(2 * mean_gap)
        };
        heap.push(Reverse((t + next as i64, c)));
    }
    out.flush().expect("write");
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (Howard Hinnant's civil-from-days).
fn civil_date(days: i64) -> [u8; 10] {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let text = format!("{y:04}-{m:02}-{d:02}");
    let mut out = [0u8; 10];
    out.copy_from_slice(text.as_bytes());
    out
}

/// Writes the rows of `from` out of time order: cut into `blocks` runs, written last run first.
/// Bills of the two must be identical (no customer has two messages in the same second).
fn shuffle_blocks(from: &Path, to: &Path, blocks: usize) {
    let lines = BufReader::new(File::open(from).expect("the sorted log")).lines().count().saturating_sub(1);
    let per_block = lines.div_ceil(blocks).max(1);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(to).expect("a temporary file"));
    for block in (0..blocks).rev() {
        let mut reader = BufReader::with_capacity(1 << 20, File::open(from).expect("the sorted log"));
        let mut line = String::new();
        let mut i = 0usize;
        let (first, last) = (block * per_block, (block + 1) * per_block);
        loop {
            line.clear();
            if reader.read_line(&mut line).expect("read") == 0 {
                break;
            }
            if i == 0 {
                if block == blocks - 1 {
                    out.write_all(line.as_bytes()).expect("write");
                }
            } else if (first..last).contains(&(i - 1)) {
                out.write_all(line.as_bytes()).expect("write");
            } else if i > last {
                break;
            }
            i += 1;
        }
    }
    out.flush().expect("write");
}
