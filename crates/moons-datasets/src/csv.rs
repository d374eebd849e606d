//! Reading and writing data sets as CSV: `x1,...,xd,label`, header optional.
//!
//! Rules, so that a bad file is refused with its name, line and column rather than guessed at:
//!
//! - the file must be UTF-8 text without NUL bytes (anything else is taken for binary);
//! - blank lines are skipped; fields are trimmed; the separator is a comma;
//! - the first non-blank line is a header when none of its fields is a number;
//! - every row has as many fields as the first one;
//! - features are finite numbers; a label is a non-negative integer (`2` or `2.0`) below
//!   [`MAX_CLASSES`];
//! - a training file needs at least two classes.

use std::io::Write;
use std::path::Path;

use ndarray::{Array1, Array2};

use crate::{Dataset, DatasetError, MAX_CLASSES, MAX_SAMPLES};

/// The largest CSV file read, in bytes: larger files are refused before being read.
pub const MAX_CSV_BYTES: u64 = 1 << 30;

/// The most feature columns a CSV file may have.
pub const MAX_FEATURES: usize = 10_000;

/// Points read from a CSV file whose label column is optional (for prediction).
#[derive(Clone, Debug, PartialEq)]
pub struct Points {
    /// `n_samples x n_features`.
    pub features: Array2<f64>,
    /// The labels, when the file has a label column.
    pub labels: Option<Array1<usize>>,
    /// The header's field names, when the file has a header.
    pub header: Option<Vec<String>>,
}

/// Reads a labelled data set (`x1,...,xd,label`) from `path`.
///
/// Refuses files with fewer than two classes, since nothing can be learned from them.
pub fn read_csv(path: &Path) -> Result<Dataset, DatasetError> {
    let name = path.display().to_string();
    let bytes = read_file_bytes(path)?;
    parse_csv(&name, &bytes)
}

/// Parses a labelled data set from the bytes of a CSV file; `name` is used in errors.
///
/// ```
/// use moons_datasets::parse_csv;
/// let data = parse_csv("inline.csv", b"x1,x2,label\n0.5,1,0\n-1,2.5,1\n").unwrap();
/// assert_eq!(data.n_features(), 2);
/// assert_eq!(data.labels.to_vec(), vec![0, 1]);
/// let err = parse_csv("inline.csv", b"0.5,1,0\n-1,oops,1\n").unwrap_err();
/// assert_eq!(err.to_string(), "inline.csv, line 2, column 2: 'oops' is not a number");
/// ```
pub fn parse_csv(name: &str, bytes: &[u8]) -> Result<Dataset, DatasetError> {
    let table = Table::parse(name, bytes)?;
    if table.width < 2 {
        return Err(file_error(
            name,
            "needs at least one feature column and a label column",
        ));
    }
    let (features, labels) = table.split_labels(name, table.width - 1)?;
    let data = Dataset { features, labels };
    let classes = data.class_counts().iter().filter(|&&c| c > 0).count();
    if classes < 2 {
        return Err(file_error(
            name,
            "has a single class: training needs at least two distinct labels",
        ));
    }
    Ok(data)
}

/// Reads points for a model with `n_features` inputs: a file with `n_features` columns has no
/// labels; one with `n_features + 1` columns has labels in the last.
pub fn read_points(path: &Path, n_features: usize) -> Result<Points, DatasetError> {
    let name = path.display().to_string();
    let bytes = read_file_bytes(path)?;
    parse_points(&name, &bytes, n_features)
}

/// [`read_points`] on the bytes of a file; `name` is used in errors.
pub fn parse_points(name: &str, bytes: &[u8], n_features: usize) -> Result<Points, DatasetError> {
    let table = Table::parse(name, bytes)?;
    let header = table.header.clone();
    if table.width == n_features {
        let features = table.features(name, n_features)?;
        Ok(Points {
            features,
            labels: None,
            header,
        })
    } else if table.width == n_features + 1 {
        let (features, labels) = table.split_labels(name, n_features)?;
        Ok(Points {
            features,
            labels: Some(labels),
            header,
        })
    } else {
        Err(file_error(
            name,
            format!(
                "has {} columns but the model expects {n_features} feature columns \
                 (optionally followed by a label column)",
                table.width
            ),
        ))
    }
}

/// Writes `data` as `x1,...,xd,label` with a header; numbers in shortest round-trip form, so
/// reading the file back gives the same bits.
pub fn write_csv(data: &Dataset, w: &mut dyn Write) -> std::io::Result<()> {
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

/// The bytes of a file, refusing folders and files over [`MAX_CSV_BYTES`] with its name.
pub fn read_file_bytes(path: &Path) -> Result<Vec<u8>, DatasetError> {
    let name = path.display().to_string();
    let io_error = |e: std::io::Error| DatasetError::Io {
        path: name.clone(),
        message: e.to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io_error)?;
    if meta.is_dir() {
        return Err(file_error(&name, "is a folder, not a CSV file"));
    }
    if meta.len() > MAX_CSV_BYTES {
        return Err(file_error(
            &name,
            format!(
                "is {} bytes; the largest CSV file accepted is {MAX_CSV_BYTES} bytes",
                meta.len()
            ),
        ));
    }
    std::fs::read(path).map_err(io_error)
}

/// The bytes of a CSV file as text, refusing an empty or binary file with the line where the
/// binary part starts.
pub(crate) fn text_of<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, DatasetError> {
    if bytes.is_empty() {
        return Err(file_error(name, "is empty"));
    }
    // Text has no control characters but line ends and tabs: anything else (a NUL, the
    // bytes of an image or an archive) means a binary file, whatever its line count.
    let binary = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    let text: &str = match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains(binary) => text,
        Ok(text) => {
            let line = line_of(bytes, text.find(binary).unwrap_or(0));
            return Err(binary_error(name, line));
        }
        Err(e) => return Err(binary_error(name, line_of(bytes, e.valid_up_to()))),
    };
    Ok(text)
}

pub(crate) fn file_error(name: &str, message: impl Into<String>) -> DatasetError {
    DatasetError::CsvFile {
        path: name.to_string(),
        message: message.into(),
    }
}

pub(crate) fn field_error(
    name: &str,
    line: usize,
    column: usize,
    message: impl Into<String>,
) -> DatasetError {
    DatasetError::CsvField {
        path: name.to_string(),
        line,
        column,
        message: message.into(),
    }
}

/// The numeric cells of a file, row-major, with the line each row came from.
struct Table {
    header: Option<Vec<String>>,
    width: usize,
    cells: Vec<f64>,
    lines: Vec<usize>,
}

impl Table {
    fn parse(name: &str, bytes: &[u8]) -> Result<Self, DatasetError> {
        let text = text_of(name, bytes)?;

        let mut table = Table {
            header: None,
            width: 0,
            cells: Vec::new(),
            lines: Vec::new(),
        };
        for (index, raw) in text.split('\n').enumerate() {
            let line = index + 1;
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            if raw.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
            let first = table.width == 0;
            if first {
                if fields.len() > MAX_FEATURES + 1 {
                    return Err(DatasetError::CsvRow {
                        path: name.to_string(),
                        line,
                        message: format!(
                            "has {} fields; at most {} feature columns are accepted",
                            fields.len(),
                            MAX_FEATURES
                        ),
                    });
                }
                table.width = fields.len();
                if fields.iter().all(|f| f.parse::<f64>().is_err()) {
                    table.header = Some(fields.iter().map(|f| f.to_string()).collect());
                    continue;
                }
            } else if fields.len() != table.width {
                return Err(DatasetError::CsvRow {
                    path: name.to_string(),
                    line,
                    message: format!(
                        "has {} fields but the first row has {}",
                        fields.len(),
                        table.width
                    ),
                });
            }
            if table.lines.len() >= MAX_SAMPLES {
                return Err(file_error(
                    name,
                    format!("has more than {MAX_SAMPLES} rows"),
                ));
            }
            for (column, field) in fields.iter().enumerate() {
                let value = field.parse::<f64>().map_err(|_| {
                    field_error(name, line, column + 1, format!("'{field}' is not a number"))
                })?;
                if !value.is_finite() {
                    return Err(field_error(
                        name,
                        line,
                        column + 1,
                        format!("'{field}' is not a finite number"),
                    ));
                }
                table.cells.push(value);
            }
            table.lines.push(line);
        }
        if table.lines.is_empty() {
            return Err(file_error(
                name,
                if table.header.is_some() {
                    "has a header but no data rows"
                } else {
                    "has no data rows"
                },
            ));
        }
        Ok(table)
    }

    /// The first `n_features` columns of every row (`n_features` may equal the width).
    fn features(&self, name: &str, n_features: usize) -> Result<Array2<f64>, DatasetError> {
        let rows = self.lines.len();
        let mut features = Array2::<f64>::zeros((rows, n_features));
        for (mut out, row) in features
            .rows_mut()
            .into_iter()
            .zip(self.cells.chunks_exact(self.width))
        {
            for (o, &v) in out.iter_mut().zip(row) {
                *o = v;
            }
        }
        if n_features == 0 {
            return Err(file_error(name, "has no feature columns"));
        }
        Ok(features)
    }

    /// Features from the first `n_features` columns, labels from the one after.
    fn split_labels(
        &self,
        name: &str,
        n_features: usize,
    ) -> Result<(Array2<f64>, Array1<usize>), DatasetError> {
        let features = self.features(name, n_features)?;
        let mut labels = Array1::<usize>::zeros(self.lines.len());
        for ((label, row), &line) in labels
            .iter_mut()
            .zip(self.cells.chunks_exact(self.width))
            .zip(&self.lines)
        {
            let value = row.get(n_features).copied().unwrap_or(f64::NAN);
            *label = to_label(value).map_err(|why| field_error(name, line, n_features + 1, why))?;
        }
        Ok((features, labels))
    }
}

fn to_label(value: f64) -> Result<usize, String> {
    if value < 0.0 {
        return Err(format!(
            "label {value} is negative: labels are 0, 1, 2, ..."
        ));
    }
    if value.fract() != 0.0 {
        return Err(format!(
            "label {value} is not an integer: labels are 0, 1, 2, ..."
        ));
    }
    if value >= MAX_CLASSES as f64 {
        return Err(format!(
            "label {value} is too large: at most {MAX_CLASSES} classes are accepted"
        ));
    }
    // In range and integral, so the conversion is exact.
    Ok(value as usize)
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes.iter().take(offset).filter(|&&b| b == b'\n').count()
}

fn binary_error(name: &str, line: usize) -> DatasetError {
    DatasetError::CsvRow {
        path: name.to_string(),
        line,
        message: "is not text (invalid UTF-8 or a control character): is this a binary file?"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> String {
        parse_csv("d.csv", bytes).unwrap_err().to_string()
    }

    #[test]
    fn header_is_optional_and_columns_any() {
        let a = parse_csv("d.csv", b"1,2,3,0\n4,5,6,1\n").unwrap();
        let b = parse_csv("d.csv", b"a,b,c,label\r\n1,2,3,0\r\n\r\n4,5,6,1.0\r\n").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.n_features(), 3);
    }

    #[test]
    fn bad_files_name_file_line_and_column() {
        assert_eq!(err(b""), "d.csv: is empty");
        assert_eq!(
            err(b"x1,x2,label\n"),
            "d.csv: has a header but no data rows"
        );
        assert_eq!(err(b"\n\n"), "d.csv: has no data rows");
        assert_eq!(
            err(b"1,2,0\n1,2\n"),
            "d.csv, line 2: has 2 fields but the first row has 3"
        );
        assert_eq!(
            err(b"1,2,0\n1,x,1\n"),
            "d.csv, line 2, column 2: 'x' is not a number"
        );
        assert_eq!(
            err(b"1,2,0\n1,inf,1\n"),
            "d.csv, line 2, column 2: 'inf' is not a finite number"
        );
        assert_eq!(
            err(b"1,NaN,0\n1,2,1\n"),
            "d.csv, line 1, column 2: 'NaN' is not a finite number"
        );
        assert!(err(b"1,2,0\n1,2,0.5\n")
            .starts_with("d.csv, line 2, column 3: label 0.5 is not an integer"));
        assert!(
            err(b"1,2,0\n1,2,-1\n").starts_with("d.csv, line 2, column 3: label -1 is negative")
        );
        assert!(err(b"1,2,1\n1,2,1\n").contains("single class"));
        assert!(err(b"1,2,0\n\xff\xfe\x00").contains("line 2: is not text"));
        assert!(err(b"1,2\x00,0\n").contains("line 1: is not text"));
        assert!(err(b"PK\x03\x04garbage").contains("line 1: is not text"));
        assert!(err(b"label\n0\n1\n").contains("at least one feature column"));
        assert!(err(b"1,2,99999999\n1,2,0\n").contains("too large"));
    }

    #[test]
    fn missing_file_is_an_io_error_naming_it() {
        let e = read_csv(Path::new("/nonexistent/points.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("cannot read /nonexistent/points.csv: "),
            "{e}"
        );
    }

    #[test]
    fn points_with_and_without_labels() {
        let p = parse_points("p.csv", b"x1,x2\n1,2\n", 2).unwrap();
        assert!(p.labels.is_none());
        let p = parse_points("p.csv", b"1,2,1\n", 2).unwrap();
        assert_eq!(p.labels.unwrap().to_vec(), vec![1]);
        let e = parse_points("p.csv", b"1,2,3,1\n", 2)
            .unwrap_err()
            .to_string();
        assert!(e.contains("has 4 columns but the model expects 2"), "{e}");
    }

    #[test]
    fn write_then_read_round_trips_exactly() {
        let mut rng = crate::RandomState::new(4);
        let data = crate::make_moons(57, 0.3, true, &mut rng).unwrap();
        let mut bytes = Vec::new();
        write_csv(&data, &mut bytes).unwrap();
        assert_eq!(parse_csv("m.csv", &bytes).unwrap(), data);
    }
}
