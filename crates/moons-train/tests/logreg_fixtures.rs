//! Logistic regression against scikit-learn 1.9 (reference/fixtures/logreg*.json).

mod common;

use common::fixture;

use moons_datasets::{make_moons, Dataset, RandomState};
use moons_models::{Classifier, LogisticRegression};
use moons_train::logreg::stratified_folds;
use moons_train::{
    Cs, Fit, FittedLogistic, LogisticRegressionCv, LogisticRegressionParams, TrainError,
};
use ndarray::{Array1, Array2};
use serde_json::Value;

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn matrix(v: &Value) -> Vec<Vec<f64>> {
    v.as_array().expect("array").iter().map(f64s).collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_u64().expect("integer") as usize)
        .collect()
}

fn assert_close(ours: &[f64], theirs: &[f64], rel: f64, what: &str) {
    assert_eq!(ours.len(), theirs.len(), "{what}: length");
    let scale = theirs.iter().fold(0.0f64, |m, t| m.max(t.abs()));
    for (o, t) in ours.iter().zip(theirs) {
        assert!(
            (o - t).abs() <= rel * scale.max(1e-300),
            "{what}: ours {ours:?} vs scikit-learn {theirs:?}"
        );
    }
}

fn rows_of(a: &Array2<f64>) -> Vec<Vec<f64>> {
    a.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn check_fit(fitted: &FittedLogistic, case: &Value, rel: f64, what: &str) {
    let coef = matrix(&case["coef"]);
    let ours = rows_of(fitted.model.coef());
    assert_eq!(ours.len(), coef.len(), "{what}: coef rows");
    for (o, t) in ours.iter().zip(&coef) {
        assert_close(o, t, rel, &format!("{what}: coef"));
    }
    assert_close(
        &fitted.model.intercept().to_vec(),
        &f64s(&case["intercept"]),
        rel,
        &format!("{what}: intercept"),
    );
    assert!(fitted.report.converged, "{what}: {:?}", fitted.report);
}

/// Against scikit-learn's default-tolerance refit. Its lbfgs stops once the scaled gradient
/// is below 1e-4, which leaves it up to 1.5e-3 (coef) and 8.5e-3 (a small intercept) relative
/// away from the optimum on these settings, so instead of a fixed closeness we check what
/// that stopping rule promises: scikit-learn's solution has scaled gradient <= 1e-4 under our
/// objective, ours has an objective no larger, and both are within 1e-2 relative. The seed
/// setting is also held to the 1e-3.
fn check_default_tolerance_fit(ours: &FittedLogistic, case: &Value, data: &Dataset, what: &str) {
    let coef = matrix(&case["coef"]);
    let theirs = LogisticRegression::new(
        Array2::from_shape_vec((coef.len(), data.n_features()), coef.concat()).expect("shape"),
        Array1::from(f64s(&case["intercept"])),
    )
    .expect("valid model");
    let c = case["C"].as_f64().expect("C");
    let params = LogisticRegressionParams {
        c,
        ..Default::default()
    };
    let (their_objective, their_gradient) = params.evaluate(data, &theirs).expect("evaluates");
    assert!(
        their_gradient <= 1e-4,
        "{what}: scikit-learn's scaled gradient {their_gradient}"
    );
    let (our_objective, our_gradient) = params.evaluate(data, &ours.model).expect("evaluates");
    assert!(
        our_gradient <= 1e-10,
        "{what}: our scaled gradient {our_gradient}"
    );
    assert!(
        our_objective <= their_objective,
        "{what}: objective {our_objective} > {their_objective}"
    );
    let rel = if data.n_samples() == 200 && case["seed"] == 0 {
        1e-3
    } else {
        1e-2
    };
    check_fit(ours, case, rel, what);
}

fn moons_case(case: &Value) -> Dataset {
    let n = case["n"].as_u64().expect("n") as usize;
    let noise = case["noise"].as_f64().expect("noise");
    let seed = case["seed"].as_u64().expect("seed") as u32;
    make_moons(n, noise, true, &mut RandomState::new(seed)).expect("valid settings")
}

fn three_clusters(fix: &Value) -> Dataset {
    let rows = matrix(&fix["X"]);
    let x = Array2::from_shape_vec((rows.len(), 2), rows.concat()).expect("n x 2");
    Dataset::new(x, Array1::from(usizes(&fix["y"]))).expect("same length")
}

/// scikit-learn's `scores_` at its default `tol = 1e-4`, except where the tightly converged
/// fixture records that a test point within about 1e-4 of the boundary changes sides (there
/// we equal the exact optimum's score, which is the tight fixture's).
fn expected_default_scores(default: &Value, tight: &Value) -> Vec<Vec<f64>> {
    let mut scores = matrix(&default["scores"]);
    for cell in tight["differs_from_default"].as_array().expect("list") {
        let (f, c) = (
            cell["fold"].as_u64().expect("fold") as usize,
            cell["c_index"].as_u64().expect("c") as usize,
        );
        assert_eq!(scores[f][c], cell["default"].as_f64().expect("default"));
        for decision in cell["flipped_decision"]
            .as_array()
            .expect("list")
            .iter()
            .flat_map(f64s_of_value)
        {
            assert!(
                decision.abs() < 1e-3,
                "a flipped point far from the boundary: {decision}"
            );
        }
        scores[f][c] = cell["tight"].as_f64().expect("tight");
    }
    scores
}

fn f64s_of_value(v: &Value) -> Vec<f64> {
    f64s(v)
}

#[test]
fn binary_cv_equals_logistic_regression_cv_on_every_setting() {
    let fix = fixture("logreg.json");
    let tight = fixture("logreg_tight.json");
    let cases = fix["cases"].as_array().expect("cases");
    let tight_cases = tight["cases"].as_array().expect("cases");
    assert_eq!(cases.len(), tight_cases.len());
    for (case, tight_case) in cases.iter().zip(tight_cases) {
        let data = moons_case(case);
        let what = format!(
            "n={} noise={} seed={}",
            case["n"], case["noise"], case["seed"]
        );
        assert_eq!(
            case["n"], tight_case["n"],
            "{what}: fixtures in the same order"
        );
        let (folds, _) =
            stratified_folds(data.labels.as_slice().expect("contiguous"), 5).expect("folds");
        assert_eq!(folds, usizes(&case["folds"]), "{what}: fold assignment");

        let cv = LogisticRegressionCv::default().fit(&data).expect("fits");
        assert_eq!(cv.cs, f64s(&case["Cs"]), "{what}: Cs");
        assert_eq!(cv.test_fold, folds, "{what}: folds");
        assert_eq!(
            rows_of(&cv.scores),
            matrix(&tight_case["scores"]),
            "{what}: tight scores_"
        );
        assert_eq!(
            rows_of(&cv.scores),
            expected_default_scores(case, tight_case),
            "{what}: scores_"
        );
        assert_eq!(cv.c, case["C"].as_f64().expect("C"), "{what}: C_");
        check_fit(&cv.refit, tight_case, 1e-6, &format!("{what} (tight)"));
        check_default_tolerance_fit(&cv.refit, case, &data, &what);
        assert_eq!(
            cv.refit.train_accuracy,
            case["accuracy"].as_f64().expect("accuracy"),
            "{what}: accuracy"
        );
        assert!(cv.warnings.is_empty(), "{what}: {:?}", cv.warnings);
    }
}

#[test]
fn binary_fixed_c_matches_tightly_converged_scikit_learn() {
    let fix = fixture("logreg.json");
    for case in fix["cases"].as_array().expect("cases") {
        let data = moons_case(case);
        for fixed in case["fixed_C"].as_array().expect("fixed_C") {
            let c = fixed["C"].as_f64().expect("C");
            let what = format!("n={} seed={} C={c}", case["n"], case["seed"]);
            let fitted = LogisticRegressionParams {
                c,
                ..Default::default()
            }
            .fit(&data)
            .expect("fits");
            check_fit(&fitted, fixed, 1e-6, &what);
            let objective = fixed["objective"].as_f64().expect("objective");
            assert!(
                fitted.report.objective <= objective + 1e-9 * objective.abs(),
                "{what}: objective {} > {objective}",
                fitted.report.objective
            );
            let first5 = data.x().slice_move(ndarray::s![..5, ..]).to_owned();
            let decision = fitted.model.decision_function(first5.view());
            assert_close(
                &decision.column(0).to_vec(),
                &f64s(&fixed["decision_first5"]),
                1e-6,
                &format!("{what}: decision"),
            );
        }
    }
}

#[test]
fn multinomial_fixed_c_matches_scikit_learn() {
    let fix = fixture("logreg_multinomial.json");
    let data = three_clusters(&fix);
    for fixed in fix["fixed_C"].as_array().expect("fixed_C") {
        let c = fixed["C"].as_f64().expect("C");
        let what = format!("multinomial C={c}");
        let fitted = LogisticRegressionParams {
            c,
            ..Default::default()
        }
        .fit(&data)
        .expect("fits");
        check_fit(&fitted, fixed, 1e-6, &what);
        let first5 = data.x().slice_move(ndarray::s![..5, ..]).to_owned();
        let probs = fitted.model.predict_proba(first5.view());
        for (o, t) in rows_of(&probs)
            .iter()
            .zip(matrix(&fixed["predict_proba_first5"]))
        {
            assert_close(o, &t, 1e-6, &format!("{what}: predict_proba"));
        }
        assert_eq!(
            fitted.train_accuracy,
            fixed["accuracy"].as_f64().expect("accuracy"),
            "{what}: accuracy"
        );
    }
}

#[test]
fn multinomial_cv_equals_logistic_regression_cv() {
    let fix = fixture("logreg_multinomial.json");
    let cvfix = &fix["cv"];
    let tight = &fixture("logreg_tight.json")["multinomial"];
    let data = three_clusters(&fix);
    let cv = LogisticRegressionCv::default().fit(&data).expect("fits");
    assert_eq!(cv.test_fold, usizes(&cvfix["folds"]), "folds");
    assert_eq!(cv.cs, f64s(&cvfix["Cs"]), "Cs");
    assert_eq!(
        rows_of(&cv.scores),
        matrix(&tight["scores"]),
        "tight scores_"
    );
    assert_eq!(
        rows_of(&cv.scores),
        expected_default_scores(cvfix, tight),
        "scores_"
    );
    assert_eq!(cv.c, cvfix["C"].as_f64().expect("C"), "C_");
    check_fit(&cv.refit, tight, 1e-6, "multinomial CV (tight)");
    check_default_tolerance_fit(&cv.refit, cvfix, &data, "multinomial CV");
    assert_eq!(
        cv.refit.train_accuracy,
        cvfix["accuracy"].as_f64().expect("accuracy")
    );
}

#[test]
fn parallel_folds_are_bit_identical_to_sequential() {
    let fix = fixture("logreg.json");
    let data = moons_case(&fix["cases"][0]);
    let parallel = LogisticRegressionCv::default().fit(&data).expect("fits");
    let sequential = LogisticRegressionCv {
        parallel: false,
        ..Default::default()
    }
    .fit(&data)
    .expect("fits");
    assert_eq!(parallel, sequential);
}

#[test]
fn the_refit_is_the_fixed_c_fit_at_the_chosen_c() {
    let fix = fixture("logreg.json");
    let data = moons_case(&fix["cases"][0]);
    let cv = LogisticRegressionCv::default().fit(&data).expect("fits");
    let direct = LogisticRegressionParams {
        c: cv.c,
        ..Default::default()
    }
    .fit(&data)
    .expect("fits");
    assert_eq!(cv.refit, direct);
    assert!(cv.refit.report.iterations <= 10, "{:?}", cv.refit.report);
}

#[test]
fn non_convergence_is_reported_not_silent() {
    let fix = fixture("logreg.json");
    let data = moons_case(&fix["cases"][0]);
    let fitted = LogisticRegressionParams {
        c: 100.0,
        tol: 1e-10,
        max_iter: 1,
    }
    .fit(&data)
    .expect("fits");
    assert!(!fitted.report.converged);
    assert!(fitted
        .report
        .warning
        .as_deref()
        .is_some_and(|w| w.contains("did not converge")));
    let cv = LogisticRegressionCv {
        max_iter: 1,
        ..Default::default()
    }
    .fit(&data)
    .expect("fits");
    assert!(
        cv.warnings.iter().any(|w| w.starts_with("fold 0:")),
        "{:?}",
        cv.warnings
    );
    assert!(
        cv.warnings.iter().any(|w| w.starts_with("refit:")),
        "{:?}",
        cv.warnings
    );
}

#[test]
fn invalid_parameters_and_data_are_typed_errors() {
    let fix = fixture("logreg.json");
    let data = moons_case(&fix["cases"][0]);
    for params in [
        LogisticRegressionParams {
            c: 0.0,
            ..Default::default()
        },
        LogisticRegressionParams {
            c: f64::NAN,
            ..Default::default()
        },
        LogisticRegressionParams {
            tol: 0.0,
            ..Default::default()
        },
        LogisticRegressionParams {
            max_iter: 0,
            ..Default::default()
        },
    ] {
        assert!(
            matches!(params.fit(&data), Err(TrainError::InvalidParameter { .. })),
            "{params:?}"
        );
    }
    let one_class = Dataset::new(Array2::zeros((4, 2)), Array1::zeros(4)).expect("valid");
    assert!(LogisticRegressionParams::default().fit(&one_class).is_err());
    let gap = Dataset::new(Array2::zeros((4, 2)), Array1::from(vec![0, 2, 0, 2])).expect("valid");
    assert!(LogisticRegressionParams::default().fit(&gap).is_err());
    assert!(LogisticRegressionCv {
        folds: 1,
        ..Default::default()
    }
    .fit(&data)
    .is_err());
    assert!(LogisticRegressionCv {
        cs: Cs::Count(0),
        ..Default::default()
    }
    .fit(&data)
    .is_err());
}

#[test]
fn a_class_smaller_than_the_folds_is_a_clear_error() {
    // Every class has 2 members: scikit-learn refuses 5 splits ("n_splits=5 cannot be
    // greater than the number of members in each class").
    let x = Array2::from_shape_fn((4, 2), |(i, j)| (i * 2 + j) as f64);
    let data = Dataset::new(x, Array1::from(vec![0, 1, 0, 1])).expect("valid");
    let err = LogisticRegressionCv {
        folds: 3,
        ..Default::default()
    }
    .fit(&data)
    .unwrap_err();
    assert!(
        err.to_string().contains("number of members in each class"),
        "{err}"
    );
    // One class of 1 among 9: scikit-learn warns, and its training folds then lack the class;
    // we stop with an error that says so rather than fit a model without that class.
    let x = Array2::from_shape_fn((10, 2), |(i, j)| (i + j) as f64);
    let data = Dataset::new(x, Array1::from(vec![0, 0, 0, 0, 1, 0, 0, 0, 0, 0])).expect("valid");
    let err = LogisticRegressionCv {
        folds: 2,
        ..Default::default()
    }
    .fit(&data)
    .unwrap_err();
    assert!(
        err.to_string().contains("has no sample of class 1"),
        "{err}"
    );
}
