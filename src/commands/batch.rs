//! `generate --batch`: JSON Lines in, records out, in parallel, with
//! memory that does not grow with the number of lines.
//!
//! Lines are read as the workers need them (never the whole file; a line
//! may be up to 1 MiB), each validated on its own: a bad line is reported
//! with its line number and does not stop the others. Every one of
//! `--jobs` threads prepares records (key, CSR, signature) and writes
//! them into the batch's staging directory (`keystore::BatchWriter`);
//! committed groups are only flushed and renamed into place, the renames
//! under the keystore lock. Each line's result goes to a [`Report`] (the
//! binary's `main` streams it to stdout and stderr) as soon as it and
//! every line before it are decided, in line order; a worker waits rather
//! than run more than [`WINDOW`] lines ahead of the oldest undecided one,
//! so what is held is bounded by the window, not by the input.

use crate::field::Field;
use std::collections::BTreeMap;
use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use serde_json::json;

use super::common::{self as commands, Ctx, Done};
use super::interrupt::{self, Interruptible};
use crate::cli::{FormatArg, GenerateArgs};
use crate::error::{Error, Kind, Result};
use crate::formats;
use crate::keystore::{BatchWriter, Staged};
use crate::request;

/// Where the result of each batch line goes, in line order, as it is
/// decided. The binary streams it (stdout, stderr); [`Buffered`] keeps it
/// for a library caller. Called from the batch's threads, one at a time.
pub trait Report: Send {
    /// Bytes for stdout: a created line, or a piece of the JSON array.
    fn out(&mut self, bytes: &[u8]);
    /// One error line for stderr, printed even with `--quiet` (without the
    /// `error: ` prefix, which the printer adds).
    fn err(&mut self, line: &str);
    /// Pushes buffered output out (called every so often and at the end).
    fn flush(&mut self) {}
    /// Whether stdout is gone (a closed pipe: `csrkit list | head`), so
    /// that a command that only prints may stop.
    fn closed(&self) -> bool {
        false
    }
}

/// A [`Report`] that keeps everything, for callers that print at the end.
#[derive(Default)]
pub struct Buffered {
    pub stdout: Vec<u8>,
    pub errors: Vec<String>,
}

impl Report for Buffered {
    fn out(&mut self, bytes: &[u8]) {
        self.stdout.extend_from_slice(bytes);
    }
    fn err(&mut self, line: &str) {
        self.errors.push(line.to_string());
    }
}

/// Longest batch line (one request body, like `--request`).
const MAX_LINE: usize = formats::request::MAX_REQUEST as usize;

/// Most lines in flight: read and not yet reported. Bounds what a batch
/// holds whatever its length (a result is a few hundred bytes) while
/// leaving the workers far more room than `2 * GROUP` staged records.
pub const WINDOW: usize = 1024;

/// A request line's place: its order among the request lines (from 0)
/// and its line number in the file (from 1).
#[derive(Clone, Copy)]
struct Numbered {
    seq: usize,
    line: usize,
}

struct LineResult {
    at: Numbered,
    outcome: Result<(u64, String)>,
}

/// The batch input, read line by line.
struct Input {
    reader: Box<dyn BufRead + Send>,
    /// Lines read so far (numbers lines, comments and blank ones too).
    lines: usize,
    /// Request lines handed out so far.
    requests: usize,
    eof: bool,
    /// A read error, which ends the input.
    failed: Option<Error>,
}

fn open_batch(path: &str) -> Result<Box<dyn BufRead + Send>> {
    if path == "-" {
        let stdin = Interruptible {
            fd: libc::STDIN_FILENO,
            _file: None,
        };
        return Ok(Box::new(std::io::BufReader::new(stdin)));
    }
    let f = std::fs::File::open(path).map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::NotFound {
            Kind::NotFound
        } else {
            Kind::Invalid
        };
        Error::new(kind, format!("--batch: cannot open {path}: {e}")).with_field(Field::Batch)
    })?;
    let md = f.metadata().map_err(|e| Error::invalid(Field::Batch, e))?;
    if md.is_dir() {
        return Err(Error::invalid(
            Field::Batch,
            format!("{path} is a directory"),
        ));
    }
    let f = Interruptible {
        fd: std::os::fd::AsRawFd::as_raw_fd(&f),
        _file: Some(f),
    };
    Ok(Box::new(std::io::BufReader::with_capacity(64 << 10, f)))
}

/// Request lines in a regular file (`None` for stdin, a pipe or anything
/// else that cannot be read twice), counted in one streaming pass before
/// the batch starts: the batch then reserves exactly that many ids.
fn count_requests(path: &str) -> Option<usize> {
    if path == "-" || !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut r = open_batch(path).ok()?;
    let mut n = 0;
    // A line is a request unless it is blank or a `#` comment; only its
    // first non-blank byte decides.
    let mut at_start = true;
    loop {
        let buf = r.fill_buf().ok()?;
        if buf.is_empty() {
            break;
        }
        let len = buf.len();
        for &b in buf {
            if b == b'\n' {
                at_start = true;
            } else if at_start && !b.is_ascii_whitespace() {
                at_start = false;
                n += usize::from(b != b'#');
            }
        }
        r.consume(len);
    }
    Some(n)
}

impl Input {
    /// The next request line (blank lines and `#` comments skipped), or
    /// `None` at the end. A line over [`MAX_LINE`] or not UTF-8 is that
    /// line's error; its bytes are skipped, never held.
    fn next(&mut self) -> Option<(usize, Result<String>)> {
        let mut buf = Vec::new();
        while !self.eof {
            buf.clear();
            let read = (&mut self.reader)
                .take(MAX_LINE as u64 + 1)
                .read_until(b'\n', &mut buf);
            match read {
                Ok(0) => self.eof = true,
                Ok(_) => {
                    self.lines += 1;
                    let line = self.lines;
                    if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
                        if let Err(e) = self.skip_line() {
                            self.fail(e);
                        }
                        self.requests += 1;
                        return Some((line, Err(line_too_long())));
                    }
                    let Ok(text) = std::str::from_utf8(&buf) else {
                        self.requests += 1;
                        return Some((
                            line,
                            Err(Error::invalid(Field::Batch, "the line is not UTF-8")),
                        ));
                    };
                    let text = text.trim();
                    if text.is_empty() || text.starts_with('#') {
                        continue;
                    }
                    self.requests += 1;
                    return Some((line, Ok(text.to_string())));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => self.fail(e),
            }
        }
        None
    }

    fn fail(&mut self, e: std::io::Error) {
        self.eof = true;
        self.failed = Some(Error::invalid(
            Field::Batch,
            format!("cannot read the batch after line {}: {e}", self.lines),
        ));
    }

    /// Reads past the rest of an overlong line without keeping it, for at
    /// most [`SKIP_MAX`] bytes: input with no line end in sight (`/dev/zero`,
    /// a binary file) stops the batch instead of being read for ever.
    fn skip_line(&mut self) -> std::io::Result<()> {
        let mut skipped = 0usize;
        loop {
            if skipped > SKIP_MAX {
                return Err(std::io::Error::other(format!(
                    "no line end within {} MiB; this is not a batch of JSON lines",
                    SKIP_MAX >> 20
                )));
            }
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                self.eof = true;
                return Ok(());
            }
            if let Some(i) = buf.iter().position(|b| *b == b'\n') {
                self.reader.consume(i + 1);
                return Ok(());
            }
            let n = buf.len();
            self.reader.consume(n);
            skipped += n;
        }
    }
}

/// How far past an overlong line the batch reads looking for its end.
const SKIP_MAX: usize = 64 << 20;

fn line_too_long() -> Error {
    Error::invalid(
        Field::Batch,
        format!("the line is longer than {} KiB", MAX_LINE / 1024),
    )
    .with_hint("one request per line, as a single-line JSON object")
}

/// Validates one line and prepares its record in memory.
fn prepare_line(
    a: &GenerateArgs,
    config: &crate::config::Config,
    line: &str,
    pass: Option<&crate::keys::Passphrase>,
    challenge: Option<&request::ChallengePassword>,
) -> Result<commands::Prepared> {
    // Not a request body at all: say what a line is, not JSON's syntax.
    if !line.starts_with(['{', '<']) && a.request.request_format.is_none() {
        return Err(Error::invalid(
            Field::Batch,
            "the line is not a request: each line is one JSON object (or one vendor body)",
        )
        .with_hint(
            r#"write e.g. {"name":"web1","common_name":"web1.example.com"}; '#' starts a comment line"#,
        ));
    }
    let file_input = formats::request::parse(line.as_bytes(), a.request.request_format)
        .map_err(batch_line_error)?;
    let flags = commands::flags_input(&a.subject, &a.sans, &a.key, &a.ext);
    let input = config.under(file_input.overlay(flags));
    let mut req = input.resolve(None, false)?;
    req.challenge_password = challenge.cloned();
    let name = match &input.name {
        Some(n) => {
            request::validate_new_name(n)?;
            n.clone()
        }
        None => req
            .subject
            .common_name()
            .and_then(request::name_from_cn)
            .ok_or_else(|| {
                Error::invalid_as(
                    "name",
                    "no \"name\" and none can be derived from the common name",
                )
            })?,
    };
    // Whether a record has the name is left to the commit: a lookup in
    // `records/` here would wait behind the commits' renames there.
    commands::prepare(name, req, pass)
}

/// A line's body errors are about the line, not `--request` (which a
/// batch does not take): "line 3: the request body is not UTF-8".
fn batch_line_error(mut e: Error) -> Error {
    let request = format!("{}: ", Field::Request.mention());
    if let Some(m) = e.message.strip_prefix(&request) {
        e.message = m.to_string();
        e = e.with_field(Field::Batch);
        let format = Field::RequestFormat.mention().to_string();
        e.hint = e
            .hint
            .map(|h| h.replace(&format, &format!("{format} (for every line)")));
    }
    e
}

/// The batch's last line: what was created and failed, how many requests
/// in how many lines (blank and `#` lines are read and skipped), jobs.
fn summary(ok: usize, failed: usize, lines: usize, jobs: usize) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let requests = ok + failed;
    let read = if lines == requests {
        plural(lines, "line", "lines")
    } else {
        format!(
            "{} in {}",
            plural(requests, "request", "requests"),
            plural(lines, "line", "lines")
        )
    };
    format!(
        "batch: {ok} created, {failed} failed, {read}, {}",
        plural(jobs, "job", "jobs")
    )
}

/// Largest group committed with one flush and one lock acquisition.
const GROUP: usize = 64;

/// Longest a staged record waits for others to share its commit.
const LINGER: std::time::Duration = std::time::Duration::from_millis(20);

type Ready = (Numbered, Staged);

/// Staged records on their way from the workers to the committing
/// thread. Unlike a channel, it wakes the committer only when a group can
/// start (the first record after a commit, or a full group), not once per
/// record: those wake-ups preempted the workers (190 context switches in
/// a 400-record batch). `--jobs 1` 100.8 -> 95.5 ms, `--jobs 2` 72.9 ->
/// 72.5 ms (400 P-256 records, medians of 15, A/B interleaved).
struct Handoff {
    queue: Mutex<Queue>,
    /// Signals the committer: a first record, a full group, or the end.
    ready: Condvar,
    /// Signals workers waiting for room.
    room: Condvar,
}

struct WorkerDone<'a>(&'a Handoff);

impl Drop for WorkerDone<'_> {
    fn drop(&mut self) {
        let mut q = self.0.lock();
        q.workers -= 1;
        if q.workers == 0 {
            self.0.ready.notify_one();
        }
    }
}

struct Queue {
    items: Vec<Ready>,
    /// Workers still running.
    workers: usize,
}

impl Handoff {
    fn new(workers: usize) -> Self {
        Handoff {
            queue: Mutex::new(Queue {
                items: Vec::with_capacity(2 * GROUP),
                workers,
            }),
            ready: Condvar::new(),
            room: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a staged record. Bounded: a worker two groups ahead of the
    /// commits waits, so a slow disk never piles records up.
    fn put(&self, ready: Ready) {
        let mut q = self.lock();
        while q.items.len() >= 2 * GROUP {
            q = self.room.wait(q).unwrap_or_else(|e| e.into_inner());
        }
        q.items.push(ready);
        if q.items.len() == 1 || q.items.len() == GROUP {
            self.ready.notify_one();
        }
    }

    /// Counts the calling worker out when dropped, however it ends.
    fn worker(&self) -> WorkerDone<'_> {
        WorkerDone(self)
    }

    /// The next group to commit: up to GROUP records, waiting up to LINGER
    /// after the first for the group to fill (each commit costs two disk
    /// flushes whatever its size). `None` once every worker is done and
    /// everything was taken.
    fn take_group(&self) -> Option<Vec<Ready>> {
        let mut q = self.lock();
        while q.items.is_empty() && q.workers > 0 {
            q = self.ready.wait(q).unwrap_or_else(|e| e.into_inner());
        }
        let until = Instant::now() + LINGER;
        while q.items.len() < GROUP && q.workers > 0 {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            q = self
                .ready
                .wait_timeout(q, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if q.items.is_empty() {
            return None;
        }
        let n = q.items.len().min(GROUP);
        let group: Vec<Ready> = q.items.drain(..n).collect();
        self.room.notify_all();
        Some(group)
    }
}

/// Commits one group and reports each line.
fn commit_group(stage: &dyn BatchWriter, group: Vec<Ready>, done: &dyn Fn(LineResult)) {
    let (lines, staged): (Vec<Numbered>, Vec<Staged>) = group.into_iter().unzip();
    match stage.commit(staged) {
        Ok(results) => {
            for (at, r) in lines.into_iter().zip(results) {
                done(LineResult {
                    at,
                    outcome: r.map(|m| (m.id, m.name)),
                });
            }
        }
        Err(e) => {
            for at in lines {
                done(LineResult {
                    at,
                    outcome: Err(e.clone()),
                });
            }
        }
    }
}

/// How often streamed results are pushed out while a batch runs.
const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// Results waiting for the lines before them, and what was reported.
struct Order<'r> {
    /// The next result to report (by `seq`).
    next: usize,
    waiting: BTreeMap<usize, LineResult>,
    report: &'r mut dyn Report,
    json: bool,
    pretty: bool,
    ok: usize,
    failed: usize,
    /// The kind of the first failed line (in line order): the exit code.
    first_failure: Option<Kind>,
    last_flush: Instant,
    progress: Option<indicatif::ProgressBar>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Order<'_> {
    /// Takes a line's result and reports every result now in order.
    fn deliver(&mut self, r: LineResult) {
        self.waiting.insert(r.at.seq, r);
        while let Some(r) = self.waiting.remove(&self.next) {
            self.emit(r);
            self.next += 1;
        }
        if self.last_flush.elapsed() >= FLUSH_EVERY {
            self.report.flush();
            self.last_flush = Instant::now();
        }
    }

    fn emit(&mut self, mut r: LineResult) {
        r.outcome = r.outcome.map_err(super::edge::for_cli);
        if self.json {
            let row = match &r.outcome {
                Ok((id, name)) => {
                    json!({"line": r.at.line, "status": "ok", "id": id, "name": name})
                }
                Err(e) => {
                    json!({"line": r.at.line, "status": "error", "exit_code": e.exit_code(), "error": e.message})
                }
            };
            let mut bytes: Vec<u8> = match (self.ok + self.failed == 0, self.pretty) {
                (true, true) => b"[\n".to_vec(),
                (true, false) => b"[".to_vec(),
                (false, true) => b",\n".to_vec(),
                (false, false) => b",".to_vec(),
            };
            if self.pretty {
                // The array's elements indented as serde_json indents them.
                let text = serde_json::to_string_pretty(&row).unwrap_or_default();
                for (i, l) in text.lines().enumerate() {
                    if i > 0 {
                        bytes.push(b'\n');
                    }
                    bytes.extend_from_slice(b"  ");
                    bytes.extend_from_slice(l.as_bytes());
                }
            } else {
                bytes.extend(serde_json::to_vec(&row).unwrap_or_default());
            }
            self.say(|r| r.out(&bytes));
        } else if let Ok((id, name)) = &r.outcome {
            let line = format!("created {name} (id {id})\n");
            self.say(|r| r.out(line.as_bytes()));
        }
        match &r.outcome {
            Ok(_) => self.ok += 1,
            Err(e) => {
                self.failed += 1;
                self.first_failure.get_or_insert(e.kind);
                let mut msg = format!("line {}: {}", r.at.line, e.message);
                if let Some(h) = &e.hint {
                    msg.push_str(&format!(" (hint: {h})"));
                }
                self.say(|r| r.err(&msg));
            }
        }
        if let Some(pb) = &self.progress {
            pb.inc(1);
        }
    }

    /// Reports through `f`; with a progress bar on the terminal, out at
    /// once and with the bar cleared, so the two do not overwrite.
    fn say(&mut self, f: impl FnOnce(&mut dyn Report)) {
        match &self.progress {
            Some(pb) => pb.suspend(|| {
                f(&mut *self.report);
                self.report.flush();
            }),
            None => f(&mut *self.report),
        }
    }

    /// Closes the JSON array and pushes everything out.
    fn finish(&mut self) {
        if let Some(pb) = self.progress.take() {
            pb.finish_and_clear();
        }
        if self.json && self.ok + self.failed > 0 {
            self.report.out(if self.pretty { b"\n]\n" } else { b"]\n" });
        }
        self.report.flush();
    }
}

/// Runs a batch. Each line's result goes to `report` as it is decided, in
/// line order: with `--format json` the results form one JSON array on
/// stdout, streamed element by element; else a `created NAME (id N)` line
/// per record on stdout. A failed line is also an error line for stderr.
pub fn run(ctx: &Ctx, a: &GenerateArgs, report: &mut dyn Report) -> Result<Done> {
    let path = a.batch.as_deref().expect("batch mode");
    let reader = open_batch(path)?;
    let counted = count_requests(path);
    let config = crate::config::load()?;
    let pass = commands::new_key_passphrase(ctx, &commands::pass_opts(&a.passphrase)?)?;
    // One challengePassword, if any, for every line's CSR.
    let challenge = commands::challenge_password(ctx, &a.challenge)?;
    // Past the prompts: a signal now stops the batch after the lines in
    // flight instead of killing it with records unreported.
    interrupt::install();
    let jobs = a
        .jobs
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        })
        .clamp(1, 256)
        .min(counted.unwrap_or(usize::MAX).max(1));

    let progress =
        (!ctx.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
            let pb = match counted {
                Some(n) => indicatif::ProgressBar::new(n as u64),
                None => indicatif::ProgressBar::no_length(),
            };
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} {msg} [{elapsed_precise}]",
            ) {
                pb.set_style(style);
            }
            pb
        });
    let input = Mutex::new(Input {
        reader,
        lines: 0,
        requests: 0,
        eof: false,
        failed: None,
    });
    let order = Mutex::new(Order {
        next: 0,
        waiting: BTreeMap::new(),
        report,
        json: ctx.format == FormatArg::Json,
        pretty: ctx.opts.pretty,
        ok: 0,
        failed: 0,
        first_failure: None,
        last_flush: Instant::now(),
        progress,
    });
    // Signals workers waiting for the window to move on.
    let advanced = Condvar::new();
    let done = |r: LineResult| {
        lock(&order).deliver(r);
        advanced.notify_all();
    };
    // Request lines read, for the id reservation of a batch from stdin.
    let read = AtomicUsize::new(0);
    let at_end = std::sync::atomic::AtomicBool::new(false);
    let take = || -> Option<(Numbered, Result<String>)> {
        let mut input = lock(&input);
        let seq = input.requests;
        let mut o = lock(&order);
        while seq >= o.next + WINDOW {
            o = advanced.wait(o).unwrap_or_else(|e| e.into_inner());
        }
        drop(o);
        let next = input.next();
        read.store(input.requests, Ordering::Relaxed);
        at_end.store(input.eof, Ordering::Relaxed);
        let (line, body) = next?;
        Some((Numbered { seq, line }, body))
    };
    // `--jobs N` threads prepare records and write them into the stage;
    // this thread commits whatever is staged whenever the previous commit
    // is done (up to GROUP at a time), so the disk's flushes overlap the
    // preparing instead of stalling it. Bounded: workers that get two
    // groups ahead of the commits wait, so a slow disk never piles up
    // records. The stage is made by the first record that gets that far,
    // so a batch whose every line is invalid leaves the keystore untouched.
    let stage: OnceLock<Result<Box<dyn BatchWriter + '_>>> = OnceLock::new();
    let handoff = Handoff::new(jobs);
    let prepare = |at: Numbered, body: Result<String>| {
        let staged = body
            .and_then(|body| prepare_line(a, &config, &body, pass.as_ref(), challenge.as_ref()))
            .and_then(|prepared| {
                let expected = counted.unwrap_or_else(|| {
                    if at_end.load(Ordering::Relaxed) {
                        read.load(Ordering::Relaxed)
                    } else {
                        usize::MAX
                    }
                });
                match stage.get_or_init(|| ctx.keystore.stage(expected)) {
                    Ok(stage) => stage.write(prepared.as_new()),
                    Err(e) => Err(e.clone()),
                }
            });
        match staged {
            Ok(staged) => Some((at, staged)),
            Err(e) => {
                done(LineResult {
                    at,
                    outcome: Err(e),
                });
                None
            }
        }
    };
    // Only records already staged are committed, so the stage exists.
    let commit = |group: Vec<Ready>| match stage.get() {
        Some(Ok(stage)) => commit_group(stage.as_ref(), group, &done),
        _ => {
            for (at, _) in group {
                done(LineResult {
                    at,
                    outcome: Err(Error::internal("the batch's staging directory is gone")),
                });
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 0..jobs {
            let (take, prepare, handoff) = (&take, &prepare, &handoff);
            s.spawn(move || {
                let _done = handoff.worker();
                while let Some((at, body)) = take() {
                    if let Some(ready) = prepare(at, body) {
                        handoff.put(ready);
                    }
                }
            });
        }
        while let Some(group) = handoff.take_group() {
            commit(group);
        }
    });
    // Removes the stage and gives back unused ids before the summary.
    drop(stage);
    let Input {
        requests,
        failed,
        lines,
        ..
    } = input.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut order = order.into_inner().unwrap_or_else(|e| e.into_inner());
    order.finish();
    if let Some(sig) = interrupt::received() {
        let (ok, failed) = (order.ok, order.failed);
        let summary = summary(ok, failed, lines, jobs);
        // Every committed record was reported above; the binary then dies
        // of the signal.
        return Ok(Done {
            errors: vec![format!(
                "batch interrupted by {} after {} line{}: {ok} created (each reported above), {failed} failed; the lines after it were not read",
                interrupt::name(sig),
                ok + failed,
                if ok + failed == 1 { "" } else { "s" },
            )],
            notes: vec![summary],
            ..Done::default()
        });
    }
    if let Some(e) = failed {
        return Err(e);
    }
    if requests == 0 {
        return Err(Error::invalid(
            Field::Batch,
            "no requests in the batch (one JSON object per line)",
        ));
    }
    let (ok, failed) = (order.ok, order.failed);
    let summary = summary(ok, failed, lines, jobs);
    let error = order.first_failure.map(|kind| {
        let mut e = Error::new(
            kind,
            format!("{failed} of {} batch lines failed", ok + failed),
        );
        e.hint = Some(if ok == 0 {
            "see the line errors above; no record was created".into()
        } else {
            "see the line errors above; the other lines were committed".into()
        });
        e
    });
    Ok(Done {
        notes: vec![summary],
        error,
        ..Done::default()
    })
}
