//! Joins evidence to the certificates of the code.
