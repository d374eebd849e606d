//! Large batches split their work across threads; the result must not depend on how many.

use moons_datasets::{make_moons, RandomState};
use moons_models::{Activation, Gradients, Mlp, Workspace};

fn train(threads: usize, n: usize, hidden: &[usize], passes: usize, fast: bool) -> (Mlp, f64) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let data = make_moons(n, 0.2, true, &mut RandomState::new(0)).unwrap();
        let mut model = Mlp::seed_init(2, hidden, 2, Activation::Tanh, &mut RandomState::new(0));
        let mut ws = Workspace::new(&model, n);
        ws.set_fast(fast);
        let mut grads = Gradients::zeros_like(&model);
        for _ in 0..passes {
            // The trainer's step.
            model.gradients(data.x(), data.y(), 0.01, &mut ws, &mut grads);
            model.apply_gradients(&grads, 1e-4);
        }
        let loss = model.loss(data.x(), data.y(), 0.01, &mut ws);
        (model, loss)
    })
}

fn bits(model: &Mlp) -> Vec<u64> {
    model
        .layers
        .iter()
        .flat_map(|l| l.weights.iter().chain(&l.bias))
        .map(|x| x.to_bits())
        .collect()
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    // Exact, and fast: at H = 64 its forward kernel and the exact gradient kernel, at H = 3
    // (two classes) the single-precision step, whose leaves of rows run on two threads here.
    for (n, hidden, fast) in [
        (20_000, vec![64], false),
        (5_000, vec![16, 9], false),
        (20_000, vec![64], true),
        (40_000, vec![3], true),
    ] {
        let (one, loss_one) = train(1, n, &hidden, 3, fast);
        for threads in [2, 3] {
            let (many, loss_many) = train(threads, n, &hidden, 3, fast);
            assert_eq!(
                bits(&one),
                bits(&many),
                "N={n} hidden={hidden:?} fast={fast}: weights differ with {threads} threads"
            );
            assert_eq!(
                loss_one.to_bits(),
                loss_many.to_bits(),
                "N={n} hidden={hidden:?} fast={fast}: loss differs"
            );
        }
    }
}
