//! Damped Newton's method with a Cholesky solve: a handful of iterations to machine precision
//! for the few parameters a logistic regression on low-dimensional data has.

use super::objective::Objective;

/// How a solve ended.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Solution {
    /// Which method found it.
    pub solver: &'static str,
    /// The minimiser found.
    pub theta: Vec<f64>,
    /// Newton steps taken.
    pub iterations: usize,
    /// Largest entry of scikit-learn's scaled gradient `∇F / (C n)` at `theta`.
    pub gradient_max: f64,
    /// Whether `gradient_max <= tol` was reached.
    pub converged: bool,
    /// Why the solver stopped early, when it did.
    pub stop_reason: Option<String>,
}

/// Where a solver stands at the start of an iteration: its record so far, and whether it must
/// stop (converged, not finite, out of iterations) before taking another step.
pub(crate) struct Progress {
    pub solver: &'static str,
    pub iterations: usize,
    pub gradient_max: f64,
    pub tol: f64,
}

impl Progress {
    /// The solution at `theta`, stopped for `reason` (`None`: converged).
    pub fn stop(&self, reason: Option<String>, theta: Vec<f64>) -> Solution {
        Solution {
            solver: self.solver,
            theta,
            iterations: self.iterations,
            gradient_max: self.gradient_max,
            converged: self.gradient_max <= self.tol,
            stop_reason: reason,
        }
    }

    /// `Some(why)` when the solver must stop here (`Some(None)`: it has converged).
    pub fn must_stop(&self, value: f64, max_iter: usize) -> Option<Option<String>> {
        if self.gradient_max <= self.tol {
            Some(None)
        } else if !value.is_finite() || !self.gradient_max.is_finite() {
            Some(Some("the objective is not finite".into()))
        } else if self.iterations >= max_iter {
            Some(Some(format!("reached max_iter = {max_iter}")))
        } else {
            None
        }
    }
}

/// Armijo's sufficient-decrease constant.
const ARMIJO: f64 = 1e-4;
/// Step halvings before the line search gives up.
const MAX_HALVINGS: usize = 60;

/// Minimises `objective` from `theta` until scikit-learn's scaled gradient is at most `tol`
/// in every entry, or `max_iter` Newton steps have been taken.
pub(crate) fn minimise(
    objective: &Objective<'_>,
    mut theta: Vec<f64>,
    tol: f64,
    max_iter: usize,
) -> Solution {
    let scale = objective.scale();
    let mut iterations = 0;
    loop {
        let derivs = objective.derivatives(&theta);
        let gradient_max = max_abs(&derivs.gradient) / scale;
        let progress = Progress {
            solver: "Newton",
            iterations,
            gradient_max,
            tol,
        };
        let stop = |reason: Option<String>, theta: Vec<f64>| progress.stop(reason, theta);
        if let Some(reason) = progress.must_stop(derivs.value, max_iter) {
            return stop(reason, theta);
        }
        let n = theta.len();
        let Some(direction) = newton_direction(derivs.hessian, &derivs.gradient, n) else {
            return stop(Some("the Hessian is not positive definite".into()), theta);
        };
        let slope: f64 = direction
            .iter()
            .zip(&derivs.gradient)
            .map(|(d, g)| d * g)
            .sum();
        let Some(next) = line_search(
            objective,
            &theta,
            &direction,
            derivs.value,
            slope,
            gradient_max,
        ) else {
            return stop(
                Some("the line search found no decrease (rounding limit)".into()),
                theta,
            );
        };
        theta = next;
        iterations += 1;
    }
}

/// Backtracking from the full Newton step. Near the optimum of a large-`C` problem the
/// decrease is below the rounding of `F`, so a step that leaves `F` unchanged to rounding
/// is also taken when it shrinks the gradient.
fn line_search(
    objective: &Objective<'_>,
    theta: &[f64],
    direction: &[f64],
    value: f64,
    slope: f64,
    gradient_max: f64,
) -> Option<Vec<f64>> {
    let flat = 64.0 * f64::EPSILON * value.abs().max(1.0);
    let mut t = 1.0;
    for _ in 0..MAX_HALVINGS {
        let candidate: Vec<f64> = theta
            .iter()
            .zip(direction)
            .map(|(x, d)| t * d + x)
            .collect();
        let new_value = objective.value(&candidate);
        if new_value.is_finite() {
            if new_value <= value + ARMIJO * t * slope {
                return Some(candidate);
            }
            if new_value <= value + flat {
                let new_max = max_abs(&objective.gradient(&candidate)) / objective.scale();
                if new_max < gradient_max {
                    return Some(candidate);
                }
            }
        }
        t *= 0.5;
    }
    None
}

/// Solves `H d = -g`; when rounding makes `H` lose definiteness (probabilities saturated at
/// 0 or 1), retries with a growing ridge on the diagonal.
fn newton_direction(hessian: Vec<f64>, gradient: &[f64], n: usize) -> Option<Vec<f64>> {
    let diag_max = (0..n)
        .map(|i| hessian[i * (n + 1)].abs())
        .fold(0.0, f64::max);
    let mut ridge = 0.0;
    for _ in 0..20 {
        let mut h = hessian.clone();
        for i in 0..n {
            h[i * (n + 1)] += ridge;
        }
        if let Some(l) = cholesky(h, n) {
            let rhs: Vec<f64> = gradient.iter().map(|g| -g).collect();
            return Some(cholesky_solve(&l, n, rhs));
        }
        ridge = if ridge == 0.0 {
            1e-12 * diag_max.max(1.0)
        } else {
            ridge * 10.0
        };
    }
    None
}

/// Lower-triangular `L` with `L Lᵀ = a` (row-major), or `None` if `a` is not positive definite.
fn cholesky(mut a: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for j in 0..n {
        let mut diag = a[j * n + j];
        for k in 0..j {
            diag -= a[j * n + k] * a[j * n + k];
        }
        if !(diag > 0.0 && diag.is_finite()) {
            return None;
        }
        let root = diag.sqrt();
        a[j * n + j] = root;
        for i in j + 1..n {
            let mut v = a[i * n + j];
            for k in 0..j {
                v -= a[i * n + k] * a[j * n + k];
            }
            a[i * n + j] = v / root;
        }
        for i in 0..j {
            a[i * n + j] = 0.0;
        }
    }
    Some(a)
}

fn cholesky_solve(l: &[f64], n: usize, mut b: Vec<f64>) -> Vec<f64> {
    for i in 0..n {
        let mut v = b[i];
        for k in 0..i {
            v -= l[i * n + k] * b[k];
        }
        b[i] = v / l[i * n + i];
    }
    for i in (0..n).rev() {
        let mut v = b[i];
        for k in i + 1..n {
            v -= l[k * n + i] * b[k];
        }
        b[i] = v / l[i * n + i];
    }
    b
}

pub(crate) fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, g| m.max(g.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn cholesky_solves_a_small_system() {
        let a = vec![4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let l = cholesky(a.clone(), 3).unwrap();
        let x = cholesky_solve(&l, 3, vec![1.0, 2.0, 3.0]);
        for i in 0..3 {
            let row: f64 = (0..3).map(|j| a[i * 3 + j] * x[j]).sum();
            assert!((row - [1.0, 2.0, 3.0][i]).abs() < 1e-14);
        }
        assert!(cholesky(vec![1.0, 2.0, 2.0, 1.0], 2).is_none());
    }

    #[test]
    fn the_gradient_vanishes_at_the_solution() {
        let x = array![
            [0.5, -1.0],
            [1.5, 0.25],
            [-0.75, 2.0],
            [0.1, 0.1],
            [1.0, 1.0],
            [-1.0, 0.3]
        ];
        let y = array![0, 1, 1, 0, 1, 0];
        for c in [1e-4, 1.0, 1e4] {
            let obj = Objective::new(x.view(), y.view(), c, 1);
            let sol = minimise(&obj, vec![0.0; 3], 1e-12, 100);
            assert!(sol.converged, "C = {c}: {sol:?}");
            let g = obj.gradient(&sol.theta);
            assert!(max_abs(&g) / obj.scale() <= 1e-12);
        }
    }

    #[test]
    fn multinomial_solution_has_zero_gradient_and_centred_intercepts() {
        let x = array![
            [0.5, -1.0],
            [1.5, 0.25],
            [-0.75, 2.0],
            [0.1, 0.1],
            [1.0, 1.0],
            [-1.0, 0.3]
        ];
        let y = array![0, 1, 2, 0, 1, 2];
        let obj = Objective::new(x.view(), y.view(), 3.0, 3);
        let sol = minimise(&obj, vec![0.0; 9], 1e-12, 100);
        assert!(sol.converged, "{sol:?}");
        let intercepts: f64 = sol.theta.chunks(3).map(|r| r[2]).sum();
        assert!(intercepts.abs() < 1e-12);
        for j in 0..2 {
            let column: f64 = sol.theta.chunks(3).map(|r| r[j]).sum();
            assert!(
                column.abs() < 1e-10,
                "coefficient column {j} sums to {column}"
            );
        }
    }

    #[test]
    fn max_iter_stops_with_a_reason() {
        let x = array![[0.5], [1.5], [-0.75], [0.1]];
        let y = array![0, 1, 1, 0];
        let obj = Objective::new(x.view(), y.view(), 10.0, 1);
        let sol = minimise(&obj, vec![0.0; 2], 1e-14, 1);
        assert!(!sol.converged);
        assert_eq!(sol.iterations, 1);
        assert!(sol.stop_reason.unwrap().contains("max_iter"));
    }
}
