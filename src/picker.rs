//! The only module that draws on the terminal: the fuzzy profile menu, on stderr or /dev/tty.
