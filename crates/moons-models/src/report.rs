//! scikit-learn's `classification_report`: per-class precision, recall, F1 and support, with
//! macro and weighted averages, and the confusion matrix they come from.

use moons_linalg::pairwise_sum;
use serde::Serialize;

/// One class's line (or an average's).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassReport {
    /// The class name, or `macro avg` / `weighted avg`.
    pub class: String,
    /// Of the rows predicted as this class, the fraction that are (0 when none are).
    pub precision: f64,
    /// Of the rows of this class, the fraction predicted as it (0 when there are none).
    pub recall: f64,
    /// The harmonic mean of the two, as `2 tp / (true + predicted)` (0 when both are 0).
    #[serde(rename = "f1-score")]
    pub f1: f64,
    /// Rows of this class (all rows for the averages).
    pub support: usize,
}

/// The whole report; `zero_division=0` throughout.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClassificationReport {
    /// One line per class, in class order.
    pub classes: Vec<ClassReport>,
    /// The fraction of rows predicted right.
    pub accuracy: f64,
    /// The unweighted mean over classes.
    pub macro_avg: ClassReport,
    /// The mean over classes weighted by support.
    pub weighted_avg: ClassReport,
    /// `confusion[true][predicted]`.
    pub confusion_matrix: Vec<Vec<usize>>,
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

impl ClassificationReport {
    /// The report for class indices `y_true` and `y_pred` into `classes`.
    ///
    /// # Panics
    /// If a label is not below `classes.len()` or the lengths differ.
    pub fn new(y_true: &[usize], y_pred: &[usize], classes: &[String]) -> Self {
        assert_eq!(y_true.len(), y_pred.len(), "one prediction per row");
        let k = classes.len();
        let mut confusion = vec![vec![0usize; k]; k];
        for (&t, &p) in y_true.iter().zip(y_pred) {
            confusion[t][p] += 1;
        }
        let lines: Vec<ClassReport> = (0..k)
            .map(|c| {
                let tp = confusion[c][c];
                let actual: usize = confusion[c].iter().sum();
                let predicted: usize = confusion.iter().map(|row| row[c]).sum();
                ClassReport {
                    class: classes[c].clone(),
                    precision: ratio(tp, predicted),
                    recall: ratio(tp, actual),
                    f1: ratio(2 * tp, actual + predicted),
                    support: actual,
                }
            })
            .collect();
        let n = y_true.len();
        let correct: usize = (0..k).map(|c| confusion[c][c]).sum();
        // np.average: numpy's pairwise sums, divided by the count (or the summed weights).
        let average = |name: &str, weighted: bool| {
            let of = |f: fn(&ClassReport) -> f64| {
                let values: Vec<f64> = lines
                    .iter()
                    .map(|l| {
                        if weighted {
                            f(l) * l.support as f64
                        } else {
                            f(l)
                        }
                    })
                    .collect();
                let weights: Vec<f64> = lines
                    .iter()
                    .map(|l| if weighted { l.support as f64 } else { 1.0 })
                    .collect();
                let total = pairwise_sum(&weights);
                if total == 0.0 {
                    0.0
                } else {
                    pairwise_sum(&values) / total
                }
            };
            ClassReport {
                class: name.into(),
                precision: of(|l| l.precision),
                recall: of(|l| l.recall),
                f1: of(|l| l.f1),
                support: n,
            }
        };
        Self {
            macro_avg: average("macro avg", false),
            weighted_avg: average("weighted avg", true),
            accuracy: ratio(correct, n),
            classes: lines,
            confusion_matrix: confusion,
        }
    }
}
