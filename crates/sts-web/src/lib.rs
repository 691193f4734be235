//! # sts-web
//!
//! The StatefulSet Playground page: a Yew (client-side rendered) app that links
//! `sts-engine` directly, so every frame reads the simulated world without serialising it.

pub mod app;
pub mod browser;
pub mod components;
pub mod derived;
pub mod diff;
pub mod embed;
pub mod files;
pub mod frames;
pub mod highlight;
pub mod host;
pub mod i18n;
pub mod lesson;
pub mod lite;
pub mod page;
pub mod panels;
pub mod picture;
pub mod session;
pub mod share;
pub mod start;
pub mod timebar;
