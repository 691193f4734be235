//! Export (placeholder, filled in below).
