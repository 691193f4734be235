//! The page's Yew components.

pub mod console;
pub mod diffview;
pub mod editor;
