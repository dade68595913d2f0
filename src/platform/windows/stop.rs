//! The stop of `ssox serve` on Windows: Ctrl-C, Ctrl-Break, closing the console and logging off
//! reach a console control handler, which calls the stop once; the reception waits with
//! `WSAPoll` on the listener, one end of a loopback TCP pair and its clients.

use std::io;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::windows::io::AsRawSocket;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use windows_sys::core::BOOL;
use windows_sys::Win32::Networking::WinSock::{WSAPoll, POLLRDNORM, SOCKET, WSAPOLLFD};
use windows_sys::Win32::System::Console::SetConsoleCtrlHandler;

/// The socket the accept loop also waits on; written to when a stop was requested.
pub type WakeSocket = TcpStream;

/// A connected loopback pair: (the end to wait on, the end to write to). The accepted end is
/// checked to be ours, not another local process's connection.
pub fn wake_pair() -> io::Result<(WakeSocket, WakeSocket)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let tell = TcpStream::connect(listener.local_addr()?)?;
    loop {
        let (wake, peer) = listener.accept()?;
        if peer == tell.local_addr()? {
            return Ok((wake, tell));
        }
    }
}

type OnStop = Box<dyn FnOnce() + Send>;

static ON_STOP: Mutex<Option<OnStop>> = Mutex::new(None);

unsafe extern "system" fn stop_handler(_event: u32) -> BOOL {
    let on_stop = ON_STOP
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(f) = on_stop {
        f();
    }
    1
}

/// Call `on_stop` (once) on the first console control event.
pub fn on_stop_signals(on_stop: impl FnOnce() + Send + 'static) -> io::Result<()> {
    *ON_STOP.lock().unwrap_or_else(PoisonError::into_inner) = Some(Box::new(on_stop));
    // SAFETY: registers a handler that only takes and calls the stored closure.
    if unsafe { SetConsoleCtrlHandler(Some(stop_handler), 1) } == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A socket the reception waits on.
pub trait Pollable {
    fn socket(&self) -> SOCKET;
}

impl Pollable for TcpListener {
    fn socket(&self) -> SOCKET {
        self.as_raw_socket() as SOCKET
    }
}

impl Pollable for TcpStream {
    fn socket(&self) -> SOCKET {
        self.as_raw_socket() as SOCKET
    }
}

/// Wait until one of `sockets` is readable (or hung up), or `timeout` passed (`None`: no end);
/// which are, in order.
pub fn wait_readable(
    sockets: &[&dyn Pollable],
    timeout: Option<Duration>,
) -> io::Result<Vec<bool>> {
    let mut fds: Vec<WSAPOLLFD> = sockets
        .iter()
        .map(|s| WSAPOLLFD {
            fd: s.socket(),
            events: POLLRDNORM,
            revents: 0,
        })
        .collect();
    let ms = timeout.map_or(-1, |t| i32::try_from(t.as_millis()).unwrap_or(i32::MAX));
    let count = u32::try_from(fds.len()).unwrap_or(u32::MAX);
    // SAFETY: `fds` holds `count` valid entries for the duration of the call.
    if unsafe { WSAPoll(fds.as_mut_ptr(), count, ms) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fds.iter().map(|f| f.revents != 0).collect())
}
