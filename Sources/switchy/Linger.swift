import Dispatch
import Foundation
import Synchronization

/// The wait of `--metrics-linger`: its seconds, or until a signal ends it early.
final class Linger: Sendable {
    private let state = Mutex<(active: Bool, ended: Bool)>((false, false))
    private let semaphore = DispatchSemaphore(value: 0)

    /// Whether the wait is on (a signal then ends it, and nothing else).
    var isActive: Bool { state.withLock { $0.active } }

    /// Ends the wait now.
    func end() {
        let signal = state.withLock { state in
            defer { state.ended = true }
            return !state.ended
        }
        if signal { semaphore.signal() }
    }

    /// From now on a signal ends the wait (called as soon as the run is over, so a
    /// Ctrl-C while the summary prints already ends it).
    func arm() {
        state.withLock { $0.active = true }
    }

    /// Waits `seconds` or until ``end()``, on a thread of its own.
    func wait(seconds: Double) async {
        arm()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                _ = self.semaphore.wait(timeout: .now() + seconds)
                continuation.resume()
            }
        }
    }
}
