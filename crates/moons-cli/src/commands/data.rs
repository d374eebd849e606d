//! `moons data`: a generated data set as CSV; also the generator every command shares.

use anyhow::{bail, Result};
use moons_datasets::{
    make_blobs, make_circles, make_moons, make_spirals, make_xor, write_csv, Dataset, RandomState,
};

use crate::args::{DataArgs, DataSource, DatasetName, GeneratorArgs};
use crate::output::{is_stdio, write_file_or_stdout};
use crate::stdout::note;

pub fn run(args: &DataArgs) -> Result<()> {
    let out = args.out.as_deref();
    // Proves the folder writable before generating up to millions of points.
    let outputs = crate::output::prepare_given(&[("--out", out)], &[])?;
    let data = generate(&args.data, &args.generator)?;
    drop(outputs);
    write_file_or_stdout(out, |w| write_csv(&data, w))?;
    if let Some(path) = out.filter(|p| !is_stdio(p)) {
        note!("wrote {} points to {}", data.n_samples(), path.display());
    }
    Ok(())
}

/// The data set `--dataset` names, drawn from a fresh `RandomState::new(--seed)` (for moons
/// exactly `np.random.seed(seed); make_moons(samples, noise=noise)`).
pub fn generate(source: &DataSource, generator: &GeneratorArgs) -> Result<Dataset> {
    let mut rng = RandomState::new(source.seed);
    let two_classes = |name: &str| -> Result<()> {
        match generator.classes {
            Some(k) if k != 2 => {
                bail!("invalid classes {k}: the {name} data set has exactly 2 classes")
            }
            _ => Ok(()),
        }
    };
    let data = match generator.dataset {
        DatasetName::Moons => {
            two_classes("moons")?;
            make_moons(source.samples, source.noise, true, &mut rng)?
        }
        DatasetName::Circles => {
            two_classes("circles")?;
            make_circles(
                source.samples,
                source.noise,
                generator.factor,
                true,
                &mut rng,
            )?
        }
        DatasetName::Xor => {
            two_classes("xor")?;
            make_xor(source.samples, &mut rng)?
        }
        DatasetName::Blobs => {
            let k = generator.classes.unwrap_or(3);
            if k < 2 {
                bail!(
                    "invalid classes {k}: expected an integer from 2 to {}",
                    moons_datasets::MAX_CLASSES
                );
            }
            make_blobs(source.samples, k, generator.cluster_std, &mut rng)?.0
        }
        DatasetName::Spirals => make_spirals(
            source.samples,
            generator.classes.unwrap_or(3),
            source.noise,
            &mut rng,
        )?,
    };
    Ok(data)
}
