//! The live sessions, each with its training thread: the thread trains while the session
//! plays and publishes a frame about 30 times a second; the async side only reads frames.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::session::{Session, Speed};

/// A session nobody touched for this long is dropped.
pub const IDLE_EXPIRY: Duration = Duration::from_secs(600);
/// The time between frames while playing (30 frames/s).
pub const FRAME_INTERVAL: Duration = Duration::from_millis(33);

/// A session and what its thread and its streams share.
#[derive(Debug)]
pub struct Entry {
    session: Mutex<Session>,
    wake: Condvar,
    frames: watch::Sender<Arc<str>>,
    touched: Mutex<Instant>,
    closed: AtomicBool,
}

impl Entry {
    /// The session, locked; a poisoned lock (a panic elsewhere) is recovered.
    pub fn lock(&self) -> MutexGuard<'_, Session> {
        *self.touched.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Builds and publishes the current frame, and wakes the training thread.
    pub fn publish(&self, session: &mut Session) {
        let frame: Arc<str> = session.frame().to_string().into();
        self.frames.send_replace(frame);
        self.wake.notify_all();
    }

    /// A receiver of the latest frames.
    pub fn subscribe(&self) -> watch::Receiver<Arc<str>> {
        self.frames.subscribe()
    }

    fn idle_for(&self) -> Duration {
        if self.frames.receiver_count() > 0 {
            return Duration::ZERO;
        }
        self.touched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .elapsed()
    }
}

/// Refused: the session limit is reached.
#[derive(Debug, thiserror::Error)]
#[error("{0} sessions are live, the most this server allows (--max-sessions); close a tab or wait for an idle one to expire")]
pub struct Full(pub usize);

/// A session and its training thread, by id.
type Entries = HashMap<String, (Arc<Entry>, Option<JoinHandle<()>>)>;

/// All live sessions.
#[derive(Debug)]
pub struct Registry {
    max_sessions: usize,
    next_id: AtomicU64,
    entries: Mutex<Entries>,
}

impl Registry {
    /// An empty registry holding at most `max_sessions`.
    pub fn new(max_sessions: usize) -> Self {
        Self {
            max_sessions,
            next_id: AtomicU64::new(1),
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn entries(&self) -> MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a session and starts its thread.
    pub fn insert(&self, mut session: Session) -> Result<(String, Arc<Entry>), Full> {
        let mut entries = self.entries();
        if entries.len() >= self.max_sessions {
            return Err(Full(self.max_sessions));
        }
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        // Ids are not secrets (the server is local); they only need to be unique.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let id = format!("s{n:x}-{nanos:08x}");
        let first: Arc<str> = session.frame().to_string().into();
        let (frames, _) = watch::channel(first);
        let entry = Arc::new(Entry {
            session: Mutex::new(session),
            wake: Condvar::new(),
            frames,
            touched: Mutex::new(Instant::now()),
            closed: AtomicBool::new(false),
        });
        let worker = Arc::clone(&entry);
        let thread = std::thread::Builder::new()
            .name(format!("session {id}"))
            .spawn(move || train_while_playing(&worker))
            .ok();
        entries.insert(id.clone(), (Arc::clone(&entry), thread));
        Ok((id, entry))
    }

    /// The session `id`.
    pub fn get(&self, id: &str) -> Option<Arc<Entry>> {
        self.entries().get(id).map(|(e, _)| Arc::clone(e))
    }

    /// Drops the session `id` and waits for its thread; false when there was none.
    pub fn remove(&self, id: &str) -> bool {
        let removed = self.entries().remove(id);
        match removed {
            Some((entry, thread)) => {
                close(&entry, thread);
                true
            }
            None => false,
        }
    }

    /// Live sessions.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether no session is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops the sessions idle longer than `limit`.
    pub fn expire(&self, limit: Duration) {
        let stale: Vec<String> = self
            .entries()
            .iter()
            .filter(|(_, (e, _))| e.idle_for() > limit)
            .map(|(id, _)| id.clone())
            .collect();
        for id in stale {
            self.remove(&id);
        }
    }

    /// Drops every session and waits for their threads.
    pub fn close_all(&self) {
        let all: Vec<_> = self.entries().drain().collect();
        for (_, (entry, thread)) in all {
            close(&entry, thread);
        }
    }
}

fn close(entry: &Entry, thread: Option<JoinHandle<()>>) {
    entry.closed.store(true, Ordering::SeqCst);
    {
        let _held = entry.session.lock().unwrap_or_else(|e| e.into_inner());
        entry.wake.notify_all();
    }
    if let Some(t) = thread {
        let _ = t.join();
    }
}

/// The training thread: sleeps while paused; while playing, trains the frame's epochs (or,
/// at `max`, as many as fit before the next frame is due), then publishes the frame.
fn train_while_playing(entry: &Entry) {
    let mut frame_cost = Duration::from_millis(2);
    loop {
        let mut session = entry.session.lock().unwrap_or_else(|e| e.into_inner());
        while !session.playing && !entry.closed.load(Ordering::SeqCst) {
            session = entry
                .wake
                .wait_timeout(session, Duration::from_millis(500))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if entry.closed.load(Ordering::SeqCst) {
            return;
        }
        // The frame's time starts when training can start, not while paused.
        let tick = Instant::now();
        let start_epoch = session.epoch();
        let budget = FRAME_INTERVAL.saturating_sub(frame_cost + Duration::from_millis(3));
        let mut done = 0usize;
        loop {
            if session.stop.is_some_and(|s| session.epoch() >= s) {
                session.playing = false;
                break;
            }
            let enough = match session.speed {
                Speed::Epochs(n) => done >= n,
                Speed::Max => done > 0 && tick.elapsed() >= budget,
            };
            if enough || session.one_epoch().is_err() {
                break;
            }
            done += 1;
        }
        let _ = session.evaluate();
        let elapsed = tick.elapsed().as_secs_f64();
        if elapsed > 0.0 {
            session.epochs_per_second = (session.epoch() - start_epoch) as f64 / elapsed;
        }
        let before = Instant::now();
        entry.publish(&mut session);
        frame_cost = before.elapsed();
        drop(session);
        let next = tick + FRAME_INTERVAL;
        let now = Instant::now();
        if next > now {
            std::thread::sleep(next - now);
        }
    }
}
