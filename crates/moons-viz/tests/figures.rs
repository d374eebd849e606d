//! Every figure draws, in both formats, deterministically, and refuses bad input with an error.

use std::fs;
use std::path::Path;
use std::time::Instant;

use moons_datasets::{make_moons, Dataset, RandomState};
use moons_models::{Activation, Classifier, Mlp};
use moons_viz::grid::{predict_grid, Grid};
use moons_viz::{
    plot_boundary_grid, plot_data, plot_decision_boundary, plot_decision_boundary_with,
    plot_loss_curves, BoundaryOptions, LossCurve, Shading, VizError,
};
use ndarray::array;

fn data() -> Dataset {
    make_moons(200, 0.20, true, &mut RandomState::new(0)).unwrap()
}

fn model(hidden: usize) -> Mlp {
    Mlp::seed_init(2, &[hidden], 2, Activation::Tanh, &mut RandomState::new(0))
}

fn curve() -> LossCurve {
    LossCurve {
        label: "test".into(),
        points: (0..200)
            .map(|p| {
                (
                    p,
                    0.5 / (1.0 + p as f64) + if p % 2 == 0 { 0.01 } else { 0.0 },
                )
            })
            .collect(),
    }
}

fn is_png(path: &Path) -> bool {
    fs::read(path).unwrap().starts_with(b"\x89PNG\r\n\x1a\n")
}

fn is_svg(path: &Path) -> bool {
    String::from_utf8(fs::read(path).unwrap())
        .unwrap()
        .contains("<svg")
}

#[test]
fn every_figure_draws_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let data = data();
    let (m1, m3) = (model(1), model(3));
    let panels: Vec<(String, &dyn Classifier)> = vec![("H 1".into(), &m1), ("H 3".into(), &m3)];
    for ext in ["png", "svg"] {
        let p = |name: &str| dir.path().join(format!("{name}.{ext}"));
        plot_data(&data, "data", &p("data")).unwrap();
        plot_decision_boundary(&m3, &data, "boundary", &p("boundary")).unwrap();
        let shaded = BoundaryOptions {
            shading: Shading::Probability,
            ..BoundaryOptions::default()
        };
        plot_decision_boundary_with(&m3, &data, "shaded", &shaded, &p("shaded")).unwrap();
        plot_boundary_grid(&panels, &data, &p("grid")).unwrap();
        plot_loss_curves(&[curve()], "loss", true, &p("loss")).unwrap();
        for name in ["data", "boundary", "shaded", "grid", "loss"] {
            let ok = if ext == "png" {
                is_png(&p(name))
            } else {
                is_svg(&p(name))
            };
            assert!(ok, "{name}.{ext}");
        }
    }
    // Only the figures are left behind: no temporary files.
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 10);
}

#[test]
fn the_same_figure_twice_is_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = data();
    let m = model(3);
    let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
    plot_decision_boundary(&m, &data, "same", &a).unwrap();
    plot_decision_boundary(&m, &data, "same", &b).unwrap();
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
}

#[test]
fn the_seed_grid_is_400_by_300_and_predicted_in_milliseconds() {
    let data = data();
    let grid = Grid::around(&data, 0.5, 0.01, 4_000_000).unwrap();
    assert!(grid.len() > 100_000, "{} points", grid.len());
    let m = model(3);
    let start = Instant::now();
    let classes = predict_grid(&m, &grid).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(classes.len(), grid.len());
    eprintln!("{} grid points predicted in {elapsed:?}", grid.len());
    // Generous for a loaded machine; it takes a few milliseconds.
    assert!(elapsed.as_secs_f64() < 2.0);
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.png");
    let three = Dataset::new(array![[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], array![0, 1]).unwrap();
    assert!(matches!(
        plot_data(&three, "t", &out),
        Err(VizError::InvalidInput { .. })
    ));
    let empty = Dataset::new(ndarray::Array2::zeros((0, 2)), ndarray::Array1::zeros(0)).unwrap();
    assert!(plot_decision_boundary(&model(3), &empty, "t", &out).is_err());
    let wide = Mlp::seed_init(3, &[2], 2, Activation::Tanh, &mut RandomState::new(0));
    assert!(matches!(
        plot_decision_boundary(&wide, &data(), "t", &out),
        Err(VizError::Model(_))
    ));
    assert!(plot_boundary_grid(&[], &data(), &out).is_err());
    assert!(plot_loss_curves(&[], "t", false, &out).is_err());
    let negative = LossCurve {
        label: "n".into(),
        points: vec![(0, -1.0)],
    };
    assert!(plot_loss_curves(std::slice::from_ref(&negative), "t", true, &out).is_err());
    assert!(plot_loss_curves(&[negative], "t", false, &out).is_ok());
    let missing = dir.path().join("no/such/folder/x.png");
    assert!(matches!(
        plot_data(&data(), "t", &missing),
        Err(VizError::Io { .. })
    ));
}

#[test]
fn a_seven_panel_grid_draws_in_well_under_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let data = data();
    let models: Vec<Mlp> = [1, 2, 3, 4, 5, 20, 50].into_iter().map(model).collect();
    let panels: Vec<(String, &dyn Classifier)> = models
        .iter()
        .map(|m| {
            (
                format!("Hidden Layer size {}", m.layers[0].outputs()),
                m as &dyn Classifier,
            )
        })
        .collect();
    let start = Instant::now();
    plot_boundary_grid(&panels, &data, &dir.path().join("grid.png")).unwrap();
    let elapsed = start.elapsed();
    eprintln!("7-panel grid drawn in {elapsed:?}");
    assert!(elapsed.as_secs_f64() < 5.0);
}

#[test]
fn no_system_font_stack_is_linked() {
    let lock =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    for name in [
        "font-kit",
        "yeslogic-fontconfig-sys",
        "servo-fontconfig",
        "freetype",
    ] {
        assert!(
            !lock.contains(&format!("name = \"{name}\"")),
            "{name} is in Cargo.lock"
        );
    }
}
