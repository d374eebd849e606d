//! Sums and arg-maxes in numpy's order.

use ndarray::{ArrayView2, ArrayViewMut1};

/// numpy's pairwise summation of a contiguous run, as `np.sum` does it for float64:
/// below 8 values a plain loop, up to 128 eight interleaved partial sums, above that
/// the two halves (split at a multiple of 8) summed recursively.
pub fn pairwise_sum(values: &[f64]) -> f64 {
    // `np.sum` starts from the additive identity and adds the pairwise result to it.
    0.0 + pairwise(values)
}

fn pairwise(v: &[f64]) -> f64 {
    let n = v.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in v {
            res += x;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&v[..8]);
        let whole = n - n % 8;
        for chunk in v[8..whole].chunks_exact(8) {
            for (acc, &x) in r.iter_mut().zip(chunk) {
                *acc += x;
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &v[whole..] {
            res += x;
        }
        res
    } else {
        let mut half = n / 2;
        half -= half % 8;
        pairwise(&v[..half]) + pairwise(&v[half..])
    }
}

/// `np.sum(np.square(a))` for a matrix stored row-major: squares, then a pairwise sum over
/// all elements in memory order. Allocation-free: the squares are summed in blocks that
/// reproduce the pairwise tree exactly.
pub fn sum_of_squares(a: ArrayView2<'_, f64>) -> f64 {
    match a.as_slice() {
        Some(values) => 0.0 + pairwise_squares(values),
        None => {
            let owned: Vec<f64> = a.iter().copied().collect();
            0.0 + pairwise_squares(&owned)
        }
    }
}

fn pairwise_squares(v: &[f64]) -> f64 {
    let n = v.len();
    if n < 8 {
        let mut res = 0.0;
        for &x in v {
            res += x * x;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0; 8];
        for (acc, &x) in r.iter_mut().zip(&v[..8]) {
            *acc = x * x;
        }
        let whole = n - n % 8;
        for chunk in v[8..whole].chunks_exact(8) {
            for (acc, &x) in r.iter_mut().zip(chunk) {
                *acc += x * x;
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &v[whole..] {
            res += x * x;
        }
        res
    } else {
        let mut half = n / 2;
        half -= half % 8;
        pairwise_squares(&v[..half]) + pairwise_squares(&v[half..])
    }
}

/// `out = np.sum(a, axis=0)`: rows added in order, from zero.
///
/// A single column (`N x 1`, N > 1) is one contiguous run to numpy, which it sums pairwise
/// ([`pairwise_sum`]), as a one-unit layer's bias gradient is.
pub fn column_sums_into(a: ArrayView2<'_, f64>, mut out: ArrayViewMut1<'_, f64>) {
    assert_eq!(
        out.len(),
        a.ncols(),
        "column sums: output has the wrong length"
    );
    if a.ncols() == 1 && a.nrows() > 1 {
        let column = a.column(0);
        out[0] = match column.as_slice() {
            Some(values) => pairwise_sum(values),
            None => pairwise_sum(&column.to_vec()),
        };
        return;
    }
    if let (Some(values), Some(out)) = (a.as_slice(), out.as_slice_mut()) {
        // Contiguous rows (every batch the trainer sums): the same additions on slices, with
        // a fixed width for the narrow matrices of the seed's networks (a row view per row
        // cost more than the additions).
        match out.len() {
            2 => return row_sums::<2>(values, out),
            3 => return row_sums::<3>(values, out),
            4 => return row_sums::<4>(values, out),
            _ => {}
        }
    }
    out.fill(0.0);
    for row in a.rows() {
        for (o, &x) in out.iter_mut().zip(row) {
            *o += x;
        }
    }
}

/// [`column_sums_into`] of the row-major rows of `C` values in `values`.
fn row_sums<const C: usize>(values: &[f64], out: &mut [f64]) {
    let mut sums = [0.0f64; C];
    for row in values.chunks_exact(C) {
        for (sum, &x) in sums.iter_mut().zip(row) {
            *sum += x;
        }
    }
    out.copy_from_slice(&sums);
}

/// `out = np.argmax(a, axis=1)`: the first index of each row's maximum. A NaN counts as
/// the maximum, as in numpy.
pub fn argmax_rows_into(a: ArrayView2<'_, f64>, mut out: ArrayViewMut1<'_, usize>) {
    assert_eq!(out.len(), a.nrows(), "argmax: output has the wrong length");
    for (o, row) in out.iter_mut().zip(a.rows()) {
        let mut best = 0;
        for (j, &x) in row.iter().enumerate() {
            if x.is_nan() {
                best = j;
                break;
            }
            if x > row[best] {
                best = j;
            }
        }
        *o = best;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array1};

    #[test]
    fn pairwise_matches_its_definition_on_every_branch() {
        let v: Vec<f64> = (0..300).map(|i| 1.0 / (i as f64 + 0.7)).collect();
        for n in [0usize, 1, 7, 8, 9, 16, 127, 128, 129, 200, 300] {
            let s = &v[..n];
            let squares: Vec<f64> = s.iter().map(|x| x * x).collect();
            assert_eq!(
                sum_of_squares(ndarray::ArrayView2::from_shape((1, n), s).unwrap()),
                pairwise_sum(&squares)
            );
        }
        // 200 values: split at 96, then 8 lanes on each side.
        let s = &v[..200];
        let lanes = |w: &[f64]| {
            let mut r = [0.0; 8];
            for (i, x) in w.iter().enumerate() {
                r[i % 8] += x;
            }
            ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        };
        assert_eq!(pairwise_sum(s), lanes(&s[..96]) + lanes(&s[96..]));
    }

    #[test]
    fn argmax_takes_the_first_maximum() {
        let a = array![[1.0, 3.0, 3.0], [2.0, 1.0, 0.0]];
        let mut out = Array1::zeros(2);
        argmax_rows_into(a.view(), out.view_mut());
        assert_eq!(out, array![1, 0]);
    }
}
