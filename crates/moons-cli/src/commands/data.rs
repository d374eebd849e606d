//! `moons data`: the data set as CSV.

use std::io::Write;

use anyhow::Result;
use moons_datasets::Dataset;

use crate::args::DataArgs;
use crate::output::write_atomically;

pub fn run(args: &DataArgs) -> Result<()> {
    let data = super::load_data(&args.data)?;
    match &args.out {
        Some(path) => {
            write_atomically(path, |w| write_csv(&data, w))?;
            eprintln!("wrote {} points to {}", data.n_samples(), path.display());
            Ok(())
        }
        None => write_csv(&data, &mut std::io::stdout().lock()),
    }
}

/// `x1,...,xd,label` with a header; numbers in shortest round-trip form.
fn write_csv(data: &Dataset, w: &mut dyn Write) -> Result<()> {
    let header: Vec<String> = (1..=data.n_features()).map(|j| format!("x{j}")).collect();
    writeln!(w, "{},label", header.join(","))?;
    for (row, label) in data.features.rows().into_iter().zip(&data.labels) {
        for x in row {
            write!(w, "{x},")?;
        }
        writeln!(w, "{label}")?;
    }
    Ok(())
}
