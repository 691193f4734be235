//! The page's Yew components.

pub mod cluster;
pub mod console;
pub mod diffview;
pub mod editor;
