import Foundation
import Synchronization

/// The time source of a simulated FreeSWITCH: wall-clock microseconds since the Unix
/// epoch.
///
/// Use ``system`` in production; use ``ManualClock`` in tests, which moves only when
/// told to, so answer delays, ring timeouts and `sched_hangup` run without sleeping.
public protocol SimClock: AnyObject, Sendable {
    /// Microseconds since the Unix epoch.
    var nowMicroseconds: Int64 { get }
    /// True when time moves only through ``ManualClock/advance(by:)``.
    var isManual: Bool { get }
    /// Registers a callback run (on the advancing thread) after each manual advance.
    func onAdvance(_ callback: @escaping @Sendable () -> Void)
}

/// The real wall clock.
public final class SystemClock: SimClock {
    public init() {}
    public var nowMicroseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }
    public var isManual: Bool { false }
    public func onAdvance(_ callback: @escaping @Sendable () -> Void) {}
}

/// A clock that stands still until ``advance(by:)`` moves it; timers that fall due
/// run on the caller's thread before `advance` returns.
public final class ManualClock: SimClock {
    private let state: Mutex<(now: Int64, callbacks: [@Sendable () -> Void])>

    /// Starts at `startMicroseconds` (default: 2026-11-26 21:32:54.487 UTC, as in
    /// capture 02).
    public init(startMicroseconds: Int64 = 1_795_728_774_487_191) {
        state = Mutex((startMicroseconds, []))
    }

    public var nowMicroseconds: Int64 { state.withLock { $0.now } }
    public var isManual: Bool { true }

    public func onAdvance(_ callback: @escaping @Sendable () -> Void) {
        state.withLock { $0.callbacks.append(callback) }
    }

    /// Moves time forward by `seconds` and runs every timer that falls due.
    public func advance(by seconds: Double) {
        let callbacks = state.withLock { state in
            state.now += Int64(seconds * 1_000_000)
            return state.callbacks
        }
        for callback in callbacks { callback() }
    }
}

extension SimClock where Self == SystemClock {
    /// The real wall clock.
    public static var system: SystemClock { SystemClock() }
}
