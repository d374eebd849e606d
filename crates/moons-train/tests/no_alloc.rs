//! A training step must not touch the heap: every buffer lives in the workspace and the
//! gradients, allocated once before the first pass. A counting global allocator proves it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use moons_datasets::{make_moons, RandomState};
use moons_models::{Activation, Gradients, Init, Mlp, Workspace};
use moons_train::{LrSchedule, Optimizer, Trainer};

struct Counting;

thread_local! {
    // Each test thread counts its own allocations: libtest's threads, and the other test
    // running beside it, allocate whenever they like.
    static COUNTED: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_this_thread() {
    if COUNTED.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
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

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn training_passes_do_not_allocate() {
    COUNTED.with(|c| c.set(true));
    let data = make_moons(200, 0.2, true, &mut RandomState::new(0)).unwrap();

    // The kernels, pass by pass, exact and fast, for the seed's network and a deeper one (fast
    // mode's one-hidden-layer kernels: rows in lanes for H = 3, units in lanes for the forward
    // pass of H = 7, 8 and 50, whose gradients are the exact fused kernel's sweep). These sizes
    // stay below the threshold at which kernels hand work to rayon, whose scheduler allocates
    // now and then (a queue block every few dozen jobs injected).
    for (hidden, fast) in [
        (vec![3], false),
        (vec![3], true),
        (vec![5, 4], false),
        (vec![5, 4], true),
        (vec![7], true),
        (vec![8], false),
        (vec![8], true),
        (vec![50], true),
    ] {
        let mut model = Mlp::seed_init(2, &hidden, 2, Activation::Tanh, &mut RandomState::new(0));
        let mut ws = Workspace::new(&model, data.n_samples());
        ws.set_fast(fast);
        let mut grads = Gradients::zeros_like(&model);
        let mut step = |model: &mut Mlp| {
            // The trainer's call (in fast mode at H = 3 the two-class kernel), then the two
            // passes it stands for.
            model.gradients(data.x(), data.y(), 0.01, &mut ws, &mut grads);
            model.forward(data.x(), &mut ws);
            model.backward(data.x(), data.y(), 0.01, &mut ws, &mut grads);
            model.apply_gradients(&grads, 0.01);
            model.loss(data.x(), data.y(), 0.01, &mut ws)
        };
        step(&mut model);
        let before = allocations();
        for _ in 0..200 {
            std::hint::black_box(step(&mut model));
        }
        assert_eq!(
            allocations() - before,
            0,
            "hidden {hidden:?}, fast {fast}: a pass allocated"
        );
    }

    // The seed's run (`Trainer::default()`), exact and fast: its allocations must not grow
    // with the number of passes.
    for fast in [false, true] {
        let count = |passes: usize| {
            let mut model = Mlp::seed_init(2, &[3], 2, Activation::Tanh, &mut RandomState::new(0));
            let seed_run = Trainer {
                passes,
                report_every: 1_000_000,
                fast,
                ..Trainer::default()
            };
            let before = allocations();
            seed_run.train(&mut model, &data, None, |_| {}).unwrap();
            allocations() - before
        };
        let few = count(10);
        assert!(
            few > 0,
            "the counter must see the workspace being allocated"
        );
        assert_eq!(
            few,
            count(2000),
            "the seed's run (fast {fast}) allocates per pass"
        );
    }
}

/// The general trainer allocates its buffers once: its count does not grow with the passes,
/// for full-batch GD, momentum SGD and Adam with a ragged last batch.
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
            let before = allocations();
            trainer.train(&mut model, &data, None, |_| {}).unwrap();
            allocations() - before
        };
        assert_eq!(count(10), count(500), "{optimizer:?} allocates per pass");
    }
}
