//! Reading a user's own CSV file as scikit-learn users expect: labels of any kind (names or
//! integers), a label column chosen by name or index, features picked by name or index, the
//! delimiter detected, a pandas index column recognised, rows with missing cells dropped on
//! request.
//!
//! Rules:
//! - the delimiter is the given one, else whichever of `,` `;` and tab splits the first line
//!   into the most fields;
//! - the first line is a header when one of its fields is not a number, unless that field is
//!   only the label and the same label occurs again below (then it is a data row);
//! - the classes are the distinct labels sorted as numbers when every label is a number, and
//!   as strings otherwise (scikit-learn's `classes_` for the column as pandas reads it);
//! - a leading column with an empty or `Unnamed: 0` header that counts 0, 1, 2, ... is a
//!   pandas index: it is dropped, with a note saying so;
//! - an empty or `NA`/`NaN`/`null` cell is an error naming line and column, unless
//!   [`Missing::Drop`] drops its row (with a note).
//!
//! ```
//! use moons_datasets::table::{read_table, TableOptions};
//! let csv = b"petal,sepal,species\n1.4,0.2,setosa\n4.7,1.4,versicolor\n1.3,0.2,setosa\n";
//! let table = read_table("iris.csv", csv, &TableOptions::default())?;
//! assert_eq!(table.classes, ["setosa", "versicolor"]);
//! assert_eq!(table.data.labels.to_vec(), [0, 1, 0]);
//! assert_eq!(table.feature_names, ["petal", "sepal"]);
//! # Ok::<(), moons_datasets::DatasetError>(())
//! ```

use ndarray::{Array1, Array2};

use crate::csv::{field_error, file_error};
use crate::{Dataset, DatasetError, MAX_CLASSES, MAX_FEATURES, MAX_SAMPLES};

/// A column, by its header name or its 1-based position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnRef {
    /// The header field with this name.
    Name(String),
    /// The column at this 1-based position.
    Index(usize),
}

impl std::str::FromStr for ColumnRef {
    type Err = std::convert::Infallible;

    /// A whole number is a position (1-based), anything else a name.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Ok(match s.parse::<usize>() {
            Ok(i) => ColumnRef::Index(i),
            Err(_) => ColumnRef::Name(s.to_string()),
        })
    }
}

impl std::fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnRef::Name(n) => write!(f, "'{n}'"),
            ColumnRef::Index(i) => write!(f, "{i}"),
        }
    }
}

/// What to do with rows that have an empty or `NA` cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Missing {
    /// Refuse the file, naming the first such cell (the default).
    #[default]
    Error,
    /// Drop those rows, and say how many.
    Drop,
}

/// Whether the file must have a label column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Labels {
    /// A label column is required (training, evaluation).
    #[default]
    Required,
    /// The file may hold only these features, in order or by name (prediction): a file
    /// with exactly them has no label column.
    OptionalFor(usize),
}

/// How to read a file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableOptions {
    /// The field separator; `None` detects `,`, `;` or tab.
    pub delimiter: Option<char>,
    /// The label column; `None` is the last column.
    pub label_column: Option<ColumnRef>,
    /// The feature columns, in this order; `None` is every other column.
    pub features: Option<Vec<ColumnRef>>,
    /// Rows with missing cells.
    pub missing: Missing,
    /// Whether a label column is required.
    pub labels: Labels,
}

/// A file read with [`read_table`].
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Features and class indices (`labels` are positions in `classes`; all zero when the
    /// file has no label column).
    pub data: Dataset,
    /// The distinct labels, sorted: class `i` is `classes[i]`. Empty without labels.
    pub classes: Vec<String>,
    /// Whether the file has a label column.
    pub has_labels: bool,
    /// The feature columns' names (`x1`, `x2`, ... without a header).
    pub feature_names: Vec<String>,
    /// The label column's name (`label` without a header).
    pub label_name: String,
    /// The raw label of every row, as written.
    pub raw_labels: Vec<String>,
    /// Things the reader did that the user should hear of (a dropped index column, dropped
    /// rows).
    pub notes: Vec<String>,
}

impl Table {
    /// Positions in `classes` of the file's labels, refusing a label not among them, with the
    /// line it is on and the classes allowed.
    pub fn labels_in(&self, name: &str, classes: &[String]) -> Result<Array1<usize>, DatasetError> {
        let mut out = Array1::zeros(self.raw_labels.len());
        for (i, raw) in self.raw_labels.iter().enumerate() {
            out[i] = position_of_class(raw, classes).ok_or_else(|| DatasetError::CsvFile {
                path: name.to_string(),
                message: format!(
                    "data row {} has label {raw}, which the model does not know: its classes are {}",
                    i + 1,
                    classes.join(", ")
                ),
            })?;
        }
        Ok(out)
    }
}

impl Table {
    /// The features with the labels as positions in `classes` (another file's classes, such
    /// as the training file's for a test file).
    ///
    /// # Panics
    /// If a label is not among `classes`; [`Table::labels_in`] reports that as an error.
    pub fn labels_dataset(&self, classes: &[String]) -> Dataset {
        let labels = self
            .labels_in("", classes)
            .expect("every label is a known class");
        Dataset {
            features: self.data.features.clone(),
            labels,
        }
    }
}

/// The class a raw label belongs to: equal as text, or equal as numbers (`1` and `1.0`).
pub fn position_of_class(raw: &str, classes: &[String]) -> Option<usize> {
    classes.iter().position(|c| c == raw).or_else(|| {
        let x = raw.parse::<f64>().ok()?;
        classes
            .iter()
            .position(|c| c.parse::<f64>().ok() == Some(x))
    })
}

fn is_missing(field: &str) -> bool {
    matches!(
        field.to_ascii_lowercase().as_str(),
        "" | "na" | "nan" | "n/a" | "null" | "none"
    )
}

fn is_number(field: &str) -> bool {
    field.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Reads a CSV file's bytes by `options`; `name` is used in errors and notes.
pub fn read_table(name: &str, bytes: &[u8], options: &TableOptions) -> Result<Table, DatasetError> {
    let text = crate::csv::text_of(name, bytes)?;
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let Some(&(_, first)) = lines.first() else {
        return Err(file_error(name, "has no data rows"));
    };
    let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(first));
    let split = |line: &str| -> Vec<String> {
        line.split(delimiter)
            .map(|f| f.trim().to_string())
            .collect()
    };
    let mut rows: Vec<(usize, Vec<String>)> = lines.iter().map(|&(n, l)| (n, split(l))).collect();
    let width = rows[0].1.len();
    if width > MAX_FEATURES + 1 {
        return Err(DatasetError::CsvRow {
            path: name.to_string(),
            line: rows[0].0,
            message: format!(
                "has {width} fields; at most {MAX_FEATURES} feature columns are accepted"
            ),
        });
    }
    if let Some((line, fields)) = rows.iter().find(|(_, f)| f.len() != width) {
        return Err(DatasetError::CsvRow {
            path: name.to_string(),
            line: *line,
            message: format!(
                "has {} fields but the first row has {width} (delimiter {})",
                fields.len(),
                shown_delimiter(delimiter)
            ),
        });
    }
    if rows.len() > MAX_SAMPLES + 1 {
        return Err(file_error(
            name,
            format!("has more than {MAX_SAMPLES} rows"),
        ));
    }

    let header = take_header(&mut rows, options, width);
    let mut notes = Vec::new();
    let mut names: Vec<String> = match &header {
        Some(h) => h.clone(),
        None => (1..=width).map(|j| format!("x{j}")).collect(),
    };
    // A pandas index: an unnamed first column counting 0, 1, 2, ...
    let mut columns: Vec<usize> = (0..width).collect();
    if let Some(h) = &header {
        let unnamed = h[0].is_empty() || h[0] == "Unnamed: 0";
        let counts = rows
            .iter()
            .enumerate()
            .all(|(i, (_, f))| f[0].parse::<usize>() == Ok(i));
        if unnamed && counts && width > 2 && options.features.is_none() {
            notes.push(format!(
                "{name}: the first column has no name and counts 0, 1, 2, ... (a pandas index, \
                 written by to_csv without index=False): it is not used as a feature"
            ));
            columns.remove(0);
        }
    }
    if header.is_none() && width == 1 {
        names = vec!["x1".into()];
    }

    let resolve = |r: &ColumnRef, what: &str| -> Result<usize, DatasetError> {
        match r {
            ColumnRef::Index(i) if (1..=width).contains(i) => Ok(i - 1),
            ColumnRef::Index(i) => Err(file_error(
                name,
                format!("has {width} columns, so {what} {i} does not exist (columns count from 1)"),
            )),
            ColumnRef::Name(n) => match &header {
                Some(h) => h.iter().position(|f| f == n).ok_or_else(|| {
                    file_error(
                        name,
                        format!(
                            "has no column named '{n}' for {what}; its columns are {}",
                            h.join(", ")
                        ),
                    )
                }),
                None => Err(file_error(
                    name,
                    format!("has no header, so {what} '{n}' cannot be found: give a column number"),
                )),
            },
        }
    };

    let explicit_features = match &options.features {
        Some(list) => Some(
            list.iter()
                .map(|r| resolve(r, "the feature column"))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        None => None,
    };
    let label_column = match (&options.label_column, options.labels) {
        (Some(r), _) => Some(resolve(r, "the label column")?),
        (None, Labels::Required) => columns.last().copied(),
        (None, Labels::OptionalFor(n)) => {
            let available = explicit_features
                .as_ref()
                .map_or(columns.len(), |f| f.len() + 1);
            if available == n + 1 || (explicit_features.is_none() && columns.len() == n + 1) {
                columns.last().copied()
            } else if columns.len() == n || explicit_features.is_some() {
                None
            } else {
                return Err(file_error(
                    name,
                    format!(
                        "has {} columns but the model expects {n} feature columns (optionally \
                         followed by a label column)",
                        columns.len()
                    ),
                ));
            }
        }
    };
    let features: Vec<usize> = match explicit_features {
        Some(f) => f,
        None => columns
            .iter()
            .copied()
            .filter(|&c| Some(c) != label_column)
            .collect(),
    };
    if features.is_empty() {
        return Err(file_error(
            name,
            "needs at least one feature column and a label column",
        ));
    }
    if let Some(l) = label_column {
        if features.contains(&l) {
            return Err(file_error(
                name,
                format!("column '{}' is both a feature and the label", names[l]),
            ));
        }
    }

    // Missing cells, then numbers.
    let used: Vec<usize> = features.iter().copied().chain(label_column).collect();
    let mut dropped = 0usize;
    let mut kept: Vec<(usize, Vec<String>)> = Vec::with_capacity(rows.len());
    for (line, fields) in rows {
        if let Some(&c) = used.iter().find(|&&c| is_missing(&fields[c])) {
            match options.missing {
                Missing::Drop => {
                    dropped += 1;
                    continue;
                }
                Missing::Error => {
                    return Err(field_error(
                        name,
                        line,
                        c + 1,
                        format!(
                            "the cell is missing ('{}'); fill it in, or drop such rows with \
                             --missing drop",
                            fields[c]
                        ),
                    ))
                }
            }
        }
        kept.push((line, fields));
    }
    if dropped > 0 {
        notes.push(format!(
            "{name}: dropped {dropped} rows with missing cells (--missing drop)"
        ));
    }
    if kept.is_empty() {
        return Err(file_error(
            name,
            if header.is_some() {
                "has a header but no data rows"
            } else {
                "has no data rows"
            },
        ));
    }
    let mut x = Array2::<f64>::zeros((kept.len(), features.len()));
    for (i, (line, fields)) in kept.iter().enumerate() {
        for (j, &c) in features.iter().enumerate() {
            let field = &fields[c];
            let value = field.parse::<f64>().map_err(|_| {
                field_error(name, *line, c + 1, format!("'{field}' is not a number"))
            })?;
            if !value.is_finite() {
                return Err(field_error(
                    name,
                    *line,
                    c + 1,
                    format!("'{field}' is not a finite number"),
                ));
            }
            x[[i, j]] = value;
        }
    }
    let raw_labels: Vec<String> = match label_column {
        Some(l) => kept.iter().map(|(_, f)| f[l].clone()).collect(),
        None => Vec::new(),
    };
    // A numeric label column with fractions is a regression target, not classes (as
    // scikit-learn's "continuous" target type).
    if raw_labels.iter().all(|l| is_number(l)) {
        if let Some(i) = raw_labels
            .iter()
            .position(|l| l.parse::<f64>().is_ok_and(|v| v.fract() != 0.0))
        {
            let line = kept[i].0;
            let column = label_column.map_or(0, |c| c + 1);
            return Err(field_error(
                name,
                line,
                column,
                format!(
                    "label {} is not an integer: class labels are names or whole numbers (a \
                     continuous target is a regression problem)",
                    raw_labels[i]
                ),
            ));
        }
    }
    let classes = sorted_classes(&raw_labels);
    if classes.len() > MAX_CLASSES {
        return Err(file_error(
            name,
            format!(
                "has {} distinct labels; at most {MAX_CLASSES} classes are accepted",
                classes.len()
            ),
        ));
    }
    let labels: Array1<usize> = raw_labels
        .iter()
        .map(|raw| position_of_class(raw, &classes).unwrap_or(0))
        .collect();
    let labels = if label_column.is_some() {
        labels
    } else {
        Array1::zeros(kept.len())
    };
    Ok(Table {
        data: Dataset {
            features: x,
            labels,
        },
        has_labels: label_column.is_some(),
        classes,
        feature_names: features.iter().map(|&c| names[c].clone()).collect(),
        label_name: label_column.map_or_else(|| "label".to_string(), |l| names[l].clone()),
        raw_labels,
        notes,
    })
}

/// The distinct labels, sorted as numbers when all are numbers (`1, 2, 10`), else as strings.
pub fn sorted_classes(labels: &[String]) -> Vec<String> {
    let mut distinct: Vec<&String> = labels.iter().collect();
    if labels.iter().all(|l| is_number(l)) {
        distinct.sort_by(|a, b| {
            let (x, y) = (
                a.parse::<f64>().unwrap_or(0.0),
                b.parse::<f64>().unwrap_or(0.0),
            );
            x.total_cmp(&y)
        });
        distinct.dedup_by(|a, b| a.parse::<f64>().ok() == b.parse::<f64>().ok());
    } else {
        distinct.sort();
        distinct.dedup();
    }
    distinct.into_iter().cloned().collect()
}

fn detect_delimiter(first: &str) -> char {
    [',', ';', '\t']
        .into_iter()
        .max_by_key(|&d| (first.split(d).count(), d == ','))
        .unwrap_or(',')
}

fn shown_delimiter(d: char) -> String {
    match d {
        '\t' => "tab".into(),
        d => format!("'{d}'"),
    }
}

/// Removes and returns the header row, if the first row is one.
fn take_header(
    rows: &mut Vec<(usize, Vec<String>)>,
    options: &TableOptions,
    width: usize,
) -> Option<Vec<String>> {
    let first = &rows[0].1;
    let text_fields: Vec<usize> = (0..width)
        .filter(|&j| !is_number(&first[j]) && !is_missing(&first[j]))
        .collect();
    let names_a_column = |r: &ColumnRef| matches!(r, ColumnRef::Name(n) if first.contains(n));
    let named = options.label_column.as_ref().is_some_and(names_a_column)
        || options
            .features
            .as_ref()
            .is_some_and(|f| f.iter().any(names_a_column));
    let is_header = named
        || match text_fields.as_slice() {
            [] => {
                first.iter().all(|f| is_missing(f))
                    && width > 0
                    && rows.len() > 1
                    && first[0].is_empty()
            }
            // Only the label is text: a header only if that label does not recur below.
            [only] if *only == width - 1 && options.label_column.is_none() => {
                !rows[1..].iter().any(|(_, f)| f[*only] == first[*only])
            }
            _ => true,
        };
    if is_header {
        Some(rows.remove(0).1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Table {
        read_table("t.csv", bytes, &TableOptions::default()).unwrap()
    }

    #[test]
    fn headers_and_labels() {
        let t = read(b"1,2,0\n3,4,1\n");
        assert_eq!(t.classes, ["0", "1"]);
        assert_eq!(t.feature_names, ["x1", "x2"]);
        let t = read(b"1990,2000,label\n1,2,up\n3,4,down\n5,6,up\n");
        assert_eq!(t.feature_names, ["1990", "2000"]);
        assert_eq!(t.classes, ["down", "up"]);
        // Headerless with string labels: the first row's label recurs, so it is data.
        let t = read(b"1,2,a\n3,4,b\n5,6,a\n");
        assert_eq!(t.data.n_samples(), 3);
        let t = read(b"1,2,1\n3,4,10\n5,6,2\n");
        assert_eq!(t.classes, ["1", "2", "10"]);
        assert_eq!(t.data.labels.to_vec(), [0, 2, 1]);
    }

    #[test]
    fn missing_cells_error_or_drop() {
        let bytes = b"x1,x2,y\n1,2,a\n,4,b\nNA,1,a\n5,6,b\n";
        let e = read_table("t.csv", bytes, &TableOptions::default())
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.csv, line 3, column 1: the cell is missing (''); fill it in, or drop such rows with --missing drop");
        let t = read_table(
            "t.csv",
            bytes,
            &TableOptions {
                missing: Missing::Drop,
                ..TableOptions::default()
            },
        )
        .unwrap();
        assert_eq!(t.data.n_samples(), 2);
        assert_eq!(t.notes.len(), 1);
    }
}
