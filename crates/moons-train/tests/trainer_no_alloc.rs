//! The general trainer allocates its buffers once: its allocation count does not grow with
//! the number of passes, for full-batch GD, momentum SGD and Adam with a ragged last batch.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use moons_datasets::{make_moons, RandomState};
use moons_models::{Activation, Init, Mlp};
use moons_train::{LrSchedule, Optimizer, Trainer};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Only the test's own thread counts: libtest's threads allocate whenever they like.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
}

fn count_this_thread() {
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards every call to the system allocator unchanged; it only counts them.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_this_thread();
        // SAFETY: the caller's contract for `alloc` is passed through unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_this_thread();
        // SAFETY: as for `dealloc`, and `new_size` is the caller's valid request.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Counts the test thread's allocations only, so the harness's own threads cannot disturb it.
#[test]
fn trainer_allocations_do_not_grow_with_passes() {
    COUNTED.with(|c| c.set(true));
    let data = make_moons(100, 0.2, true, &mut RandomState::new(0)).unwrap();
    let optimizers = [
        (Optimizer::Gd, None),
        (
            Optimizer::Sgd {
                momentum: 0.9,
                nesterov: true,
            },
            Some(30),
        ),
        (Optimizer::adam(), Some(32)),
    ];
    for (optimizer, batch_size) in optimizers {
        let count = |passes: usize| {
            let mut model = Mlp::new(
                2,
                &[8, 4],
                2,
                Activation::Relu,
                Init::He,
                &mut RandomState::new(0),
            )
            .unwrap();
            let trainer = Trainer {
                optimizer,
                batch_size,
                schedule: LrSchedule::InverseTime { decay: 0.01 },
                passes,
                report_every: 1_000_000,
                ..Trainer::default()
            };
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            trainer.train(&mut model, &data, None, |_| {}).unwrap();
            ALLOCATIONS.load(Ordering::Relaxed) - before
        };
        assert_eq!(count(10), count(500), "{optimizer:?} allocates per pass");
    }
}
