//! The one integration-test binary of `armor`: the real executable against an emulator on
//! an ephemeral loopback port.

mod advice;
mod answers;
mod emulator;
mod enterprise;
mod hostile;
mod lifecycle;
mod login;
mod psk;
mod renewal;
mod resources;
mod rotation;
mod shapes;
mod token;
mod util;
