//! Figures for the moons workbench (filled in by the figures work).
#![warn(missing_docs)]
