//! The page's Yew components.

pub mod cluster;
