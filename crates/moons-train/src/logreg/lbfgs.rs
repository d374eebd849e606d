//! Limited-memory BFGS with a backtracking line search, for problems with many parameters
//! (a 64-feature, 10-class fit has 650), where Newton's dense Hessian and its Cholesky
//! factor would cost far more than the hundreds of cheap gradient steps L-BFGS takes.

use std::collections::VecDeque;

use super::newton::{max_abs, Progress, Solution};
use super::objective::Objective;

/// Correction pairs kept (scikit-learn's lbfgs keeps 10 as well).
const MEMORY: usize = 10;
/// Armijo's sufficient-decrease constant.
const ARMIJO: f64 = 1e-4;
/// Step halvings before the line search gives up.
const MAX_HALVINGS: usize = 50;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Minimises `objective` from `theta` until scikit-learn's scaled gradient is at most `tol`
/// in every entry, or `max_iter` iterations have been taken.
pub(crate) fn minimise(
    objective: &Objective<'_>,
    mut theta: Vec<f64>,
    tol: f64,
    max_iter: usize,
) -> Solution {
    let scale = objective.scale();
    let (mut value, mut gradient) = objective.value_and_gradient(&theta);
    let mut pairs: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::with_capacity(MEMORY);
    let mut iterations = 0;
    loop {
        let gradient_max = max_abs(&gradient) / scale;
        let progress = Progress {
            solver: "L-BFGS",
            iterations,
            gradient_max,
            tol,
        };
        let stop = |reason: Option<String>, theta: Vec<f64>| progress.stop(reason, theta);
        if let Some(reason) = progress.must_stop(value, max_iter) {
            return stop(reason, theta);
        }
        let direction = two_loop(&gradient, &pairs);
        let mut slope = dot(&direction, &gradient);
        let direction = if slope < 0.0 {
            direction
        } else {
            // Rounding spoilt the curvature pairs: start again from steepest descent.
            pairs.clear();
            slope = -dot(&gradient, &gradient);
            gradient.iter().map(|g| -g).collect()
        };
        // The first step has no curvature to go by: scale it to a unit-length move.
        let mut t = if pairs.is_empty() {
            1.0_f64.min(1.0 / max_abs(&direction).max(f64::MIN_POSITIVE))
        } else {
            1.0
        };
        let mut accepted = None;
        for _ in 0..MAX_HALVINGS {
            let candidate: Vec<f64> = theta
                .iter()
                .zip(&direction)
                .map(|(x, d)| t.mul_add(*d, *x))
                .collect();
            let (new_value, new_gradient) = objective.value_and_gradient(&candidate);
            if new_value.is_finite() && new_value <= value + ARMIJO * t * slope {
                accepted = Some((candidate, new_value, new_gradient));
                break;
            }
            t *= 0.5;
        }
        let Some((next, next_value, next_gradient)) = accepted else {
            return stop(
                Some("the line search found no decrease (rounding limit)".into()),
                theta,
            );
        };
        let step: Vec<f64> = next.iter().zip(&theta).map(|(a, b)| a - b).collect();
        let change: Vec<f64> = next_gradient
            .iter()
            .zip(&gradient)
            .map(|(a, b)| a - b)
            .collect();
        let curvature = dot(&step, &change);
        if curvature > 1e-12 * dot(&change, &change).sqrt() * dot(&step, &step).sqrt() {
            if pairs.len() == MEMORY {
                pairs.pop_front();
            }
            pairs.push_back((step, change, 1.0 / curvature));
        }
        theta = next;
        value = next_value;
        gradient = next_gradient;
        iterations += 1;
    }
}

/// The quasi-Newton direction `-H g` from the stored pairs (Nocedal and Wright, 7.4).
fn two_loop(gradient: &[f64], pairs: &VecDeque<(Vec<f64>, Vec<f64>, f64)>) -> Vec<f64> {
    let mut q: Vec<f64> = gradient.to_vec();
    let mut alphas = Vec::with_capacity(pairs.len());
    for (s, y, rho) in pairs.iter().rev() {
        let alpha = rho * dot(s, &q);
        for (qi, yi) in q.iter_mut().zip(y) {
            *qi -= alpha * yi;
        }
        alphas.push(alpha);
    }
    if let Some((s, y, _)) = pairs.back() {
        let gamma = dot(s, y) / dot(y, y);
        for qi in q.iter_mut() {
            *qi *= gamma;
        }
    }
    for ((s, y, rho), alpha) in pairs.iter().zip(alphas.into_iter().rev()) {
        let beta = rho * dot(y, &q);
        for (qi, si) in q.iter_mut().zip(s) {
            *qi += (alpha - beta) * si;
        }
    }
    q.iter().map(|v| -v).collect()
}
