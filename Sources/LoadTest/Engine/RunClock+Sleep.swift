import Synchronization

extension RunClock {
    /// Suspends until the clock reaches `deadline` (ns), or until `waker` is woken,
    /// whichever comes first (at once when either already has). On a
    /// ``ManualRunClock`` the deadline passes only when the test advances time.
    public func sleep(until deadline: Int64, unless waker: Waker? = nil) async {
        let gate = Waker()
        let timer = makeTimer { gate.wake() }
        let id = waker?.onWake { gate.wake() }
        timer.arm(at: deadline)
        await gate.wait()
        timer.cancel()
        if let id { waker?.removeCallback(id) }
    }
}

/// A one-shot, sticky signal: once ``wake()`` is called, every ``wait()`` (past or
/// future) returns. Ends the engine's clock waits early (the last call closed, the
/// run stopped) without polling.
public final class Waker: Sendable {
    private let state = Mutex(State())

    private struct State {
        var woken = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var nextID = 0
        var callbacks: [Int: @Sendable () -> Void] = [:]
    }

    public init() {}

    /// Wakes every waiter, now and later.
    public func wake() {
        let (waiters, callbacks) = state.withLock { state -> ([CheckedContinuation<Void, Never>], [@Sendable () -> Void]) in
            guard !state.woken else { return ([], []) }
            state.woken = true
            defer {
                state.waiters = []
                state.callbacks = [:]
            }
            return (state.waiters, Array(state.callbacks.values))
        }
        for waiter in waiters { waiter.resume() }
        for callback in callbacks { callback() }
    }

    /// Returns once woken.
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let woken = state.withLock { state in
                if !state.woken { state.waiters.append(continuation) }
                return state.woken
            }
            if woken { continuation.resume() }
        }
    }

    /// Calls `callback` when woken (at once if already); returns an id for
    /// ``removeCallback(_:)``.
    func onWake(_ callback: @escaping @Sendable () -> Void) -> Int {
        let id: Int? = state.withLock { state in
            guard !state.woken else { return nil }
            state.nextID += 1
            state.callbacks[state.nextID] = callback
            return state.nextID
        }
        guard let id else {
            callback()
            return 0
        }
        return id
    }

    func removeCallback(_ id: Int) {
        _ = state.withLock { $0.callbacks.removeValue(forKey: id) }
    }
}
