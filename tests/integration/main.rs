//! The one integration-test binary: runs the built `ssox` in a temp HOME with a scrubbed
//! environment, against real shells, a real pty and a loopback fake of AWS.

mod common;
mod pick;
mod use_list;
